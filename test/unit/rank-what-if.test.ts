/**
 * What-if re-ranking (main/core/rank/what-if.ts) on data whose answer is known by construction:
 * a linear item-to-item source written by hand, and a KG where each film of a pair shares its
 * director with the other (kg-profile and the hybrid).
 */
import { describe, expect, it } from 'vitest';
import { KgIndex } from '../../main/core/kg';
import { buildFitContext } from '../../main/core/models/context';
import { KgProfileScorer } from '../../main/core/models/kg-profile';
import { createScorer } from '../../main/core/models/registry';
import { HybridScorer, ranksOf, sharedTies, tiesMap, whatIfRanking, type WhatIfSource } from '../../main/core/rank';
import { inter, N_ITEMS, PAIRS, pairsDataset } from '../helpers/director-pairs';

/**
 * score(j) = Σ_{h in history} W[h][j]. History {0, 1}; candidates 2..6. Item 2 gets 10 from
 * item 0 alone; items 3..6 get 9, 8, 7, 6 from item 1. Without item 0, item 2 scores 0 and
 * ranks last of the five candidates: from 1st to 5th, everything else moves up one.
 */
function linearSource(): WhatIfSource {
  const n = 7;
  const w = Array.from({ length: n }, () => new Float32Array(n));
  w[0][2] = 10;
  [9, 8, 7, 6].forEach((v, j) => {
    w[1][3 + j] = v;
  });
  const history = [0, 1];
  const scoreOf = (removed: ReadonlySet<number>): Float32Array => {
    const s = new Float32Array(n);
    for (const h of history) if (!removed.has(h)) for (let j = 0; j < n; j++) s[j] += w[h][j];
    return s;
  };
  return { score: () => scoreOf(new Set()), scoreWithout: (_u, removed) => scoreOf(removed) };
}

const SEEN = Uint8Array.of(1, 1, 0, 0, 0, 0, 0);

describe('whatIfRanking', () => {
  it('removing the dominant history item drops its item from 1st to 5th and lifts the others by one', () => {
    const r = whatIfRanking(linearSource(), 0, 3, { items: new Set([0]), ties: new Map() }, SEEN);
    expect(r.items.map((x) => [x.item, x.rankBefore, x.rankAfter])).toEqual([
      [3, 2, 1],
      [4, 3, 2],
      [5, 4, 3],
    ]);
    expect(r.left).toEqual([{ item: 2, score: 0, rankBefore: 1, rankAfter: 5 }]);
    expect(whatIfRanking(linearSource(), 0, 3, { items: new Set([0]), ties: new Map() }, SEEN, undefined, 6).tracked).toEqual({ item: 6, score: 6, rankBefore: 5, rankAfter: 4 });
  });

  it('leaving nothing out keeps the ranking (rank before = rank after)', () => {
    const r = whatIfRanking(linearSource(), 0, 5, { items: new Set(), ties: new Map() }, SEEN);
    expect(r.items.map((x) => x.item)).toEqual([2, 3, 4, 5, 6]);
    for (const x of r.items) expect(x.rankAfter).toBe(x.rankBefore);
    expect(r.left).toEqual([]);
  });

  it('ranksOf gives excluded items 0 and unscored items the rank after every scored one', () => {
    expect(Array.from(ranksOf(Float32Array.of(1, 3, -Infinity, 3), Uint8Array.of(0, 0, 0, 1)))).toEqual([2, 1, 3, 0]);
  });
});


/** User u liked pair film liked(u) and two solos; its partner (same director) is in validation. */
function setup() {
  const nUsers = 48;
  const liked = (u: number): number => 2 * (u % PAIRS) + ((u >> 2) % 2);
  const partner = (u: number): number => liked(u) ^ 1;
  const train: [number, number][] = [];
  const valid: [number, number][] = [];
  for (let u = 0; u < nUsers; u++) {
    train.push([u, liked(u)], [u, 2 * PAIRS + (u % 3)], [u, 2 * PAIRS + ((u + 1) % 3)]);
    valid.push([u, partner(u)]);
  }
  const ds = pairsDataset(nUsers, inter([...train, ...valid]));
  const ctx = buildFitContext({ nUsers, nItems: N_ITEMS, train: inter(train), valid: inter(valid), dataset: ds, seed: 3 });
  const seen = (u: number): Uint8Array => {
    const s = new Uint8Array(N_ITEMS);
    for (const [v, i] of train) if (v === u) s[i] = 1;
    return s;
  };
  return { ds, ctx, kg: new KgIndex(ds), liked, partner, seen, dir: (item: number) => N_ITEMS + (item >> 1) };
}

