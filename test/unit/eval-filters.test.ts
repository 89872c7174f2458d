import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KnowrecError } from '../../main/core/errors';
import { filterByRating, filterKCore } from '../../main/core/eval/filters';
import type { Interactions } from '../../main/core/types';

function build(rows: readonly (readonly [number, number, number?])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: Float32Array.from(rows.map((r) => r[2] ?? 1)),
    timestamp: Float64Array.from(rows.map((_, i) => i)),
  };
}

describe('filterByRating', () => {
  it('keeps ratings ≥ threshold and reports what it removed', () => {
    const x = build([[0, 0, 5], [0, 1, 3], [1, 0, 4], [1, 2, 1], [2, 2, Number.NaN]]);
    const { interactions, report } = filterByRating(x, 4);
    expect(Array.from(interactions.rating)).toEqual([5, 4]);
    expect(Array.from(interactions.timestamp)).toEqual([0, 2]);
    expect(report).toEqual({ threshold: 4, kept: 2, removed: 3 });
  });

  it('rejects a non-finite threshold', () => {
    expect(() => filterByRating(build([]), Number.NaN)).toThrow(KnowrecError);
  });
});

describe('filterKCore', () => {
  it('cascades: dropping a rare item makes a user too small in the next pass', () => {
    // k = 2. Items: 0 (users 0,1), 1 (users 0,1,2), 2 (user 2 only).
    // pass 1: item 2 has 1 row → drop (2,2). pass 2: user 2 now has 1 row → drop (2,1).
    // pass 3: users 0,1 and items 0,1 all have 2 rows → stop. 2 rounds, 2 rows removed.
    const x = build([[0, 0], [0, 1], [1, 0], [1, 1], [2, 1], [2, 2]]);
    const { interactions, report } = filterKCore(x, 3, 3, 2);
    expect(interactions.user.length).toBe(4);
    expect(Array.from(interactions.timestamp)).toEqual([0, 1, 2, 3]);
    expect(report.rounds).toBe(2);
    expect(report.removedInteractions).toBe(2);
    expect(report.kept).toBe(4);
    expect(Array.from(report.removedUsers)).toEqual([2]);
    expect(Array.from(report.removedItems)).toEqual([2]);
  });

  it('separate user and item thresholds', () => {
    // user 1 has one row; items all have ≥ 1. userK = 2, itemK = 1 → only user 1 goes.
    const x = build([[0, 0], [0, 1], [1, 1]]);
    const { report } = filterKCore(x, 2, 2, { userK: 2, itemK: 1 });
    expect(report.removedInteractions).toBe(1);
    expect(Array.from(report.removedUsers)).toEqual([1]);
    expect(Array.from(report.removedItems)).toEqual([]);
    expect(report.rounds).toBe(1);
  });

  it('a k-core input is returned unchanged with 0 rounds', () => {
    const x = build([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const { interactions, report } = filterKCore(x, 2, 2, 2);
    expect(interactions).toEqual(x);
    expect(report.rounds).toBe(0);
  });

  it('rejects a negative k', () => {
    expect(() => filterKCore(build([]), 0, 0, -1)).toThrow(KnowrecError);
  });

  it('properties: result is a k-core, counts add up, a second pass removes nothing', () => {
    const arb = fc.record({
      nUsers: fc.integer({ min: 1, max: 10 }),
      nItems: fc.integer({ min: 1, max: 10 }),
      k: fc.integer({ min: 0, max: 4 }),
      rows: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 60 }),
    });
    fc.assert(
      fc.property(arb, ({ nUsers, nItems, k, rows }) => {
        const x = build(rows.map(([u, i]) => [u % nUsers, i % nItems] as const));
        const { interactions: y, report } = filterKCore(x, nUsers, nItems, k);
        const ud = new Array<number>(nUsers).fill(0);
        const id = new Array<number>(nItems).fill(0);
        for (let j = 0; j < y.user.length; j++) {
          ud[y.user[j]]++;
          id[y.item[j]]++;
        }
        for (const d of [...ud, ...id]) expect(d === 0 || d >= k).toBe(true);
        expect(report.kept + report.removedInteractions).toBe(x.user.length);
        expect(report.kept).toBe(y.user.length);
        for (const u of report.removedUsers) expect(ud[u]).toBe(0);
        const again = filterKCore(y, nUsers, nItems, k);
        expect(again.report.removedInteractions).toBe(0);
        expect(again.report.rounds).toBe(0);
      }),
    );
  });
});
