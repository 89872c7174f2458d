/**
 * Fold-in attribution of the factor models (fold-in.ts, BPR, kg-embed) on tiny built factors
 * whose answer is known by construction.
 */
import { describe, expect, it } from 'vitest';
import { isAttributable } from '../../main/core/models/attribution';
import { BprScorer } from '../../main/core/models/bpr';
import { buildFitContext } from '../../main/core/models/context';
import { FOLD_IN_MIN_REG, FoldIn, foldInLambda, solveFoldIn } from '../../main/core/models/fold-in';
import { KgEmbedScorer } from '../../main/core/models/kg-embed';
import { inter, N_ITEMS, pairsDataset, PAIRS } from '../helpers/director-pairs';
import { historyCsr } from '../helpers/explain-runs';

function factors(rows: readonly (readonly number[])[]): Float32Array {
  return Float32Array.from(rows.flat());
}

/** p·q_i for every item, as a model's trained scores with user factor p. */
function trainedScores(q: Float32Array, dim: number, p: readonly number[]): Float32Array {
  const n = q.length / dim;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) out[i] += p[k] * q[i * dim + k];
  return out;
}

// Items 0–2 are the unit axes (the history), item 3 leans on axis 0 and a little on axis 1, item 4 on axis 2 only.
const AXES = factors([[1, 0, 0], [0, 1, 0], [0, 0, 1], [2, 0.5, 0], [0, 0, 3]]);

// Six items in general position (none orthogonal), a history of five of them.
const MIXED = factors([
  [0.9, -0.2, 0.4, 0.1],
  [0.3, 0.8, -0.5, 0.2],
  [-0.4, 0.6, 0.7, -0.3],
  [0.5, 0.5, 0.5, 0.5],
  [1.1, 0.1, -0.2, -0.6],
  [0.2, -0.7, 0.3, 0.9],
]);
const MIXED_HISTORY = [0, 1, 2, 3, 4];

describe('fold-in attribution on built factors', () => {
  it('with orthonormal history factors, each item contributes q_j·q_i / (1 + λ) and an orthogonal one nothing', () => {
    const reg = 0.1;
    const f = new FoldIn(AXES, 3, historyCsr([[0, 1, 2]], 5), reg);
    const lambda = foldInLambda(reg, 3);
    expect(lambda).toBeCloseTo(0.3, 12);
    expect(f.lambda(0)).toBeCloseTo(0.3, 12);
    // A = (1 + λ)I, p̂ = Σe_j/(1 + λ); the leave-one-out factor (1 − ŷ_j)/(1 − h_j) is 1
    const parts = f.attribute(0, 3);
    expect(parts.map((p) => p.item)).toEqual([0, 1]); // axis 2 is orthogonal to item 3: weight 0, dropped
    expect(parts[0].weight).toBeCloseTo(2 / (1 + lambda), 10);
    expect(parts[1].weight).toBeCloseTo(0.5 / (1 + lambda), 10);
    // item 4 lies on axis 2 only
    expect(f.attribute(0, 4)).toEqual([{ item: 2, weight: expect.closeTo(3 / (1 + lambda), 10) }]);
  });

  it('the most aligned history item is the top contributor', () => {
    // MIXED with history item 2 made almost parallel to item 5, the others in general position
    const q = MIXED.slice();
    q.set([0.25, -0.65, 0.3, 0.85], 2 * 4);
    const target = 5;
    const byCos = [...MIXED_HISTORY].sort((a, b) => cosOf(q, b, target) - cosOf(q, a, target));
    expect(byCos[0]).toBe(2);
    const parts = new FoldIn(q, 4, historyCsr([MIXED_HISTORY], 6), 0.05).attribute(0, target);
    expect(parts[0].item).toBe(2);
    expect(parts[0].weight).toBeGreaterThan(2 * Math.abs(parts[1].weight));
  });

  it('the Sherman–Morrison downdate equals a fresh solve without the item, for one and for several items', () => {
    const reg = 0.05;
    const f = new FoldIn(MIXED, 4, historyCsr([MIXED_HISTORY], 6), reg);
    const lambda = foldInLambda(reg, MIXED_HISTORY.length);
    const full = solveFoldIn(MIXED, 4, MIXED_HISTORY, lambda).p;
    for (const removed of [[2], [0], [1, 3], [0, 1, 2, 4]]) {
      const kept = MIXED_HISTORY.filter((j) => !removed.includes(j));
      const fresh = solveFoldIn(MIXED, 4, kept, lambda).p;
      const shift = f.shift(0, new Set(removed));
      expect(shift).not.toBeNull();
      for (let k = 0; k < 4; k++) expect((shift as Float64Array)[k]).toBeCloseTo(fresh[k] - full[k], 10);
    }
    // removing everything leaves p̂ = 0
    const all = f.shift(0, new Set(MIXED_HISTORY)) as Float64Array;
    for (let k = 0; k < 4; k++) expect(all[k]).toBeCloseTo(-full[k], 10);
  });

  it('with nothing removed the score is the trained score; a contribution is exactly the score lost without the item', () => {
    const f = new FoldIn(MIXED, 4, historyCsr([MIXED_HISTORY], 6), 0.05);
    const trained = trainedScores(MIXED, 4, [0.7, -0.1, 0.2, 0.4]);
    expect(Array.from(f.scoreWithout(0, new Set(), trained))).toEqual(Array.from(trained));
    expect(Array.from(f.scoreWithout(0, new Set([5]), trained))).toEqual(Array.from(trained)); // 5 is not in the history
    expect(f.shift(0, new Set([5]))).toBeNull();
    const parts = f.attribute(0, 5);
    expect(parts.length).toBe(MIXED_HISTORY.length);
    for (const p of parts) {
      const without = f.scoreWithout(0, new Set([p.item]), trained);
      expect(trained[5] - without[5]).toBeCloseTo(p.weight, 5);
    }
  });

  it('λ follows the model: reg per history item, floored, and an empty history attributes nothing', () => {
    expect(foldInLambda(0.02, 50)).toBeCloseTo(1, 12);
    expect(foldInLambda(0, 10)).toBeCloseTo(10 * FOLD_IN_MIN_REG, 12);
    const f = new FoldIn(AXES, 3, historyCsr([[0, 1], []], 5), 0.1);
    expect(f.attribute(1, 3)).toEqual([]);
    expect(f.shift(1, new Set([0]))).toBeNull();
    expect(() => f.attribute(0, 9)).toThrow(/outside/);
    expect(() => f.attribute(2, 3)).toThrow(/outside/);
  });
});