describe('what-if without KG ties', () => {
  it('sharedTies finds the director a history film shares with the candidate', () => {
    const { kg, liked, partner, dir } = setup();
    const ties = sharedTies(kg, partner(0), [liked(0), 2 * PAIRS, 2 * PAIRS + 1]);
    expect(ties.map((t) => [t.history, t.entity, t.relation])).toEqual([[liked(0), dir(liked(0)), 'film.film.directed_by']]);
  });

  it('kg-profile: dropping the (history film, director) tie equals dropping the film, and the partner falls', async () => {
    const { ctx, kg, liked, partner, seen, dir } = setup();
    const s = new KgProfileScorer({ kg });
    await s.fit(ctx);
    // user 3 liked film 6 (partner 7) and solos 8, 9; the solo 10 ranks first, the partner 2nd.
    // Without the tie the partner scores like the unrelated films 0..5 and ranks after them: 8th.
    const u = 3;
    const withoutTie = s.scoreWithout(u, new Set(), tiesMap([{ history: liked(u), entity: dir(liked(u)) }]));
    expect(Array.from(withoutTie)).toEqual(Array.from(s.scoreWithout(u, new Set([liked(u)]))));
    const r = whatIfRanking(s, u, 2, { items: new Set(), ties: tiesMap([{ history: liked(u), entity: dir(liked(u)) }]) }, seen(u));
    expect(r.left.map((x) => [x.item, x.rankBefore, x.rankAfter])).toEqual([[partner(u), 2, 8]]);
    expect(r.items.map((x) => [x.item, x.rankBefore, x.rankAfter])).toEqual([[10, 1, 1], [0, 3, 2]]);
    // a tie the user's history does not hold changes nothing
    const other = s.scoreWithout(u, new Set(), tiesMap([{ history: liked(u), entity: dir(liked(u) + 2) }]));
    expect(Array.from(other)).toEqual(Array.from(s.score(u)));
  });

  it('hybrid: leaving the liked film or its director tie out moves the partner down, through the fusion', async () => {
    const { ctx, kg, liked, partner, seen, dir } = setup();
    const srcs = [createScorer('pop'), createScorer('itemknn'), createScorer('ease', { lambda: 1 })];
    for (const s of srcs) await s.fit(ctx);
    const kgp = new KgProfileScorer({ kg });
    await kgp.fit(ctx);
    const h = new HybridScorer({ sources: [...srcs, kgp].map((scorer) => ({ name: scorer.name, scorer })), kg, ranker: 'linear', seed: 3 });
    await h.fit(ctx);
    let movedByItem = 0;
    let movedByTie = 0;
    for (let u = 0; u < 8; u++) {
      const p = partner(u);
      const byItem = whatIfRanking(h, u, 3, { items: new Set([liked(u)]), ties: new Map() }, seen(u));
      const row = [...byItem.items, ...byItem.left].find((x) => x.item === p);
      const full = ranksOf(h.score(u), seen(u))[p];
      const after = ranksOf(h.scoreWithout(u, new Set([liked(u)])), seen(u))[p];
      if (row !== undefined) expect([row.rankBefore, row.rankAfter]).toEqual([full, after]);
      if (after > full) movedByItem++;
      const tie = tiesMap([{ history: liked(u), entity: dir(liked(u)) }]);
      if (ranksOf(h.scoreWithout(u, new Set(), tie), seen(u))[p] > full) movedByTie++;
    }
    expect(movedByItem).toBeGreaterThan(0);
    expect(movedByTie).toBeGreaterThan(0);
  });
});
