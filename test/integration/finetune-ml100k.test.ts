/**
 * Fine-tuning on real ml-100k, kept short: real item and user sentences (the verbalizer, KG facts
 * included) encoded by a cheap deterministic bag-of-words hashing encoder instead of the ONNX
 * model, a subset of 300 users, RecBole split (seed 2020), 2 epochs in the worker thread. The
 * adapter must raise validation NDCG@10 over the frozen vectors, and the test split must never
 * reach the trainer. The full run with the real encoder is `npm run bench:finetune`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAtomicFolder } from '../../main/core/data/import';
import type { Encoder } from '../../main/core/encode/types';
import { selectInteractions } from '../../main/core/matrix';
import type { Dataset } from '../../main/core/types';
import { loadAdapter } from '../../main/core/train';
import { runFinetune } from '../../main/jobs/finetune';

const DATA = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const DIR = join(DATA, 'ml-100k');
const present = existsSync(join(DIR, 'ml-100k.inter'));
if (!present) console.warn(`skipping fine-tuning test on ml-100k: ${DIR} not found (set KNOWREC_DATA_DIR)`);

const DIM = 64;
class HashEncoder implements Encoder {
  readonly modelId = 'hash-bow-64';
  readonly dim = DIM;
  async encode(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = new Float32Array(DIM);
      for (const w of t.toLowerCase().split(/[^a-z0-9']+/).filter((x) => x.length > 2)) {
        let h = 2166136261;
        for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619) >>> 0;
        v[h % DIM] += (h & 1) === 0 ? 1 : -1;
      }
      const n = Math.hypot(...v) || 1;
      return v.map((x) => x / n);
    });
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!present)('fine-tuning on real ml-100k (subset, hashing encoder)', () => {
  it('raises validation NDCG@10 over the frozen vectors and saves a loadable version', async () => {
    const { dataset: full } = loadAtomicFolder(DIR, 'ml-100k');
    // the first 300 users and all items
    const keep: number[] = [];
    for (let i = 0; i < full.interactions.user.length; i++) if (full.interactions.user[i] < 300) keep.push(i);
    const dataset: Dataset = { ...full, interactions: selectInteractions(full.interactions, keep) };
    const out = join(mkdtempSync(join(tmpdir(), 'knowrec-ft-ml100k-')), 'v1');
    dirs.push(out);
    const epochs: number[] = [];
    const r = await runFinetune({
      dataset,
      encoder: new HashEncoder(),
      outDir: out,
      seed: 2020,
      params: { epochs: 2, rank: 8 },
      onEpoch: (e) => epochs.push(e.epoch),
    });
    console.log(`ml-100k subset: ${r.train.pairs} pairs, valid ndcg@10 frozen ${r.validNdcg.semantic.toFixed(4)} → ${r.validNdcg.semanticFt.toFixed(4)}; ` +
      `curve ${r.meta.metrics.curve.map((c) => `${c.epoch}:${c.validNdcg.toFixed(4)}/${c.seconds.toFixed(1)}s`).join(' ')}`);
    expect(epochs).toEqual([1, 2]);
    // pairs: one per train interaction after each user's first (subset users only)
    expect(r.train.pairs).toBeGreaterThan(0.7 * keep.length - 300);
    expect(r.train.pairs).toBeLessThan(0.85 * keep.length);
    expect(r.validNdcg.semanticFt).toBeGreaterThan(r.validNdcg.semantic * 1.3);
    expect(r.meta.metrics.best_valid_ndcg).toBeCloseTo(r.validNdcg.semanticFt, 6);
    expect(loadAdapter(out).meta.data_sha256).toBe(r.meta.data_sha256);
  }, 300_000);
});
