import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KnowrecError } from '../../main/core/errors';
import { recboleSplitCounts, splitInteractions, type SplitProtocol } from '../../main/core/eval/split';
import type { Interactions, Split } from '../../main/core/types';

/**
 * Builds interactions from (user, item, timestamp) rows. rating[i] = i tags each row with its
 * original position, so we can check where every row went.
 */
function build(rows: readonly (readonly [number, number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: Float32Array.from(rows.map((_, i) => i)),
    timestamp: Float64Array.from(rows.map((r) => r[2])),
  };
}

function tags(x: Interactions): number[] {
  return Array.from(x.rating);
}

function perUser(x: Interactions, nUsers: number): number[] {
  const c = new Array<number>(nUsers).fill(0);
  for (const u of x.user) c[u]++;
  return c;
}

/** Random interaction sets: up to 12 users, 15 items, 80 rows. */
const dataArb = fc
  .record({
    nUsers: fc.integer({ min: 1, max: 12 }),
    nItems: fc.integer({ min: 1, max: 15 }),
    rows: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 50 })), { maxLength: 80 }),
  })
  .map(({ nUsers, nItems, rows }) => ({
    nUsers,
    nItems,
    x: build(rows.map(([u, i, t]) => [u % nUsers, i % nItems, t] as const)),
  }));

const protocolArb = fc.constantFrom<SplitProtocol>('recbole', 'loo', 'cold-items');

describe('recboleSplitCounts (RecBole _calcu_split_ids with ratios 0.8/0.1/0.1)', () => {
  it('matches the hand-worked table', () => {
    // tot 1: floor parts [_,0,0], first takes 1; the bump loop stops because first ≤ 1
    // tot 2: test bumped to 1 (0.2 in (0,1)), then first = 1 so valid is not bumped
    // tot 3: both bumped; tot 9: 0.9 each → bumped; tot 10: exactly 1 each, no bump
    // tot 19: floor(1.9) = 1; tot 25: floor(2.5) = 2
    const table: [number, number[]][] = [
      [0, [0, 0, 0]],
      [1, [1, 0, 0]],
      [2, [1, 0, 1]],
      [3, [1, 1, 1]],
      [4, [2, 1, 1]],
      [9, [7, 1, 1]],
      [10, [8, 1, 1]],
      [19, [17, 1, 1]],
      [20, [16, 2, 2]],
      [25, [21, 2, 2]],
      [272, [218, 27, 27]],
    ];
    for (const [tot, want] of table) expect(recboleSplitCounts(tot, [0.8, 0.1, 0.1])).toEqual(want);
  });

  it('always sums to the total and, from 10 on, gives ⌊n/10⌋ to valid and test', () => {
    for (let n = 0; n < 500; n++) {
      const c = recboleSplitCounts(n, [0.8, 0.1, 0.1]);
      expect(c[0] + c[1] + c[2]).toBe(n);
      if (n >= 10) expect(c.slice(1)).toEqual([Math.floor(n / 10), Math.floor(n / 10)]);
    }
  });
});

