/** Relevance labels from CSV, and labelled data reaching the training pairs and negatives. */
import { describe, expect, it } from 'vitest';
import { parseLabelsCsv } from '../../main/core/train/labels-file';
import { buildPairs, prefixCuts } from '../../main/core/train/pairs';
import type { Interactions } from '../../main/core/types';

const ids = { userIds: ['u1', 'u2'], itemIds: ['a', 'b', 'c'] };

describe('parseLabelsCsv', () => {
  it('reads ids into dense indices, with or without a header', () => {
    expect(parseLabelsCsv('user,item,value\nu1,b,1\nu2,c,0\n', ids)).toEqual([
      { user: 0, item: 1, value: 1 },
      { user: 1, item: 2, value: 0 },
    ]);
    expect(parseLabelsCsv('u2\ta\t1', ids)).toEqual([{ user: 1, item: 0, value: 1 }]);
  });

  it('names the file, line and column of a bad row', () => {
    expect(() => parseLabelsCsv('user,item,value\nu1,zz,1\n', ids, 'l.csv')).toThrow(/l\.csv, line 2, column 2: unknown item id 'zz'/);
    expect(() => parseLabelsCsv('u1,a,yes\n', ids, 'l.csv')).toThrow(/line 1, column 3: value must be 0 or 1/);
    expect(() => parseLabelsCsv('u1,a\n', ids, 'l.csv')).toThrow(/expected 3 fields/);
  });
});

describe('buildPairs', () => {
  const d = 2;
  // items as axis-aligned unit vectors
  const itemVecs = Float32Array.from([1, 0, 0, 1, 0.6, 0.8]);
  const train: Interactions = {
    user: Int32Array.from([0, 0, 0]),
    item: Int32Array.from([2, 0, 1]),
    rating: Float32Array.from([5, 5, 5]),
    // out of row order on purpose: item 0 first, then 1, then 2
    timestamp: Float64Array.from([300, 100, 200]),
  };

  it('uses only the history strictly before each target (time order), and adds positive labels', () => {
    const userVecs = Float32Array.from([0, 1, 1, 0]);
    const p = buildPairs({
      train, nUsers: 2, nItems: 3, dim: d, itemVecs, blend: 0, halfLifeSeconds: 1e12,
      labels: [{ user: 1, item: 2, value: 1 }, { user: 1, item: 0, value: 0 }], userVecs,
    });
    expect(p.n).toBe(3);
    // target item 1 after history {0}: x = v0
    expect(Array.from(p.item)).toEqual([1, 2, 2]);
    expect(Array.from(p.x.subarray(0, 2))).toEqual([1, 0]);
    // target item 2 after history {0, 1}: x = normalize(v0 + v1)
    expect(p.x[2]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(p.x[3]).toBeCloseTo(Math.SQRT1_2, 6);
    // the positive label: user 1's full-history vector
    expect(Array.from(p.user)).toEqual([0, 0, 1]);
    expect(Array.from(p.x.subarray(4, 6))).toEqual([1, 0]);
  });

  it('blends the latest prefix sentence at or before the target', () => {
    const s = Float32Array.from([0, 1]);
    const p = buildPairs({
      train, nUsers: 1, nItems: 3, dim: d, itemVecs, blend: 1, halfLifeSeconds: 1e12,
      sentences: { cuts: [Int32Array.from([2])], vec: () => s },
    });
    // target at position 1: no cut ≤ 1 → mean only; position 2: the cut at 2 → the sentence
    expect(Array.from(p.x.subarray(0, 2))).toEqual([1, 0]);
    expect(Array.from(p.x.subarray(2, 4))).toEqual([0, 1]);
  });

  it('cuts histories into distinct prefixes', () => {
    expect(Array.from(prefixCuts(9, 2))).toEqual([3, 6]);
    expect(Array.from(prefixCuts(2, 3))).toEqual([1]);
    expect(Array.from(prefixCuts(1, 2))).toEqual([]);
  });
});
