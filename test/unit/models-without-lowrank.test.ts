/**
 * scoreWithout as a low-rank update once the removed items are prepared (prepareWithout): the
 * fold-in models (fold-in.ts, Woodbury over the prepared A⁻¹q_r) and semantic
 * (semantic-without.ts, the kept products V·s, V·m, V·v_r) must give the straightforward
 * computation's scores within 1e-6, on built factors whose answer is known by construction and
 * on a small synthetic catalogue, and fall back to it where the update is not used.
 */
import { describe, expect, it, vi } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { buildFitContext } from '../../main/core/models/context';
import { FoldIn, foldInLambda } from '../../main/core/models/fold-in';
import { multiMatVec } from '../../main/core/models/linalg';
import { SemanticScorer } from '../../main/core/models/semantic';
import { SemanticRemovals } from '../../main/core/models/semantic-without';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';
import { historyCsr, subsets } from '../helpers/explain-runs';

function trainedScores(q: Float32Array, dim: number, p: readonly number[]): Float32Array {
  const n = q.length / dim;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) out[i] += p[k] * q[i * dim + k];
  return out;
}

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThanOrEqual(tol);
}

// Items 0–2 are the unit axes, item 3 leans on axis 0 and a little on axis 1, item 4 on axis 2 only.
const AXES = Float32Array.from([[1, 0, 0], [0, 1, 0], [0, 0, 1], [2, 0.5, 0], [0, 0, 3]].flat());
const MIXED = Float32Array.from([
  [0.9, -0.2, 0.4, 0.1],
  [0.3, 0.8, -0.5, 0.2],
  [-0.4, 0.6, 0.7, -0.3],
  [0.5, 0.5, 0.5, 0.5],
  [1.1, 0.1, -0.2, -0.6],
  [0.2, -0.7, 0.3, 0.9],
  [0.6, -0.1, -0.8, 0.4],
].flat());

describe('multiMatVec', () => {
  it('equals one product per vector, for 1 to 11 vectors (the 4- and 8-wide passes and their padding)', () => {
    const dim = 5;
    const n = 7;
    const mat = Float32Array.from({ length: n * dim }, (_, j) => Math.sin(j + 1));
    for (let count = 1; count <= 11; count++) {
      const vecs = Array.from({ length: count }, (_, v) => Float64Array.from({ length: dim }, (_, k) => Math.cos(v * dim + k)));
      const out = multiMatVec(mat, n, dim, vecs);
      expect(out.length).toBe(count);
      vecs.forEach((q, v) => {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k < dim; k++) s += mat[i * dim + k] * q[k];
          expect(out[v][i]).toBeCloseTo(s, 12);
        }
      });
    }
  });
});

describe('fold-in scoreWithout from prepared items', () => {
  it('with orthonormal history factors, removing item j lowers item i by q_i[j]/(1 + λ), as without preparing', () => {
    const reg = 0.1;
    const hist = historyCsr([[0, 1, 2]], 5);
    const lambda = foldInLambda(reg, 3);
    const trained = trainedScores(AXES, 3, [0.4, 0.3, 0.2]);
    const spy = vi.spyOn(FoldIn.prototype as unknown as { scoreWithoutPrepared: () => Float32Array | null }, 'scoreWithoutPrepared');
    const f = new FoldIn(AXES, 3, hist, reg);
    f.prepareWithout(0, [0, 1, 2]);
    for (const j of [0, 1, 2]) {
      const without = f.scoreWithout(0, new Set([j]), trained);
      for (let i = 0; i < 5; i++) expect(without[i]).toBeCloseTo(trained[i] - AXES[i * 3 + j] / (1 + lambda), 6);
    }
    expect(spy.mock.results.filter((r) => r.value !== null).length).toBe(3);
    // two of three items is past half the history: the straightforward path (the same answer)
    const pair = f.scoreWithout(0, new Set([0, 1]), trained);
    expect(spy.mock.results[spy.mock.results.length - 1].value).toBeNull();
    for (let i = 0; i < 5; i++) expect(pair[i]).toBeCloseTo(trained[i] - (AXES[i * 3] + AXES[i * 3 + 1]) / (1 + lambda), 6);
    spy.mockRestore();
  });

  it('every set of up to three of six history items in general position: the same scores as a fresh fold-in within 1e-6', () => {
    const history = [0, 1, 2, 3, 4, 6];
    const hist = historyCsr([history], 7);
    const trained = trainedScores(MIXED, 4, [0.7, -0.1, 0.2, 0.4]);
    const fast = new FoldIn(MIXED, 4, hist, 0.05);
    fast.prepareWithout(0, [0, 2, 4]); // the others are added on demand
    for (const set of subsets(history, 3)) {
      const reference = new FoldIn(MIXED, 4, hist, 0.05).scoreWithout(0, new Set(set), trained);
      expectClose(fast.scoreWithout(0, new Set(set), trained), reference, 1e-6);
    }
    // an item outside the history changes nothing; another user is not the prepared one
    expect(Array.from(fast.scoreWithout(0, new Set([5]), trained))).toEqual(Array.from(trained));
  });
});

