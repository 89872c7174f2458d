import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { toCsr } from '../../main/core/matrix';
import { BprScorer } from '../../main/core/models/bpr';
import { buildFitContext } from '../../main/core/models/context';
import { EaseScorer, gram } from '../../main/core/models/ease';
import { ItemKnnScorer, topNeighbours } from '../../main/core/models/itemknn';
import { PopScorer } from '../../main/core/models/pop';
import type { FitContext, Interactions, Scorer } from '../../main/core/types';

function inter(rows: readonly (readonly [number, number, number?])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: Float32Array.from(rows.map((r) => r[2] ?? 1)),
    timestamp: new Float64Array(rows.length),
  };
}

/**
 * Two groups with disjoint tastes: users 0..5 only ever touch items 0..4, users 6..11 only items
 * 5..9. Each user has seen four of its group's five items; user u misses group item u % 5.
 */
function twoGroups(): { ctx: FitContext; missing: number[]; group: (u: number) => 0 | 1 } {
  const rows: [number, number][] = [];
  const missing: number[] = [];
  for (let u = 0; u < 12; u++) {
    const base = u < 6 ? 0 : 5;
    const miss = base + (u % 5);
    missing.push(miss);
    for (let i = base; i < base + 5; i++) if (i !== miss) rows.push([u, i]);
  }
  return { ctx: buildFitContext({ nUsers: 12, nItems: 10, train: inter(rows), seed: 1 }), missing, group: (u) => (u < 6 ? 0 : 1) };
}

async function expectInGroupFirst(s: Scorer): Promise<void> {
  const { ctx, missing, group } = twoGroups();
  await s.fit(ctx);
  for (let u = 0; u < 12; u++) {
    const sc = s.score(u);
    expect(sc.length).toBe(10);
    const otherBase = group(u) === 0 ? 5 : 0;
    for (let i = otherBase; i < otherBase + 5; i++) {
      expect(sc[missing[u]], `user ${u}: unseen in-group item ${missing[u]} vs out-group item ${i}`).toBeGreaterThan(sc[i]);
    }
  }
}

describe('two user groups with disjoint tastes', () => {
  it('itemknn ranks the unseen in-group item above every out-group item', async () => {
    await expectInGroupFirst(new ItemKnnScorer());
  });
  it('ease ranks the unseen in-group item above every out-group item', async () => {
    await expectInGroupFirst(new EaseScorer({ lambda: 1 }));
  });
  it('bpr ranks the unseen in-group item above every out-group item', async () => {
    for (const seed of [1, 2, 3]) {
      await expectInGroupFirst(new BprScorer({ dim: 8, lr: 0.05, epochs: 150, batchSize: 8, seed }));
    }
  });
  it('pop cannot tell the groups apart (sanity check of the fixture)', async () => {
    const { ctx } = twoGroups();
    const s = new PopScorer();
    await s.fit(ctx);
    expect(Array.from(s.score(0))).toEqual(Array.from(s.score(11)));
  });
});

describe('pop', () => {
  it('scores each item by its number of training interactions, the same for every user', async () => {
    // item i is touched by i users (item 0 by none); a duplicate pair counts twice
    const rows: [number, number][] = [];
    for (let i = 1; i < 5; i++) for (let u = 0; u < i; u++) rows.push([u, i]);
    rows.push([0, 1]);
    const s = new PopScorer();
    await s.fit(buildFitContext({ nUsers: 4, nItems: 5, train: inter(rows) }));
    expect(Array.from(s.score(0))).toEqual([0, 2, 2, 3, 4]);
    expect(Array.from(s.score(3))).toEqual([0, 2, 2, 3, 4]);
    expect(Array.from(s.score(2, Int32Array.from([4, 0])))).toEqual([4, 0]);
  });

  it('returns a fresh vector each call', async () => {
    const s = new PopScorer();
    await s.fit(buildFitContext({ nUsers: 1, nItems: 2, train: inter([[0, 1]]) }));
    s.score(0)[1] = 99;
    expect(s.score(0)[1]).toBe(1);
  });
});

