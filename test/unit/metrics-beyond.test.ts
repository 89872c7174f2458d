import { describe, expect, it } from 'vitest';
import { BeyondAccuracyAccumulator, headItemMask, itemSelfInformation, metricKey } from '../../main/core/eval/metrics';

describe('beyond-accuracy helpers', () => {
  it('headItemMask takes the ⌈20%⌉ most popular items, ties to the lower index, never zero-count ones', () => {
    // 10 items → head size 2; counts 5 at items 3 and 7 and 9 tie: lower indices 3, 7 win
    const counts = [0, 1, 2, 5, 0, 0, 0, 5, 0, 5];
    expect(Array.from(headItemMask(counts))).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
    // 11 items → ⌈2.2⌉ = 3, but only one item has interactions
    const sparse = [0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(Array.from(headItemMask(sparse))).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('itemSelfInformation is −log2(pop/nUsers) with pop clamped to [1, nUsers]', () => {
    // nUsers 8: pop 8 → 0; pop 2 → 2 bits; pop 0 → treated as 1 → 3 bits; pop 20 → clamped → 0
    const v = itemSelfInformation([8, 2, 0, 20], 8);
    expect(Array.from(v)).toEqual([0, 2, 3, 0]);
  });

  it('the accumulator counts distinct items, slot-averaged novelty and tail share', () => {
    // 4 items, head = {0}; self-information [0, 1, 2, 3]
    const acc = new BeyondAccuracyAccumulator(4, Float64Array.from([0, 1, 2, 3]), Uint8Array.from([1, 0, 0, 0]));
    acc.add([0, 1, 9], 2); // only the first 2 count: items 0, 1
    acc.add([1, 2], 5); // a short list adds what it has
    // distinct {0,1,2} → 3/4; slots 0,1,1,2 → novelty (0+1+1+2)/4 = 1; tail slots 1,1,2 → 3/4
    expect(acc.result()).toEqual({ coverage: 0.75, novelty: 1, longtail: 0.75 });
    expect(new BeyondAccuracyAccumulator(3, new Float64Array(3), new Uint8Array(3)).result()).toEqual({
      coverage: 0,
      novelty: 0,
      longtail: 0,
    });
  });

  it('metricKey', () => {
    expect(metricKey('ndcg', 10)).toBe('ndcg@10');
  });
});
