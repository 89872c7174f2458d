/**
 * Attribution of a score to history items and counterfactual re-scoring without some of them,
 * on tiny data where the answer is known by construction.
 */
import { describe, expect, it } from 'vitest';
import { buildFitContext } from '../../main/core/models/context';
import { EaseScorer } from '../../main/core/models/ease';
import { ItemKnnScorer } from '../../main/core/models/itemknn';
import { SemanticScorer } from '../../main/core/models/semantic';
import { isAttributable } from '../../main/core/models/attribution';
import type { FitContext, Interactions } from '../../main/core/types';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';
import { tinyDataset } from '../helpers/tiny-workspace';

function inter(rows: readonly (readonly [number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: new Float32Array(rows.length).fill(1),
    timestamp: new Float64Array(rows.length),
  };
}

/**
 * Items 0–1 are always taken together, items 2–3 together, 4 with everything; user 0 holds
 * 0, 2 and 4 and has not seen 1 or 3.
 */
function pairs(): FitContext {
  const rows: [number, number][] = [[0, 0], [0, 2], [0, 4]];
  for (let u = 1; u < 13; u++) {
    if (u % 2 === 0) rows.push([u, 0], [u, 1]);
    else rows.push([u, 2], [u, 3]);
    if (u % 3 === 0) rows.push([u, 4]);
  }
  return buildFitContext({ nUsers: 13, nItems: 5, train: inter(rows), seed: 1 });
}

describe('history attribution of item–item scorers', () => {
  it('ease: each history item contributes its weight B[j][i], the terms sum to the score', async () => {
    const m = new EaseScorer({ lambda: 1 });
    await m.fit(pairs());
    expect(isAttributable(m)).toBe(true);
    const parts = m.attribute(0, 1);
    for (const p of parts) expect(p.weight).toBeCloseTo(m.weight(p.item, 1), 6);
    expect(parts.map((p) => p.item).sort()).toEqual([0, 2, 4].filter((j) => m.weight(j, 1) !== 0).sort());
    // item 1's partner 0 carries most of it
    expect(parts[0].item).toBe(0);
    expect(parts.reduce((a, p) => a + p.weight, 0)).toBeCloseTo(m.score(0)[1], 5);
  });

  it('ease: scoring without a history item subtracts exactly its row', async () => {
    const m = new EaseScorer({ lambda: 1 });
    await m.fit(pairs());
    const full = m.score(0);
    const without = m.scoreWithout(0, new Set([0]));
    for (let i = 0; i < 5; i++) expect(without[i]).toBeCloseTo(full[i] - m.weight(0, i), 5);
    // without its partner, item 1 falls below item 3
    expect(full[1]).toBeCloseTo(full[3], 5);
    expect(without[1]).toBeLessThan(without[3]);
  });

  it('ease: scoring without history items gives the same scores whether the full sum is at hand or not', async () => {
    const m = new EaseScorer({ lambda: 1 });
    await m.fit(pairs());
    // cold: the kept rows summed; warm (after score): the removed rows subtracted from the full sum
    const cold = m.scoreWithout(0, new Set([0]));
    m.score(1);
    const cold2 = m.scoreWithout(0, new Set([2]));
    m.score(0);
    expect(Array.from(m.scoreWithout(0, new Set([0])))).toEqual(Array.from(cold));
    expect(Array.from(m.scoreWithout(0, new Set([2])))).toEqual(Array.from(cold2));
    expect(Array.from(m.scoreWithout(0, new Set()))).toEqual(Array.from(m.score(0)));
  });

  it('itemknn: terms are w_uj·sim(i, j) and sum to the score; removal drops the removed terms', async () => {
    const m = new ItemKnnScorer({ k: 4 });
    await m.fit(pairs());
    for (const target of [1, 3]) {
      const parts = m.attribute(0, target);
      expect(parts.reduce((a, p) => a + p.weight, 0)).toBeCloseTo(m.score(0)[target], 5);
      expect(parts[0].item).toBe(target - 1);
    }
    const without = m.scoreWithout(0, new Set([2]));
    const kept = m.attribute(0, 3).filter((p) => p.item !== 2);
    expect(without[3]).toBeCloseTo(kept.reduce((a, p) => a + p.weight, 0), 5);
  });
});

describe('history attribution of the semantic scorer', () => {
  it('with blend 0 the score is the cosine with the history mean: the terms sum to it', async () => {
    const ds = tinyDataset();
    const ctx = buildFitContext({ nUsers: 3, nItems: 3, train: ds.interactions, dataset: ds, seed: 1 });
    const m = new SemanticScorer({ encoder: bagOfWordsEncoder(64), blend: 0 });
    await m.fit(ctx);
    for (let u = 0; u < 3; u++) {
      for (let i = 0; i < 3; i++) {
        const parts = m.attribute(u, i);
        expect(parts.reduce((a, p) => a + p.weight, 0), `user ${u}, item ${i}`).toBeCloseTo(m.score(u)[i], 5);
      }
    }
    // nothing removed: the same scores; everything removed: only the (zero-weight) sentence is left
    const full = m.score(0);
    const same = m.scoreWithout(0, new Set());
    for (let i = 0; i < 3; i++) expect(same[i]).toBeCloseTo(full[i], 5);
    expect(Array.from(m.scoreWithout(0, new Set([0, 2])))).toEqual([0, 0, 0]);
  });
});