describe('semantic scoreWithout from prepared items', () => {
  it('matches recomputing the item mean within 1e-6, for every set of up to three of a user’s first five items, at two blends', async () => {
    const d = generateSynthetic({ users: 12, items: 60, interactions: 400, triples: 120, seed: 5 });
    const ds = validateDataset(syntheticRaw(d, 'tiny-semantic')).dataset;
    const ctx = buildFitContext({ nUsers: ds.userIds.length, nItems: ds.itemIds.length, train: ds.interactions, dataset: ds, seed: 1 });
    const spy = vi.spyOn(SemanticRemovals.prototype, 'scoreWithout');
    for (const blend of [0, 0.3]) {
      const m = new SemanticScorer({ encoder: bagOfWordsEncoder(32), blend });
      await m.fit(ctx);
      for (let u = 0; u < 3; u++) {
        const hist = Array.from(ctx.trainCsr.indices.subarray(ctx.trainCsr.indptr[u], ctx.trainCsr.indptr[u + 1]));
        expect(hist.length).toBeGreaterThanOrEqual(10);
        const sets = subsets(hist.slice(0, 5), 3);
        const reference = sets.map((s) => m.scoreWithout(u, new Set(s)));
        m.prepareWithout(u, hist.slice(0, 5));
        sets.forEach((s, j) => expectClose(m.scoreWithout(u, new Set(s)), reference[j], 1e-6));
      }
      // another user than the prepared one: the straightforward path
      const other = m.scoreWithout(5, new Set([ctx.trainCsr.indices[ctx.trainCsr.indptr[5]]]));
      expect(spy.mock.results[spy.mock.results.length - 1].value).toBeNull();
      expect(other.length).toBe(ds.itemIds.length);
    }
    expect(spy.mock.results.filter((r) => r.value !== null).length).toBeGreaterThan(100);
    spy.mockRestore();
  });
});