describe('splitInteractions, properties', () => {
  it('is a partition: every interaction lands in exactly one part', () => {
    fc.assert(
      fc.property(dataArb, protocolArb, fc.integer(), ({ x, nUsers, nItems }, protocol, seed) => {
        const s = splitInteractions(x, nUsers, nItems, protocol, seed);
        const all = [...tags(s.train), ...tags(s.valid), ...tags(s.test)].sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: x.user.length }, (_, i) => i));
        // rows are copied whole: user/item/timestamp still belong to the tagged row
        for (const part of [s.train, s.valid, s.test]) {
          for (let j = 0; j < part.user.length; j++) {
            const i = part.rating[j];
            expect([part.user[j], part.item[j], part.timestamp[j]]).toEqual([x.user[i], x.item[i], x.timestamp[i]]);
          }
        }
        expect(s.protocol).toBe(protocol);
        expect([s.nUsers, s.nItems]).toEqual([nUsers, nItems]);
      }),
    );
  });

  it('is deterministic per seed', () => {
    fc.assert(
      fc.property(dataArb, protocolArb, fc.integer(), ({ x, nUsers, nItems }, protocol, seed) => {
        const a = splitInteractions(x, nUsers, nItems, protocol, seed);
        const b = splitInteractions(x, nUsers, nItems, protocol, seed);
        expect(a).toEqual(b);
      }),
    );
  });

  it('recbole: per-user part sizes follow RecBole’s count rule', () => {
    fc.assert(
      fc.property(dataArb, fc.integer(), ({ x, nUsers, nItems }, seed) => {
        const s = splitInteractions(x, nUsers, nItems, 'recbole', seed);
        const tot = perUser(x, nUsers);
        const tr = perUser(s.train, nUsers);
        const va = perUser(s.valid, nUsers);
        const te = perUser(s.test, nUsers);
        for (let u = 0; u < nUsers; u++) {
          expect([tr[u], va[u], te[u]]).toEqual(recboleSplitCounts(tot[u], [0.8, 0.1, 0.1]));
        }
      }),
    );
  });

  it('loo: test is each user’s latest interaction, valid the one before (ties by original order)', () => {
    fc.assert(
      fc.property(dataArb, fc.integer(), ({ x, nUsers, nItems }, seed) => {
        const s = splitInteractions(x, nUsers, nItems, 'loo', seed);
        const rowsOf = (u: number): number[] =>
          Array.from({ length: x.user.length }, (_, i) => i)
            .filter((i) => x.user[i] === u)
            .sort((a, b) => x.timestamp[a] - x.timestamp[b] || a - b);
        for (let u = 0; u < nUsers; u++) {
          const rows = rowsOf(u);
          const testTags = tags(s.test).filter((_, j) => s.test.user[j] === u);
          const validTags = tags(s.valid).filter((_, j) => s.valid.user[j] === u);
          if (rows.length < 3) {
            expect(testTags).toEqual([]);
            expect(validTags).toEqual([]);
          } else {
            expect(testTags).toEqual([rows[rows.length - 1]]);
            expect(validTags).toEqual([rows[rows.length - 2]]);
          }
        }
      }),
    );
  });

  it('cold-items: held-out items never appear in train and all their rows go to valid/test', () => {
    fc.assert(
      fc.property(dataArb, fc.integer(), ({ x, nUsers, nItems }, seed) => {
        const s = splitInteractions(x, nUsers, nItems, 'cold-items', seed);
        const active = new Set(Array.from(x.item));
        expect(s.coldItems.length).toBe(Math.round(0.1 * active.size));
        const cold = new Set(Array.from(s.coldItems));
        for (const i of cold) expect(active.has(i)).toBe(true);
        for (const i of s.train.item) expect(cold.has(i)).toBe(false);
        for (const part of [s.valid, s.test]) for (const i of part.item) expect(cold.has(i)).toBe(true);
        for (const c of cold) {
          const n = Array.from(x.item).filter((i) => i === c).length;
          const nv = Array.from(s.valid.item).filter((i) => i === c).length;
          expect(nv).toBe(Math.floor(n / 2));
        }
      }),
    );
  });
});

describe('splitInteractions, concrete cases', () => {
  // 30 users × 40 interactions each on distinct items: enough that two shuffles never coincide
  const rows: [number, number, number][] = [];
  for (let u = 0; u < 30; u++) for (let j = 0; j < 40; j++) rows.push([u, (u * 7 + j) % 60, j]);
  const big = build(rows);

  it('different seeds give different splits', () => {
    for (const protocol of ['recbole', 'cold-items'] as const) {
      const a = splitInteractions(big, 30, 60, protocol, 1);
      const b = splitInteractions(big, 30, 60, protocol, 2);
      expect(tags(a.test)).not.toEqual(tags(b.test));
    }
  });

  it('loo does not depend on the seed', () => {
    const a = splitInteractions(big, 30, 60, 'loo', 1);
    const b = splitInteractions(big, 30, 60, 'loo', 2);
    expect(tags(a.test)).toEqual(tags(b.test));
    // every user has 40 rows with timestamps 0..39: test holds timestamp 39, valid 38
    expect(new Set(Array.from(a.test.timestamp))).toEqual(new Set([39]));
    expect(new Set(Array.from(a.valid.timestamp))).toEqual(new Set([38]));
  });

  it('recbole gives 32/4/4 per user with 40 interactions, and coldItems is empty', () => {
    const s: Split = splitInteractions(big, 30, 60, 'recbole', 2020);
    expect(perUser(s.train, 30).every((c) => c === 32)).toBe(true);
    expect(perUser(s.valid, 30).every((c) => c === 4)).toBe(true);
    expect(perUser(s.test, 30).every((c) => c === 4)).toBe(true);
    expect(s.coldItems.length).toBe(0);
  });

  it('cold-items holds out 6 of 60 items', () => {
    const s = splitInteractions(big, 30, 60, 'cold-items', 5);
    expect(s.coldItems.length).toBe(6);
    expect(s.valid.user.length + s.test.user.length).toBe(
      Array.from(big.item).filter((i) => s.coldItems.includes(i)).length,
    );
  });

  it('rejects indices outside the declared sizes and unknown protocols', () => {
    const x = build([[0, 3, 0]]);
    expect(() => splitInteractions(x, 1, 3, 'recbole', 1)).toThrow(KnowrecError);
    expect(() => splitInteractions(x, 1, 4, 'nope' as SplitProtocol, 1)).toThrow(/Unknown split protocol/);
    expect(() => splitInteractions(x, 1, 4, 'recbole', Number.NaN)).toThrow(KnowrecError);
  });
});