describe('itemknn', () => {
  // users: 0 {0,1}, 1 {0,1}, 2 {0,2}, 3 {1}
  // item 0 ← users {0,1,2}, item 1 ← {0,1,3}, item 2 ← {2}
  // cos(0,1) = 2/3, cos(0,2) = 1/√3, cos(1,2) = 0
  const train = inter([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 2], [3, 1]]);

  it('computes cosine neighbourhoods and keeps the top k', () => {
    const x = toCsr(train, 4, 3);
    const all = topNeighbours(x, 10, 0);
    const row = (i: number): [number, number][] =>
      Array.from(all.indices.subarray(all.indptr[i], all.indptr[i + 1]), (j, p) => [j, all.values[all.indptr[i] + p]]);
    expect(row(0).map((r) => r[0])).toEqual([1, 2]);
    expect(row(0)[0][1]).toBeCloseTo(2 / 3, 6);
    expect(row(0)[1][1]).toBeCloseTo(1 / Math.sqrt(3), 6);
    expect(row(1).map((r) => r[0])).toEqual([0]); // cos(1,2) = 0 is not a neighbour
    expect(row(2).map((r) => r[0])).toEqual([0]);
    const one = topNeighbours(x, 1, 0);
    expect(Array.from(one.indices)).toEqual([1, 0, 0]);
    const shrunk = topNeighbours(x, 1, 3);
    expect(shrunk.values[0]).toBeCloseTo(2 / (3 + 3), 6);
  });

  it('scores through the neighbourhood of the scored item only', async () => {
    // a user who saw only item 2: item 0 gets sim(0,2) only if 2 ∈ N_k(0)
    const withUser = inter([...Array.from({ length: 7 }, (_, p) => [train.user[p], train.item[p]] as [number, number]), [4, 2]]);
    const k1 = new ItemKnnScorer({ k: 1 });
    await k1.fit(buildFitContext({ nUsers: 5, nItems: 3, train: withUser }));
    expect(k1.score(4)[0]).toBe(0); // N_1(0) = {1}
    const k2 = new ItemKnnScorer({ k: 2 });
    await k2.fit(buildFitContext({ nUsers: 5, nItems: 3, train: withUser }));
    // with user 4 added, item 2 ← {2,4}: cos(0,2) = 1/(√3·√2)
    expect(k2.score(4)[0]).toBeCloseTo(1 / Math.sqrt(6), 6);
    expect(k2.score(4)[1]).toBe(0);
    // user 0 saw {0,1}: item 2's neighbourhood is {0} → score = cos(2,0)
    expect(k2.score(0)[2]).toBeCloseTo(1 / Math.sqrt(6), 6);
  });

  it('weights by rating when asked', async () => {
    // item 0 ← u0:2, u1:1 ; item 1 ← u0:1, u1:2 → cos = 4/5; user 2 rated item 1 with 3
    const x = inter([[0, 0, 2], [1, 0, 1], [0, 1, 1], [1, 1, 2], [2, 1, 3]]);
    const s = new ItemKnnScorer({ weighting: 'rating' });
    await s.fit(buildFitContext({ nUsers: 3, nItems: 2, train: x }));
    // item 1 now has norm √(1+4+9) = √14, dot(0,1) = 2+2 = 4, item 0 norm √5
    expect(s.score(2)[0]).toBeCloseTo((3 * 4) / (Math.sqrt(5) * Math.sqrt(14)), 5);
    const b = new ItemKnnScorer();
    await b.fit(buildFitContext({ nUsers: 3, nItems: 2, train: x }));
    expect(b.score(2)[0]).toBeCloseTo(2 / (Math.sqrt(2) * Math.sqrt(3)), 5);
  });
});

describe('ease', () => {
  it('has a zero diagonal and satisfies the stationarity condition off the diagonal', async () => {
    // ((XᵀX + λI)·B − XᵀX)[i][j] = 0 for i ≠ j is the optimality condition of
    // min ‖X − XB‖² + λ‖B‖² subject to diag(B) = 0
    const rows: [number, number][] = [];
    let s = 7;
    const rand = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const nUsers = 30;
    const n = 8;
    for (let u = 0; u < nUsers; u++) for (let i = 0; i < n; i++) if (rand() < 0.35) rows.push([u, i]);
    const ctx = buildFitContext({ nUsers, nItems: n, train: inter(rows) });
    const lambda = 3;
    const e = new EaseScorer({ lambda });
    await e.fit(ctx);
    const g = gram(ctx.trainCsr, n);
    const xtx = (i: number, j: number): number => (i >= j ? g[i * n + j] : g[j * n + i]);
    for (let i = 0; i < n; i++) {
      expect(e.weight(i, i)).toBe(0);
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        let v = 0;
        for (let k = 0; k < n; k++) v += (xtx(i, k) + (i === k ? lambda : 0)) * e.weight(k, j);
        expect(v - xtx(i, j)).toBeCloseTo(0, 4);
      }
    }
    // score = x_u·B
    const u = 3;
    const seen = rows.filter((r) => r[0] === u).map((r) => r[1]);
    const sc = e.score(u);
    for (let j = 0; j < n; j++) expect(sc[j]).toBeCloseTo(seen.reduce((a, i) => a + e.weight(i, j), 0), 5);
  });

  it('rejects a non-positive lambda', () => {
    expect(() => new EaseScorer({ lambda: 0 })).toThrow(KnowrecError);
  });
});

describe('common scorer checks', () => {
  const scorers = (): Scorer[] => [new PopScorer(), new ItemKnnScorer(), new EaseScorer(), new BprScorer({ epochs: 1 })];

  it('refuse to score before fit, and reject bad users and items', async () => {
    for (const s of scorers()) {
      expect(() => s.score(0)).toThrow(/before fit/);
      await s.fit(buildFitContext({ nUsers: 2, nItems: 3, train: inter([[0, 0], [1, 1], [1, 2]]) }));
      expect(() => s.score(2)).toThrow(KnowrecError);
      expect(() => s.score(-1)).toThrow(KnowrecError);
      expect(() => s.score(0, Int32Array.from([3]))).toThrow(KnowrecError);
      const full = s.score(1);
      expect(Array.from(s.score(1, Int32Array.from([2, 0])))).toEqual([full[2], full[0]]);
    }
  });

  it('reject a context whose matrix disagrees with its sizes', async () => {
    const ctx = buildFitContext({ nUsers: 2, nItems: 3, train: inter([[0, 0]]) });
    for (const s of scorers()) {
      await expect(s.fit({ ...ctx, nItems: 4 })).rejects.toThrow(/trainCsr is 2×3/);
    }
  });

  it('fits and scores when a user has no training interactions', async () => {
    for (const s of scorers()) {
      await s.fit(buildFitContext({ nUsers: 3, nItems: 3, train: inter([[0, 0], [0, 1], [1, 1], [1, 2]]) }));
      const sc = s.score(2);
      expect(sc.length).toBe(3);
      for (const v of sc) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