describe('semantic low-rank update where the subtraction would cancel', () => {
  // Six history items on distinct directions: three recent (weight 1), three ten years old
  // (recency weight 2^(−3650/60) ≈ 1e-18): removing the three recent ones leaves a mean of
  // ~1e-18 next to one of ~1, which the subtraction cannot resolve.
  const dim = 6;
  const mat = new Float32Array(8 * dim);
  for (let i = 0; i < 8; i++) mat[i * dim + (i % dim)] = 1;
  mat[6 * dim + 0] = 0.6; // items 6, 7: candidates leaning on an old and a recent item
  mat[6 * dim + 3] = 0.8;
  mat[7 * dim + 1] = 0.5;
  const old = 2 ** (-3650 / 60);
  const items = [0, 1, 2, 3, 4, 5];
  const weights = [1, 1, 1, old, old, old];
  const meanOf = (keep: (j: number) => boolean): Float64Array => {
    const m = new Float64Array(dim);
    items.forEach((j, k) => {
      if (keep(j)) for (let d = 0; d < dim; d++) m[d] += weights[k] * mat[j * dim + d];
    });
    return m;
  };
  const s = new Float32Array(dim);
  s[5] = 1;
  /** The straightforward scores: V · normalize(β·s + (1 − β)·m_R/‖m_R‖). */
  const direct = (removed: ReadonlySet<number>, blend: number): Float32Array => {
    const m = meanOf((j) => !removed.has(j));
    const mn = Math.hypot(...m);
    const q = Array.from({ length: dim }, (_, d) => blend * s[d] + (mn > 0 ? ((1 - blend) * m[d]) / mn : 0));
    const qn = Math.hypot(...q);
    const out = new Float32Array(8);
    for (let i = 0; i < 8; i++) for (let d = 0; d < dim; d++) out[i] += (mat[i * dim + d] * q[d]) / qn;
    return out;
  };

  it('leaves a set that takes nearly all of the weight to the caller (null), and answers the others within 1e-6', () => {
    const r = new SemanticRemovals(mat, dim, 8);
    r.prepare(0, () => ({ items, weights, m: meanOf(() => true), s }), [0, 1, 2]);
    expect(r.scoreWithout(0, 0.2, new Set([0, 1, 2]))).toBeNull();
    for (const set of [[0], [1, 2], [3], [3, 4, 5], [0, 3]]) {
      const fast = r.scoreWithout(0, 0.2, new Set(set));
      expect(fast).not.toBeNull();
      expectClose(fast as Float32Array, direct(new Set(set), 0.2), 1e-6);
    }
  });
});

describe('semantic columns V·v_r kept across users', () => {
  // eight unit-ish item vectors in 4 dimensions, two users sharing history items 1 and 2
  const dim = 4;
  const mat = Float32Array.from({ length: 8 * dim }, (_, k) => Math.sin(1 + k * 0.7));
  const sOf = (u: number): Float32Array => Float32Array.from({ length: dim }, (_, d) => Math.cos(u + d));
  const userParts = (u: number, items: number[]): (() => { items: number[]; weights: number[]; m: Float64Array; s: Float32Array }) => () => {
    const m = new Float64Array(dim);
    for (const j of items) for (let d = 0; d < dim; d++) m[d] += mat[j * dim + d];
    return { items, weights: items.map(() => 1), m, s: sOf(u) };
  };
  const histories: Record<number, number[]> = { 0: [0, 1, 2, 3], 1: [1, 2, 4, 5] };

  it('gives the same scores as an instance without the cache, computes a shared item once, and drops the oldest beyond the budget', () => {
    const cached = new SemanticRemovals(mat, dim, 8);
    for (const u of [0, 1, 0]) {
      const fresh = new SemanticRemovals(mat, dim, 8, null, 0);
      const h = histories[u];
      cached.prepare(u, userParts(u, h), [1, 2, h[3]]);
      fresh.prepare(u, userParts(u, h), [1, 2, h[3]]);
      for (const set of [[1], [2], [1, 2], [h[3]]]) {
        const want = fresh.scoreWithout(u, 0.3, new Set(set));
        expect(want).not.toBeNull();
        expect(Array.from(cached.scoreWithout(u, 0.3, new Set(set)) ?? [])).toEqual(Array.from(want ?? []));
      }
    }
    // user 0 computes 1, 2, 3; user 1 finds 1 and 2 kept and computes 5; back to user 0: all three kept
    expect(cached.columnCounts).toEqual({ computed: 4, reused: 5 });
    expect(cached.keptColumns).toBe(4);
    // room for one column (8 items × 8 bytes): only the last computed is kept
    const small = new SemanticRemovals(mat, dim, 8, null, 64);
    small.prepare(0, userParts(0, histories[0]), [0, 3]);
    expect(small.keptColumns).toBe(1);
    expect(small.columnCounts).toEqual({ computed: 2, reused: 0 });
  });
});
