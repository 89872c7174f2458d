import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { buildFitContext } from '../../main/core/models/context';
import { EaseScorer, gram } from '../../main/core/models/ease';
import { tuneEase } from '../../main/core/models/ease-tune';
import type { ScorerOptions } from '../../main/core/models/options';
import type { Interactions, Scorer } from '../../main/core/types';
import { invertSpd } from '../../main/core/models/linalg';
import { invertSpdNative } from '../../main/core/models/native-linalg';

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** A·Aᵀ (n×n, both triangles) from a random n×m matrix A: SPD once a positive shift is added. */
function randomGram(n: number, m: number, seed: number): Float64Array {
  const rand = lcg(seed);
  const a = Float64Array.from({ length: n * m }, () => rand() * 2 - 1);
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += a[i * m + k] * a[j * m + k];
      g[i * n + j] = s;
    }
  }
  return g;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('invertSpdNative', () => {
  it.each([
    [1, 1, 512],
    [7, 3, 512],
    [13, 5, 2],
    [40, 10, 3],
    [97, 50, 16],
  ])('matches the TypeScript Cholesky inverse (n=%i, rank %i, leaf %i)', async (n, m, leaf) => {
    const g = randomGram(n, m, n * 31 + m);
    const shift = 0.7;
    const before = g.slice();
    const p = await invertSpdNative(g, n, { shift, leaf });
    expect(g).toEqual(before); // the input is only read
    const ref = g.slice();
    for (let i = 0; i < n; i++) ref[i * n + i] += shift;
    const q = invertSpd(ref, n);
    expect(maxAbsDiff(p, q)).toBeLessThan(1e-9);
  });

  it('reports progress up to 1 and honours the abort signal', async () => {
    const n = 30;
    const g = randomGram(n, 8, 5);
    const seen: number[] = [];
    await invertSpdNative(g, n, { shift: 1, leaf: 4, onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]))).toBe(true);
    const ac = new AbortController();
    ac.abort();
    await expect(invertSpdNative(g, n, { shift: 1, leaf: 4, signal: ac.signal })).rejects.toThrow();
  });

  it('rejects a matrix that is not positive definite', async () => {
    // [[1, 2], [2, 1]] has eigenvalues 3 and −1
    await expect(invertSpdNative(Float64Array.from([1, 2, 2, 1]), 2)).rejects.toThrow(KnowrecError);
    await expect(invertSpdNative(new Float64Array(3), 2)).rejects.toThrow(/Expected an 2×2 matrix/);
  });
});

describe('ease on the native inverse', () => {
  it('gives the closed form B = I − P·diag(1/diag P) of the TypeScript inverse to 1e-4', async () => {
    const rand = lcg(11);
    const nUsers = 60;
    const n = 25;
    const user: number[] = [];
    const item: number[] = [];
    for (let u = 0; u < nUsers; u++) {
      for (let i = 0; i < n; i++) {
        if (rand() < 0.2 + 0.5 * (i % 3 === u % 3 ? 1 : 0)) {
          user.push(u);
          item.push(i);
        }
      }
    }
    const train = {
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      rating: new Float32Array(user.length).fill(1),
      timestamp: new Float64Array(user.length),
    };
    const ctx = buildFitContext({ nUsers, nItems: n, train });
    const lambda = 5;
    const e = new EaseScorer({ lambda });
    await e.fit(ctx);
    const g = gram(ctx.trainCsr, n);
    for (let i = 0; i < n; i++) g[i * n + i] += lambda;
    const p = invertSpd(g, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const expected = i === j ? 0 : -p[i * n + j] / p[j * n + j];
        expect(Math.abs(e.weight(i, j) - expected)).toBeLessThan(1e-4);
      }
    }
    // a second λ on the same split reuses the Gram matrix and still gives its own closed form
    const e2 = new EaseScorer({ lambda: 50 });
    await e2.fit(ctx);
    const g2 = gram(ctx.trainCsr, n);
    for (let i = 0; i < n; i++) g2[i * n + i] += 50;
    const p2 = invertSpd(g2, n);
    expect(Math.abs(e2.weight(0, 1) - -p2[1] / p2[n + 1])).toBeLessThan(1e-4);
  });
});

