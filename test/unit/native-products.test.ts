/**
 * Native item-matrix products (native-products.ts, on the matvec worker): the same numbers as
 * JavaScript float64 sums within float32 rounding, the same bits for a vector whatever batch it
 * goes in, JavaScript below the size switch, and the models that use them (semantic, the fold-in
 * of bpr / kg-embed) giving their JavaScript scores and counterfactual re-scores within 1e-6.
 * The switch is lowered to 0 here so that tiny built matrices go native.
 */
import { describe, expect, it, vi } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { buildFitContext } from '../../main/core/models/context';
import { FoldIn } from '../../main/core/models/fold-in';
import { multiMatVec } from '../../main/core/models/linalg';
import { ItemProducts, NATIVE_PRODUCTS_MIN_FLOATS, nativeProductsProblem, setNativeProductsMinFloats } from '../../main/core/models/native-products';
import { SemanticScorer } from '../../main/core/models/semantic';
import { SemanticRemovals } from '../../main/core/models/semantic-without';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';
import { nativeProductsForAnySize } from '../helpers/native-switch';
import { historyCsr } from '../helpers/explain-runs';

function worstGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const n = 300;
const dim = 24;
const mat = Float32Array.from({ length: n * dim }, (_, j) => Math.sin(0.37 * j + 1));
const vecs = Array.from({ length: 5 }, (_, v) => Float64Array.from({ length: dim }, (_, k) => Math.cos(v * dim + 0.5 * k)));

describe('ItemProducts below the size switch', () => {
  it('is not native and answers null (the caller keeps its own loop)', () => {
    expect(NATIVE_PRODUCTS_MIN_FLOATS).toBeGreaterThan(n * dim);
    const p = new ItemProducts(mat, n, dim);
    expect(p.native).toBe(false);
    expect(p.products(vecs)).toBeNull();
  });
});

