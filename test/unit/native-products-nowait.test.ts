/**
 * Native item products on a thread that may not block (native-products.ts): where Atomics.wait
 * throws (as on a browser-like main thread), the first product gives native products up for the
 * thread, says why, and every handle answers null (the callers' JavaScript loops). Its own file:
 * the products worker must not have started yet in this thread, so that the first wait (for the
 * worker to load) is certain to happen.
 */
import { describe, expect, it, vi } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { splitInteractions } from '../../main/core/eval';
import { KgEmbedScorer } from '../../main/core/models/kg-embed';
import { ItemProducts, nativeProductsProblem } from '../../main/core/models/native-products';
import { createScorer } from '../../main/core/models/registry';
import { SemanticScorer } from '../../main/core/models/semantic';
import { HybridScorer } from '../../main/core/rank/hybrid';
import { fitContext } from '../../main/jobs/evaluate';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';
import { nativeProductsForAnySize } from '../helpers/native-switch';

describe('ItemProducts where the thread may not block', () => {
  nativeProductsForAnySize();

  it('gives native products up with the reason and answers null, for this handle and later ones', () => {
    const mat = Float32Array.from({ length: 50 * 8 }, (_, j) => Math.cos(j));
    const p = new ItemProducts(mat, 50, 8);
    expect(p.native).toBe(true);
    const wait = vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    try {
      expect(p.products([new Float64Array(8).fill(1)])).toBeNull();
      expect(wait).toHaveBeenCalled();
    } finally {
      wait.mockRestore();
    }
    expect(nativeProductsProblem()).toMatch(/Atomics\.wait is not allowed/);
    expect(p.native).toBe(false);
    expect(p.problem).toMatch(/Atomics\.wait is not allowed/);
    const later = new ItemProducts(mat, 50, 8);
    expect(later.products([new Float64Array(8).fill(1)])).toBeNull();
  });

  it('the models fitted after it say so in their params (nativeProducts), and score in JavaScript', async () => {
    expect(nativeProductsProblem()).not.toBeNull(); // the test above gave them up for this thread
    const d = generateSynthetic({ users: 12, items: 60, interactions: 400, triples: 120, seed: 5 });
    const ds = validateDataset(syntheticRaw(d, 'tiny-nowait')).dataset;
    const ctx = fitContext(ds, splitInteractions(ds.interactions, ds.userIds.length, ds.itemIds.length, 'recbole', 7), 7);
    const models = [new SemanticScorer({ encoder: bagOfWordsEncoder(32), blend: 0.3 }), createScorer('bpr', { dim: 8, epochs: 2, seed: 1 }), new KgEmbedScorer({ dim: 8, epochs: 2 })];
    for (const m of models) {
      await m.fit(ctx);
      expect(String(m.params().nativeProducts), m.name).toMatch(/^off: .*Atomics\.wait is not allowed.*products in JavaScript from then on/);
      expect(m.score(0).every((v) => Number.isFinite(v)), m.name).toBe(true);
    }
    // and a hybrid over them names its sources that computed in JavaScript
    const hybrid = new HybridScorer({ sources: models.map((m) => ({ name: m.name, scorer: m })), ranker: 'linear' });
    await hybrid.fit(ctx);
    expect(String(hybrid.params().nativeProducts)).toMatch(/^semantic off: .* \| bpr off: .* \| kg-embed off: /);
  });
});
