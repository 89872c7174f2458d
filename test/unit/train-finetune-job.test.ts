/**
 * The fine-tuning job end to end on a tiny built dataset with a deterministic bag-of-words
 * encoder (no ONNX model needed): training runs in a worker thread, the version folder is written
 * and reloads to identical scores, a cancelled job resumes from its checkpoint to the same weights,
 * versions are listed and one is made active.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Encoder } from '../../main/core/encode/types';
import { buildFitContext } from '../../main/core/models/context';
import { SemanticScorer } from '../../main/core/models/semantic';
import { SemanticFtScorer } from '../../main/core/models/semantic-ft';
import { createRng } from '../../main/core/random';
import type { Dataset, Interactions, ItemRecord } from '../../main/core/types';
import { splitInteractions } from '../../main/core/eval';
import { activeAdapterVersion, listAdapterVersions, loadAdapter, setActiveAdapter } from '../../main/core/train';
import { checkpointPathFor, runFinetune } from '../../main/jobs/finetune';

const DIM = 16;

/** Hashing bag-of-words encoder: deterministic, L2-normalised, no model files. */
class HashEncoder implements Encoder {
  readonly modelId = 'hash-bow';
  readonly dim = DIM;
  async encode(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = new Float32Array(DIM);
      for (const w of t.toLowerCase().split(/[^a-z0-9]+/).filter((x) => x.length > 0)) {
        let h = 2166136261;
        for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619) >>> 0;
        v[h % DIM] += 1;
        v[(h >>> 8) % DIM] -= 0.5;
      }
      const n = Math.hypot(...v) || 1;
      return v.map((x) => x / n);
    });
  }
}

const GENRES = ['Comedy', 'Drama', 'Horror', 'Western'];

function tinyDataset(): Dataset {
  const rng = createRng(4);
  const items: ItemRecord[] = Array.from({ length: 24 }, (_, i) => ({
    id: `i${i}`,
    title: `Film number ${i} (${1980 + i})`,
    text: {},
    attributes: { genres: [GENRES[i % 4]] },
  }));
  const user: number[] = [];
  const item: number[] = [];
  const time: number[] = [];
  for (let u = 0; u < 12; u++) {
    const base = u < 6 ? 0 : 12;
    const picks = rng.shuffle(Int32Array.from({ length: 12 }, (_, i) => base + i)).slice(0, 10);
    picks.forEach((it, t) => {
      user.push(u);
      item.push(it);
      time.push(1_000_000 + 3600 * t);
    });
  }
  const interactions: Interactions = {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(user, () => 4),
    timestamp: Float64Array.from(time),
  };
  const userIds = Array.from({ length: 12 }, (_, u) => `u${u}`);
  return {
    name: 'tiny-groups',
    userIds,
    itemIds: items.map((i) => i.id),
    users: userIds.map((id) => ({ id, attributes: {} })),
    items,
    interactions,
    kg: { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) },
    itemEntities: items.map(() => new Int32Array(0)),
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'knowrec-ft-'));
  dirs.push(d);
  return d;
}

const PARAMS = { rank: 2, batchSize: 8, epochs: 4, patience: 10, lr: 0.02, temperature: 0.2 };

describe('runFinetune (worker thread, tiny dataset)', () => {
  const dataset = tinyDataset();
  const encoder = new HashEncoder();

  it('saves a version that reloads to identical scores; versions can be listed and made active', async () => {
    const root = tmp();
    const epochs: number[] = [];
    const r = await runFinetune({ dataset, encoder, outDir: join(root, 'v1'), seed: 1, params: PARAMS, onEpoch: (e) => epochs.push(e.epoch) });
    expect(epochs).toEqual([1, 2, 3, 4]);
    expect(r.meta.dataset).toBe('tiny-groups');
    expect(r.meta.data_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.meta.metrics.curve.length).toBe(4);
    expect(existsSync(checkpointPathFor(r.dir))).toBe(false);

    const loaded = loadAdapter(r.dir);
    expect(Array.from(loaded.adapter.params)).toEqual(Array.from(r.adapter.params));
    // scores of a scorer using the trained adapter vs one using the reloaded file
    const split = splitInteractions(dataset.interactions, 12, 24, 'recbole', 1);
    const ctx = buildFitContext({ nUsers: 12, nItems: 24, train: split.train, valid: split.valid, dataset, seed: 1 });
    const base = new SemanticScorer({ encoder });
    await base.fit(ctx);
    const a = new SemanticFtScorer({ base, adapter: r.adapter });
    const b = new SemanticFtScorer({ base, adapter: loaded.adapter });
    await a.fit(ctx);
    await b.fit(ctx);
    for (let u = 0; u < 12; u++) expect(Array.from(b.score(u))).toEqual(Array.from(a.score(u)));
    // and the adapter is not the identity: fine-tuned scores differ from frozen ones
    expect(Array.from(a.score(0))).not.toEqual(Array.from(base.score(0)));

    const r2 = await runFinetune({ dataset, encoder, outDir: join(root, 'v2'), seed: 2, params: { ...PARAMS, epochs: 1 }, inWorker: false });
    const versions = listAdapterVersions(root);
    expect(versions.map((v) => v.version).sort()).toEqual(['v1', 'v2']);
    expect(versions.every((v) => !v.active)).toBe(true);
    setActiveAdapter(root, 'v2');
    expect(activeAdapterVersion(root)).toBe('v2');
    expect(listAdapterVersions(root).find((v) => v.active)?.meta.seed).toBe(r2.meta.seed);
    expect(() => setActiveAdapter(root, 'nope')).toThrow(/no adapter version/);
  }, 60_000);

  it('a cancelled job resumes from its checkpoint to the weights of an uninterrupted run', async () => {
    const root = tmp();
    const p = { ...PARAMS, epochs: 5, dropout: 0.1 };
    const full = await runFinetune({ dataset, encoder, outDir: join(root, 'full'), seed: 3, params: p });

    const out = join(root, 'cut');
    const ctrl = new AbortController();
    await expect(
      runFinetune({ dataset, encoder, outDir: out, seed: 3, params: p, signal: ctrl.signal, onEpoch: (e) => { if (e.epoch === 2) ctrl.abort(); } }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(checkpointPathFor(out))).toBe(true);
    expect(existsSync(out)).toBe(false);

    const resumed = await runFinetune({ dataset, encoder, seed: 3, params: p, resumeFrom: out });
    expect(resumed.dir).toBe(out);
    expect(resumed.train.resumedAfterEpoch).toBe(2);
    expect(Array.from(resumed.adapter.params)).toEqual(Array.from(full.adapter.params));
    expect(existsSync(checkpointPathFor(out))).toBe(false);
  }, 60_000);
});
