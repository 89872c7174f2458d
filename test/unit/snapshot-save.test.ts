import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

  it('says how to fix a missing or foreign model folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'knowrec-snap-'));
    dirs.push(root);
    expect(() => loadSnapshot(join(root, 'none'))).toThrow(/knowrec fit/);
    expect(existsSync(join(root, 'none'))).toBe(false);
  });
});