describe('ease above maxItems', () => {
  it('learns B on the most interacted items only and ranks the rest after them', async () => {
    // items 0..3 are popular (each user has two of them), items 4 and 5 are rare
    const pairs: [number, number][] = [];
    for (let u = 0; u < 12; u++) {
      pairs.push([u, u % 4], [u, (u + 1) % 4]);
      if (u < 2) pairs.push([u, 4 + u]);
    }
    const train = {
      user: Int32Array.from(pairs.map((p) => p[0])),
      item: Int32Array.from(pairs.map((p) => p[1])),
      rating: new Float32Array(pairs.length).fill(1),
      timestamp: new Float64Array(pairs.length),
    };
    const ctx = buildFitContext({ nUsers: 12, nItems: 6, train });
    const headOnly = new EaseScorer({ lambda: 2, maxItems: 4 });
    await headOnly.fit(ctx);
    expect(headOnly.params()).toEqual({ lambda: 2, maxItems: 4, headItems: 4 });
    // the same model as a full EASE fitted on the head's interactions alone
    const keep = pairs.filter((p) => p[1] < 4);
    const headCtx = buildFitContext({
      nUsers: 12,
      nItems: 4,
      train: { user: Int32Array.from(keep.map((p) => p[0])), item: Int32Array.from(keep.map((p) => p[1])),
        rating: new Float32Array(keep.length).fill(1), timestamp: new Float64Array(keep.length) },
    });
    const exact = new EaseScorer({ lambda: 2 });
    await exact.fit(headCtx);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(headOnly.weight(i, j)).toBeCloseTo(exact.weight(i, j), 6);
    expect(headOnly.weight(4, 0)).toBe(0);
    // user 0 (items 0, 1, 4): every head item scores above both tail items, which tie
    const s = headOnly.score(0);
    const e = exact.score(0);
    for (let i = 0; i < 4; i++) expect(s[i]).toBeCloseTo(e[i], 5);
    expect(s[4]).toBe(s[5]);
    for (let i = 0; i < 4; i++) expect(s[i]).toBeGreaterThan(s[4]);
    expect(headOnly.attribute(0, 5)).toEqual([]);
    expect(headOnly.attribute(0, 2).map((c) => c.item).sort()).toEqual([0, 1]);
  });
});

describe('tuneEase', () => {
  it('searches λ on the head items and fits only the chosen λ on the whole catalog', async () => {
    const rand = lcg(3);
    const pairs: [number, number][] = [];
    for (let u = 0; u < 40; u++) for (let i = 0; i < 8; i++) if (rand() < (i < 5 ? 0.5 : 0.1)) pairs.push([u, i]);
    const inter = (ps: [number, number][]): Interactions => ({
      user: Int32Array.from(ps.map((p) => p[0])),
      item: Int32Array.from(ps.map((p) => p[1])),
      rating: new Float32Array(ps.length).fill(1),
      timestamp: new Float64Array(ps.length),
    });
    const valid = pairs.filter((_, k) => k % 5 === 0);
    const ctx = buildFitContext({ nUsers: 40, nItems: 8, train: inter(pairs.filter((_, k) => k % 5 !== 0)), valid: inter(valid) });
    const fitted: Scorer[] = [];
    const create = (o: ScorerOptions): Scorer => {
      const s = new EaseScorer({ lambda: o.lambda as number, maxItems: o.maxItems as number | undefined });
      fitted.push(s);
      return s;
    };
    // a validation metric that prefers λ = 10, whatever the data
    const validate = (s: Scorer): number => -Math.abs((s as EaseScorer).lambda - 10) + (s.params().headItems === undefined ? 0.5 : 0);
    const grid = [{ lambda: 1 }, { lambda: 10 }, { lambda: 100 }];
    const r = await tuneEase(grid, create, ctx, validate, 4);
    expect(r.bestIndex).toBe(1);
    expect(r.best.params()).toEqual({ lambda: 10 }); // the exact model over all 8 items
    expect(r.bestValue).toBe(0.5);
    expect(r.table.map((t) => t.params)).toEqual([
      { lambda: 1, maxItems: 4, headItems: 4 },
      { lambda: 10 },
      { lambda: 100, maxItems: 4, headItems: 4 },
    ]);
    expect(fitted).toHaveLength(4); // three head proxies, one exact fit
    // at or under the head size it is the plain grid search
    const small = await tuneEase(grid, create, ctx, validate, 8);
    expect(small.table.every((t) => t.params.headItems === undefined)).toBe(true);
  });
});