describe('ItemProducts, native', () => {
  nativeProductsForAnySize();

  it('gives the float64 JavaScript products within float32 rounding, one array per vector', () => {
    const p = new ItemProducts(mat, n, dim);
    expect(p.native).toBe(true);
    const got = p.products(vecs);
    expect(p.problem).toBeNull();
    expect(got).not.toBeNull();
    const want = multiMatVec(mat, n, dim, vecs);
    (got ?? []).forEach((g, v) => {
      expect(g).toBeInstanceOf(Float32Array);
      expect(worstGap(g, want[v])).toBeLessThan(1e-5);
    });
  });

  it('gives a vector the same bits alone, first or last in a batch, and again later (at a size split over threads and blocks)', () => {
    const [bn, bd] = [20_000, 256];
    const big = Float32Array.from({ length: bn * bd }, (_, j) => Math.sin(0.37 * j + 1));
    const bv = Array.from({ length: 5 }, (_, v) => Float64Array.from({ length: bd }, (_, k) => Math.cos(v * bd + 0.5 * k)));
    const p = new ItemProducts(big, bn, bd);
    const alone = p.products([bv[2]])?.[0];
    const first = p.products([bv[2], bv[0], bv[4]])?.[0];
    const last = p.products([bv[1], bv[3], bv[0], bv[2]])?.[3];
    const again = p.products([bv[2]])?.[0];
    expect(alone).toHaveLength(bn);
    for (const other of [first, last, again]) expect(Array.from(other ?? [])).toEqual(Array.from(alone ?? []));
  });

  it('small matrices too', () => {
    const p = new ItemProducts(mat, n, dim);
    const alone = p.products([vecs[2]])?.[0];
    const first = p.products([vecs[2], vecs[0], vecs[4]])?.[0];
    const last = p.products([vecs[1], vecs[3], vecs[0], vecs[2]])?.[3];
    const again = p.products([vecs[2]])?.[0];
    expect(alone).toBeDefined();
    for (const other of [first, last, again]) expect(Array.from(other ?? [])).toEqual(Array.from(alone ?? []));
  });

  it('keeps several matrices apart', () => {
    const other = Float32Array.from({ length: 40 * dim }, (_, j) => (j % 7) - 3);
    const a = new ItemProducts(mat, n, dim);
    const b = new ItemProducts(other, 40, dim);
    const pa = a.products([vecs[0]])?.[0];
    const pb = b.products([vecs[0]])?.[0];
    expect(pa?.length).toBe(n);
    expect(pb?.length).toBe(40);
    expect(worstGap(pb ?? [], multiMatVec(other, 40, dim, [vecs[0]])[0])).toBeLessThan(1e-5);
    expect(worstGap(a.products([vecs[0]])?.[0] ?? [], pa ?? [])).toBe(0);
  });

  it('refuses a vector of another width (a mistake of the caller), staying native', () => {
    const p = new ItemProducts(mat, n, dim);
    expect(() => p.products([new Float64Array(dim + 1)])).toThrow(/25 dims for a matrix of 24/);
    expect(p.native).toBe(true);
    expect(p.problem).toBeNull();
    expect(nativeProductsProblem()).toBeNull();
    expect(p.products(vecs)).not.toBeNull();
  });

  it('semantic: a removal that leaves a twentieth of the mean is recomputed with float32 columns, updated with float64 ones', () => {
    // six history items on the six axes: three of weight 1, three of weight 0.05; without the
    // first three, ‖m_R‖/‖m‖ ≈ 0.05 (between the two thresholds)
    const d6 = 6;
    const m6 = new Float32Array(8 * d6);
    for (let i = 0; i < 8; i++) m6[i * d6 + (i % d6)] = 1;
    const items = [0, 1, 2, 3, 4, 5];
    const weights = [1, 1, 1, 0.05, 0.05, 0.05];
    const m = Float64Array.from({ length: d6 }, (_, d) => weights[d]);
    const s = Float32Array.from({ length: d6 }, (_, d) => (d === 4 ? 1 : 0));
    const keep = setNativeProductsMinFloats(Number.POSITIVE_INFINITY);
    const js = new SemanticRemovals(m6, d6, 8, new ItemProducts(m6, 8, d6));
    setNativeProductsMinFloats(0);
    const native = new SemanticRemovals(m6, d6, 8, new ItemProducts(m6, 8, d6));
    setNativeProductsMinFloats(keep);
    for (const r of [js, native]) r.prepare(0, () => ({ items, weights, m, s }), [0, 1, 2]);
    const gone = new Set([0, 1, 2]);
    expect(js.scoreWithout(0, 0.2, gone)).not.toBeNull();
    expect(native.scoreWithout(0, 0.2, gone)).toBeNull();
    // a mild removal is updated by both, the same within 1e-6
    const one = new Set([3]);
    expect(worstGap(native.scoreWithout(0, 0.2, one) ?? [], js.scoreWithout(0, 0.2, one) ?? [0])).toBeLessThan(1e-6);
  });

  it('semantic: score() and every counterfactual re-score within 1e-6 of the JavaScript ones', async () => {
    const d = generateSynthetic({ users: 12, items: 60, interactions: 400, triples: 120, seed: 5 });
    const ds = validateDataset(syntheticRaw(d, 'tiny-semantic')).dataset;
    const ctx = buildFitContext({ nUsers: ds.userIds.length, nItems: ds.itemIds.length, train: ds.interactions, dataset: ds, seed: 1 });
    const fitWith = async (minFloats: number): Promise<SemanticScorer> => {
      const keep = setNativeProductsMinFloats(minFloats);
      const m = new SemanticScorer({ encoder: bagOfWordsEncoder(32), blend: 0.3 });
      await m.fit(ctx);
      setNativeProductsMinFloats(keep);
      return m;
    };
    const js = await fitWith(Number.POSITIVE_INFINITY);
    const native = await fitWith(0);
    // nothing to report where the products are native (or below the switch)
    expect(native.params().nativeProducts).toBeUndefined();
    expect(js.params().nativeProducts).toBeUndefined();
    const spy = vi.spyOn(ItemProducts.prototype, 'products');
    for (let u = 0; u < 3; u++) {
      expect(worstGap(native.scoreVector(Float32Array.from({ length: 32 }, (_, k) => Math.sin(u + k))), js.scoreVector(Float32Array.from({ length: 32 }, (_, k) => Math.sin(u + k))))).toBeLessThan(1e-6);
      const hist = Array.from(ctx.trainCsr.indices.subarray(ctx.trainCsr.indptr[u], ctx.trainCsr.indptr[u + 1])).slice(0, 4);
      native.prepareWithout(u, hist);
      js.prepareWithout(u, hist);
      for (const set of [[hist[0]], [hist[1], hist[2]], hist.slice(0, 3)]) {
        expect(worstGap(native.scoreWithout(u, new Set(set)), js.scoreWithout(u, new Set(set)))).toBeLessThan(1e-6);
      }
    }
    // the native scorer's products came from the worker (V·s, V·m, V·v_r and the query products), the other's never
    const answered = spy.mock.results.filter((r) => r.value !== null).length;
    expect(answered).toBeGreaterThanOrEqual(6);
    expect(spy.mock.results.length - answered).toBeGreaterThanOrEqual(6);
    spy.mockRestore();
  });

  it('fold-in: prepared and straightforward re-scores within 1e-6 of the JavaScript ones', () => {
    const q = Float32Array.from({ length: 50 * 6 }, (_, j) => Math.sin(0.9 * j + 0.2));
    const hist = historyCsr([[0, 3, 7, 11, 19, 23, 31, 40]], 50);
    const trained = Float32Array.from({ length: 50 }, (_, i) => Math.cos(i));
    const keep = setNativeProductsMinFloats(Number.POSITIVE_INFINITY);
    const js = new FoldIn(q, 6, hist, 0.05);
    setNativeProductsMinFloats(0);
    const native = new FoldIn(q, 6, hist, 0.05);
    setNativeProductsMinFloats(keep);
    const spy = vi.spyOn(ItemProducts.prototype, 'products');
    // before preparing: the straightforward path (a full product with the shift)
    for (const set of [[3], [7, 11], [0, 3, 7, 11, 19]]) expect(worstGap(native.scoreWithout(0, new Set(set), trained), js.scoreWithout(0, new Set(set), trained))).toBeLessThan(1e-6);
    native.prepareWithout(0, [3, 7, 11]);
    js.prepareWithout(0, [3, 7, 11]);
    for (const set of [[3], [7, 11], [3, 7, 11]]) expect(worstGap(native.scoreWithout(0, new Set(set), trained), js.scoreWithout(0, new Set(set), trained))).toBeLessThan(1e-6);
    // three straightforward shifts and one prepared batch natively; the JavaScript fold-in's calls answered null
    expect(spy.mock.results.filter((r) => r.value !== null).length).toBe(4);
    spy.mockRestore();
  });
});
