import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSnapshot, saveSnapshot, SNAPSHOT_FORMAT, type Snapshot, type SnapshotManifest } from '../../main/jobs/fit';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function snapshot(tag: string): Snapshot {
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    dataset: tag,
    data_sha256: 'x',
    model: 'hybrid',
    protocol: { name: 'recbole', seed: 1, note: '' },
    k: 2,
    lang: 'en',
    users: 1,
    items: 2,
    params: {},
    metrics: { valid: {}, test: {} },
    fit_seconds: 1,
    created: '2026-01-01',
  };
  const explanation = { signals: { ease: 1 }, against: {}, history: [], facts: ['f'], reason: 'r' };
  return { manifest, recommendations: { u1: [{ item: 'i1', title: 'I1', score: 0.5, explanation }] } };
}

describe('serving snapshot', () => {
  it('round-trips and replaces an earlier model', () => {
    const root = mkdtempSync(join(tmpdir(), 'knowrec-snap-'));
    dirs.push(root);
    const dir = join(root, 'model');
    saveSnapshot(dir, snapshot('first'));
    saveSnapshot(dir, snapshot('second'));
    const back = loadSnapshot(dir);
    expect(back.manifest.dataset).toBe('second');
    expect(back.recommendations.u1[0].explanation.signals).toEqual({ ease: 1 });
    expect(readdirSync(root)).toEqual(['model']); // no temporary or old folders left behind
  });

  it('leaves the previous model intact when a save fails midway', () => {
    const root = mkdtempSync(join(tmpdir(), 'knowrec-snap-'));
    dirs.push(root);
    const dir = join(root, 'model');
    saveSnapshot(dir, snapshot('good'));
    const bad = snapshot('bad');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic; // JSON.stringify throws on this, after the save has begun
    (bad.recommendations as Record<string, unknown>).u2 = cyclic;
    expect(() => saveSnapshot(dir, bad)).toThrow();
    expect(loadSnapshot(dir).manifest.dataset).toBe('good');
    expect(readdirSync(root)).toEqual(['model']);
  });

  it('reads a folder of the first layout (manifest.json + recommendations.json) and migrates it on the next save', () => {
    const root = mkdtempSync(join(tmpdir(), 'knowrec-snap-'));
    dirs.push(root);
    const dir = join(root, 'model');
    mkdirSync(dir);
    const old = snapshot('legacy');
    writeFileSync(join(dir, 'recommendations.json'), JSON.stringify(old.recommendations));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(old.manifest));
    expect(loadSnapshot(dir)).toEqual(old);
    saveSnapshot(dir, snapshot('new'));
    expect(loadSnapshot(dir).manifest).toEqual(snapshot('new').manifest);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('manifest.json');
    expect(files[1]).toMatch(/^recommendations-\d+-[0-9a-z-]+\.json$/);
  });

  it('refuses a manifest that names a file outside the folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'knowrec-snap-'));
    dirs.push(root);
    const dir = join(root, 'model');
    mkdirSync(dir);
    writeFileSync(join(root, 'secret.json'), '{}');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...snapshot('x').manifest, recommendations_file: '../secret.json' }));
    expect(() => loadSnapshot(dir)).toThrow(/names no recommendations file/);
  });

  it('says how to fix a missing or foreign model folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'knowrec-snap-'));
    dirs.push(root);
    expect(() => loadSnapshot(join(root, 'none'))).toThrow(/knowrec fit/);
    expect(existsSync(join(root, 'none'))).toBe(false);
  });
});