function cosOf(q: Float32Array, a: number, b: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < 4; k++) {
    ab += q[a * 4 + k] * q[b * 4 + k];
    aa += q[a * 4 + k] ** 2;
    bb += q[b * 4 + k] ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * Users 1… each hold both films of one director pair; user 0 holds film 0, the solo film 2·PAIRS
 * and film 2 (pair 1), and not film 1 (film 0's partner).
 */
function pairsContext(): ReturnType<typeof buildFitContext> {
  const rows: [number, number][] = [[0, 0], [0, 2 * PAIRS], [0, 2]];
  const nUsers = 1 + 6 * PAIRS;
  for (let u = 1; u < nUsers; u++) {
    const p = u % PAIRS;
    rows.push([u, 2 * p], [u, 2 * p + 1]);
  }
  const train = inter(rows);
  return buildFitContext({ nUsers, nItems: N_ITEMS, train, dataset: pairsDataset(nUsers, train), seed: 5 });
}

describe('BPR and kg-embed attribute by fold-in', () => {
  for (const make of [
    () => new BprScorer({ dim: 8, epochs: 150, lr: 0.05, reg: 0.001 }),
    () => new KgEmbedScorer({ dim: 8, epochs: 30, lr: 0.1, lrDecay: 1, reg: 0.001 }),
  ]) {
    it(`${make().name}: scores without nothing are the trained scores, contributions are the scores lost, film 0 carries its partner`, async () => {
      const m = make();
      expect(() => m.attribute(0, 1)).toThrow(/before fit/);
      await m.fit(pairsContext());
      expect(isAttributable(m)).toBe(true);
      const trained = m.score(0);
      expect(Array.from(m.scoreWithout(0, new Set()))).toEqual(Array.from(trained));
      const parts = m.attribute(0, 1);
      expect(parts.length).toBeGreaterThan(0);
      for (const p of parts) expect([0, 2, 2 * PAIRS]).toContain(p.item);
      for (const p of parts) expect(trained[1] - m.scoreWithout(0, new Set([p.item]))[1]).toBeCloseTo(p.weight, 4);
      expect(parts[0].item).toBe(0);
      // without film 0, its partner falls
      expect(m.scoreWithout(0, new Set([0]))[1]).toBeLessThan(trained[1]);
    });
  }
});
