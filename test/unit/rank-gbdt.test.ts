/**
 * LambdaMART trees boosted from a base feature: zero trees rank exactly as that feature, and the
 * trees learn the correction the base feature misses. Tiny groups built so the answer is known:
 * feature 0 (the "best source") orders the items well except that the positive is always second
 * to an item flagged by feature 1, which the trees must learn to push down.
 */
import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { fitGbdt } from '../../main/core/rank/gbdt';
import { groupNdcg, perGroupNdcg, predictAll, type RankingData } from '../../main/core/rank/ranker';
import { createRng } from '../../main/core/random';

/** nGroups groups of 6 rows, 2 features. Row 0: decoy (f0 = 3, f1 = 1); row 1: positive (f0 = 2); rest lower. */
function data(nGroups: number, seed: number): RankingData {
  const rng = createRng(seed);
  const rows = 6;
  const x = new Float64Array(nGroups * rows * 2);
  const label = new Uint8Array(nGroups * rows);
  const groupPtr = new Int32Array(nGroups + 1);
  for (let g = 0; g < nGroups; g++) {
    for (let j = 0; j < rows; j++) {
      const r = g * rows + j;
      x[2 * r] = j === 0 ? 3 : j === 1 ? 2 : 1 - j * 0.1 + rng.next() * 0.05;
      x[2 * r + 1] = j === 0 ? 1 : 0;
      label[r] = j === 1 ? 1 : 0;
    }
    groupPtr[g + 1] = (g + 1) * rows;
  }
  return { nFeatures: 2, x, label, groupPtr, nTargets: new Int32Array(nGroups).fill(1) };
}

describe('gbdt boosted from a base feature', () => {
  it('zero trees rank as the base feature; the curve starts there and the trees fix the decoy', () => {
    const train = data(40, 1);
    const evalData = data(20, 2);
    const fit = fitGbdt(train, ['base', 'decoy'], 3, { trees: 20, depth: 2, baseFeature: 0, baseScale: 2 }, evalData, 10);
    // positive ranked second in every group: NDCG@10 = 1/log2(3)
    expect(fit.curve[0].trees).toBe(0);
    expect(fit.curve[0].ndcg).toBeCloseTo(1 / Math.log2(3), 12);
    const none = fit.model.truncate(0);
    expect(none.treeCount).toBe(0);
    expect(none.predict(evalData.x, 2 * 4)).toBeCloseTo(2 * evalData.x[2 * 4], 12);
    expect(groupNdcg(evalData, predictAll(none, evalData), 10)).toBeCloseTo(1 / Math.log2(3), 12);
    // with trees the decoy drops below the positive
    expect(fit.curve[fit.curve.length - 1].ndcg).toBeCloseTo(1, 12);
    expect(Math.min(...perGroupNdcg(evalData, predictAll(fit.model, evalData), 10))).toBeCloseTo(1, 12);
    // contributions include the base feature's part and add up to the prediction
    const c = fit.model.contributions(evalData.x, 0);
    const sum = c.bias + c.values[0] + c.values[1];
    expect(sum).toBeCloseTo(fit.model.predict(evalData.x, 0), 9);
    expect(fit.model.summary().base).toBe('base×2');
  });

  it('rejects a base feature outside the rows', () => {
    expect(() => fitGbdt(data(4, 1), ['a', 'b'], 1, { baseFeature: 2 })).toThrow(KnowrecError);
  });
});
