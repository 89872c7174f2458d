import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hitFlags, idealDcg, rankingMetricsAtK } from '../../main/core/eval/metrics';

describe('rankingMetricsAtK, hand-computed', () => {
  it('hits at ranks 2 and 4 of 5, three targets', () => {
    // recall = 2/3; precision = 2/5; hit = 1; mrr = 1/2 (first hit at rank 2)
    // DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161
    // IDCG = ranks 1..3 = 1 + 0.63093 + 0.5 = 2.13093; NDCG = 0.49819
    const m = rankingMetricsAtK([0, 1, 0, 1, 0], 3, 5);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.precision).toBeCloseTo(0.4, 12);
    expect(m.hit).toBe(1);
    expect(m.mrr).toBeCloseTo(0.5, 12);
    expect(m.ndcg).toBeCloseTo(0.49818926, 7);
  });

  it('cuts the same list at K = 3: one hit, IDCG over 3 positions', () => {
    // hits [0,1,0]: recall 1/3, precision 1/3, mrr 1/2, NDCG = 0.63093 / 2.13093 = 0.29608
    const m = rankingMetricsAtK([0, 1, 0, 1, 0], 3, 3);
    expect(m.recall).toBeCloseTo(1 / 3, 12);
    expect(m.precision).toBeCloseTo(1 / 3, 12);
    expect(m.mrr).toBeCloseTo(0.5, 12);
    expect(m.ndcg).toBeCloseTo(0.29608, 5);
  });

  it('more targets than K: IDCG uses only K positions, so a full top-K is NDCG 1', () => {
    // 12 targets, all 10 slots hit: recall 10/12, precision 1, ndcg 1
    const m = rankingMetricsAtK(new Array(10).fill(1), 12, 10);
    expect(m.recall).toBeCloseTo(10 / 12, 12);
    expect(m.precision).toBe(1);
    expect(m.ndcg).toBeCloseTo(1, 12);
    expect(m.mrr).toBe(1);
  });

  it('no hits gives zeros', () => {
    const m = rankingMetricsAtK([0, 0, 0], 2, 3);
    expect(m).toEqual({ recall: 0, precision: 0, hit: 0, mrr: 0, ndcg: 0 });
  });

  it('a list shorter than K counts the missing slots as misses', () => {
    // two ranked items, the first a hit, K = 4, one target: precision = 1/4, ndcg = 1
    const m = rankingMetricsAtK([1, 0], 1, 4);
    expect(m.precision).toBeCloseTo(0.25, 12);
    expect(m.recall).toBe(1);
    expect(m.ndcg).toBeCloseTo(1, 12);
  });

  it('mrr counts only hits within K', () => {
    expect(rankingMetricsAtK([0, 0, 1], 1, 2).mrr).toBe(0);
    expect(rankingMetricsAtK([0, 0, 1], 1, 3).mrr).toBeCloseTo(1 / 3, 12);
  });

  it('idealDcg of 2 targets is 1 + 1/log2(3)', () => {
    expect(idealDcg(2, 10)).toBeCloseTo(1.63092975, 7);
    expect(idealDcg(5, 1)).toBe(1);
  });

  it('hitFlags marks ranked items that are targets', () => {
    const mask = new Uint8Array([0, 1, 0, 1]);
    expect(Array.from(hitFlags(Int32Array.from([3, 0, 1, 2]), mask))).toEqual([1, 0, 1, 0]);
  });

  it('rejects K < 1 and an empty target set', () => {
    expect(() => rankingMetricsAtK([1], 1, 0)).toThrow(RangeError);
    expect(() => rankingMetricsAtK([1], 0, 1)).toThrow(RangeError);
  });
});

/** A ranked list's hit flags plus a target count at least as large as its hits. */
const listArb = fc
  .record({
    hits: fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 30 }),
    extra: fc.integer({ min: 0, max: 10 }),
    k: fc.integer({ min: 1, max: 35 }),
  })
  .map(({ hits, extra, k }) => {
    const nHits = hits.reduce((s, v) => s + v, 0);
    return { hits, nTargets: Math.max(1, nHits + extra), k };
  });

describe('rankingMetricsAtK, properties', () => {
  it('every metric lies in [0, 1]', () => {
    fc.assert(
      fc.property(listArb, ({ hits, nTargets, k }) => {
        const m = rankingMetricsAtK(hits, nTargets, k);
        for (const v of Object.values(m)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
    );
  });

  it('hit ≥ precision, hit ≥ recall, hit ≥ mrr, and hit = 1 iff mrr > 0', () => {
    fc.assert(
      fc.property(listArb, ({ hits, nTargets, k }) => {
        const m = rankingMetricsAtK(hits, nTargets, k);
        expect(m.hit).toBeGreaterThanOrEqual(m.precision);
        expect(m.hit).toBeGreaterThanOrEqual(m.recall);
        expect(m.hit).toBeGreaterThanOrEqual(m.mrr);
        expect(m.hit === 1).toBe(m.mrr > 0);
      }),
    );
  });

  it('recall, hit and mrr never decrease as K grows', () => {
    fc.assert(
      fc.property(listArb, ({ hits, nTargets, k }) => {
        const a = rankingMetricsAtK(hits, nTargets, k);
        const b = rankingMetricsAtK(hits, nTargets, k + 1);
        expect(b.recall).toBeGreaterThanOrEqual(a.recall);
        expect(b.hit).toBeGreaterThanOrEqual(a.hit);
        expect(b.mrr).toBeGreaterThanOrEqual(a.mrr);
      }),
    );
  });

  it('NDCG = 1 exactly when the first min(K, |T|) ranks are all hits', () => {
    fc.assert(
      fc.property(listArb, ({ hits, nTargets, k }) => {
        const m = rankingMetricsAtK(hits, nTargets, k);
        const need = Math.min(k, nTargets);
        let allHit = hits.length >= need;
        for (let r = 0; r < need && allHit; r++) if (hits[r] !== 1) allHit = false;
        expect(Math.abs(m.ndcg - 1) < 1e-9).toBe(allHit);
      }),
    );
  });

  it('recall = hits / |T| and precision = hits / K by counting', () => {
    fc.assert(
      fc.property(listArb, ({ hits, nTargets, k }) => {
        const count = hits.slice(0, k).reduce((s, v) => s + v, 0);
        const m = rankingMetricsAtK(hits, nTargets, k);
        expect(m.recall).toBeCloseTo(count / nTargets, 12);
        expect(m.precision).toBeCloseTo(count / k, 12);
      }),
    );
  });
});
