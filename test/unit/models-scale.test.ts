import { describe, expect, it } from 'vitest';
import { BprScorer } from '../../main/core/models/bpr';
import { capRows } from '../../main/core/models/itemknn';
import { rowOf, rowScoresNative } from '../../main/core/models/native-matmul';
import { buildFitContext } from '../../main/core/models/context';
import { createScorer, withScaleDefaults } from '../../main/core/models/registry';
import { isScaleMode, sampleUsers, SCALE_MODE, SCALE_MODE_MIN_CELLS, validationUsers } from '../../main/core/models/scale';
import { HybridScorer } from '../../main/core/rank';
import { toCsr } from '../../main/core/matrix';
import { FeatureBuilder } from '../../main/core/rank/features';
import { validTargets } from '../../main/core/rank/fusion-data';
import type { FitContext, Interactions, Scorer } from '../../main/core/types';

function inter(rows: readonly (readonly [number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: new Float32Array(rows.length).fill(1),
    timestamp: Float64Array.from(rows.map((_, j) => j)),
  };
}

/** 40 users × 30 items; user u likes its band (u..u+7) mod 30; validation: the next item, users 0..29 only. */
function bandData(seed = 11): FitContext {
  const rows: [number, number][] = [];
  for (let u = 0; u < 40; u++) for (let d = 0; d < 8; d++) rows.push([u, (u + d) % 30]);
  const valid = inter(Array.from({ length: 30 }, (_, u) => [u, (u + 8) % 30] as [number, number]));
  return buildFitContext({ nUsers: 40, nItems: 30, train: inter(rows), valid, seed });
}

describe('scale mode', () => {
  it('starts at SCALE_MODE_MIN_CELLS user × item cells: ml-latest-small, ml-1m and S stay on the full path, M and L do not', () => {
    expect(isScaleMode(610, 9742)).toBe(false); // ml-latest-small
    expect(isScaleMode(943, 1682)).toBe(false); // ml-100k
    expect(isScaleMode(6040, 3706)).toBe(false); // ml-1m
    expect(isScaleMode(2_000, 10_000)).toBe(false); // S
    expect(isScaleMode(20_000, 100_000)).toBe(true); // M
    expect(isScaleMode(100_000, 300_000)).toBe(true); // L
    expect(isScaleMode(1, SCALE_MODE_MIN_CELLS - 1)).toBe(false);
    expect(isScaleMode(1, SCALE_MODE_MIN_CELLS)).toBe(true);
  });

  it('samples distinct users, seeded, sorted, from the given ones only', () => {
    const users = Int32Array.from([5, 3, 3, 9, 1, 7, 5, 11, 13, 15]);
    const a = sampleUsers(users, 4, 2020);
    expect(a.length).toBe(4);
    expect(Array.from(a)).toEqual([...a].sort((x, y) => x - y));
    expect(new Set(a).size).toBe(4);
    for (const u of a) expect([1, 3, 5, 7, 9, 11, 13, 15]).toContain(u);
    expect(Array.from(sampleUsers(users, 4, 2020))).toEqual(Array.from(a));
    const others = [1, 2, 3, 4, 5].map((s) => Array.from(sampleUsers(users, 4, s)).join(','));
    expect(new Set(others).size).toBeGreaterThan(1);
    // no more than asked for: all of them
    expect(Array.from(sampleUsers(users, 8, 1))).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
    expect(Array.from(sampleUsers(users, 100, 1))).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
  });

  it('validation users: every user below the threshold, a seeded sample of validation users above it', () => {
    const valid = inter(Array.from({ length: 3000 }, (_, j) => [2 * j, 0] as [number, number]));
    expect(validationUsers(valid, 6000, 1000, 1)).toBeUndefined();
    const s = validationUsers(valid, 20_000, 100_000, 1);
    expect(s?.length).toBe(SCALE_MODE.validationUsers);
    for (const u of s ?? []) expect(u % 2).toBe(0);
    expect(Array.from(validationUsers(valid, 20_000, 100_000, 1) ?? [])).toEqual(Array.from(s ?? []));
  });

  it('scale defaults apply to bpr and ease only in scale mode, and never override a given option', () => {
    const given = new Map<string, number | string>([['epochs', 50]]);
    expect(withScaleDefaults('bpr', { nUsers: 2000, nItems: 10_000 }, given)).toBe(given);
    const bpr = withScaleDefaults('bpr', { nUsers: 20_000, nItems: 100_000 }, given);
    expect(bpr.get('optimizer')).toBe('sparse-adam');
    expect(bpr.get('epochs')).toBe(50);
    expect(bpr.get('patience')).toBe(SCALE_MODE.bprPatience);
    expect(withScaleDefaults('ease', { nUsers: 20_000, nItems: 100_000 }, new Map()).get('maxItems')).toBe(SCALE_MODE.easeMaxItems);
    expect(withScaleDefaults('itemknn', { nUsers: 20_000, nItems: 100_000 }, new Map()).get('maxUserItems')).toBe(SCALE_MODE.itemknnMaxUserItems);
    expect(withScaleDefaults('pop', { nUsers: 20_000, nItems: 100_000 }, new Map()).size).toBe(0);
  });
});

describe('fusion on a sample of validation users', () => {
  it('keeps every validation target below the threshold when no sample is asked for', () => {
    const ctx = bandData();
    const all = validTargets(ctx, undefined, 1);
    expect(all.sample).toBeNull();
    expect(all.targets.indices.length).toBe(30);
  });

  it('restricts the targets to a seeded sample of users with validation targets (never others)', () => {
    const ctx = bandData();
    const a = validTargets(ctx, 10, 1);
    expect(a.sample).toEqual({ users: 10, of: 30 });
    const users: number[] = [];
    for (let u = 0; u < ctx.nUsers; u++) {
      const n = a.targets.indptr[u + 1] - a.targets.indptr[u];
      if (n === 0) continue;
      users.push(u);
      expect(u).toBeLessThan(30); // users 30..39 have no validation targets
      expect(Array.from(a.targets.indices.subarray(a.targets.indptr[u], a.targets.indptr[u + 1]))).toEqual([(u + 8) % 30]);
    }
    expect(users.length).toBe(10);
    expect(Array.from(validTargets(ctx, 10, 1).targets.indptr)).toEqual(Array.from(a.targets.indptr));
  });

  it('a hybrid given fusionUsers learns on that many users and says so in params()', async () => {
    const ctx = bandData();
    const sources = [];
    for (const name of ['pop', 'itemknn']) {
      const s = createScorer(name);
      await s.fit(ctx);
      sources.push({ name, scorer: s });
    }
    const sampled = new HybridScorer({ sources, ranker: 'linear', fusionUsers: 12 });
    await sampled.fit(ctx);
    expect(sampled.fitReport()?.users).toBe(12);
    expect(sampled.params().fusionUsers).toBe('12 of 30 (seeded sample of validation users)');
    const full = new HybridScorer({ sources, ranker: 'linear' });
    await full.fit(ctx);
    expect(full.fitReport()?.users).toBe(30);
    expect(full.params().fusionUsers).toBeUndefined();
    expect(full.fitReport()?.stageSeconds.features).toBeGreaterThanOrEqual(0);
  });
});

describe('itemknn maxUserItems', () => {
  it('capRows keeps a seeded subset of at most cap entries per row, in column order', () => {
    const x = toCsr(inter([[0, 1], [0, 3], [0, 5], [0, 7], [0, 9], [1, 2], [1, 4]]), 2, 10);
    const c = capRows(x, 3, 1);
    expect(Array.from(c.indptr)).toEqual([0, 3, 5]);
    const row0 = Array.from(c.indices.subarray(0, 3));
    expect(row0).toEqual([...row0].sort((a, b) => a - b));
    for (const i of row0) expect([1, 3, 5, 7, 9]).toContain(i);
    expect(Array.from(c.indices.subarray(3))).toEqual([2, 4]);
    expect(Array.from(capRows(x, 3, 1).indices)).toEqual(Array.from(c.indices));
  });

  it('a cap above every history changes nothing; a small one counts fewer co-occurrences', async () => {
    const ctx = bandData();
    const all = createScorer('itemknn');
    const capped = createScorer('itemknn', { maxUserItems: 8 });
    const few = createScorer('itemknn', { maxUserItems: 3 });
    for (const s of [all, capped, few]) await s.fit(ctx);
    expect(Array.from(capped.score(5))).toEqual(Array.from(all.score(5)));
    expect(Array.from(few.score(5))).not.toEqual(Array.from(all.score(5)));
    expect(few.params().maxUserItems).toBe(3);
    expect(all.params().maxUserItems).toBeUndefined();
  });
});

describe('bpr sparse-adam', () => {
  const small = { dim: 8, lr: 0.02, epochs: 30, batchSize: 32, reg: 0, initStd: 0.01 } as const;

  it('decreases the loss from near log 2, is seeded, and differs from dense adam', async () => {
    const a = new BprScorer({ ...small, optimizer: 'sparse-adam' });
    const b = new BprScorer({ ...small, optimizer: 'sparse-adam' });
    const dense = new BprScorer({ ...small, optimizer: 'adam' });
    await a.fit(bandData());
    await b.fit(bandData());
    await dense.fit(bandData());
    const h = a.history();
    expect(h[0].loss).toBeGreaterThan(0.6);
    expect(h[h.length - 1].loss).toBeLessThan(0.5 * h[0].loss);
    expect(Array.from(b.score(3))).toEqual(Array.from(a.score(3)));
    expect(Array.from(dense.score(3))).not.toEqual(Array.from(a.score(3)));
    expect(a.params().optimizer).toBe('sparse-adam');
  });

  it('ranks the training band above the rest', async () => {
    const s = new BprScorer({ ...small, optimizer: 'sparse-adam', epochs: 80 });
    await s.fit(bandData());
    let hits = 0;
    for (let u = 0; u < 40; u++) {
      const sc = s.score(u);
      const band = new Set(Array.from({ length: 8 }, (_, d) => (u + d) % 30));
      const order = Array.from(sc.keys()).sort((x, y) => sc[y] - sc[x]).slice(0, 8);
      hits += order.filter((i) => band.has(i)).length;
    }
    expect(hits / (40 * 8)).toBeGreaterThan(0.8);
  });
});

describe('hybrid features with sampled statistics (scale mode)', () => {
  /** One user who saw item 0; one source scoring item i with i. */
  function builder(statsItems?: number): FeatureBuilder {
    const nItems = 1000;
    const source: Scorer = { name: 'lin', fit: async () => undefined, params: () => ({}), score: () => Float32Array.from({ length: nItems }, (_, i) => i) };
    const train = toCsr(inter([[0, 0]]), 1, nItems);
    return new FeatureBuilder({ sources: [{ name: 'lin', scorer: source }], nUsers: 1, nItems, train, candidatesPerSource: 10, flags: { popularity: false, historyLength: false }, statsItems });
  }
  const rr = (b: FeatureBuilder, item: number): number => b.featuresOf(0, Int32Array.of(item))[1];

  it('exact without statsItems: rank = unseen items scoring higher', () => {
    const b = builder();
    expect(b.statsItems).toBeNull();
    expect(rr(b, 999)).toBe(1);
    expect(rr(b, 500)).toBeCloseTo(1 / (1 + 499), 12);
  });

  it('with statsItems: the same candidates, exact ranks in the top-N, estimated ranks and z-scores below', () => {
    const exact = builder();
    const b = builder(200);
    expect(b.statsItems).toBe(200);
    expect(Array.from(b.candidates(0))).toEqual(Array.from(exact.candidates(0)));
    for (const item of [999, 995, 990]) expect(rr(b, item)).toBe(rr(exact, item));
    const est = 1 / rr(b, 500) - 1;
    expect(Math.abs(est - 499)).toBeLessThan(100);
    const z = b.featuresOf(0, Int32Array.of(500))[0];
    expect(Math.abs(z)).toBeLessThan(0.3); // item 500 is near the mean of the unseen scores
    expect(Array.from(builder(200).featuresOf(0, Int32Array.of(123, 456)))).toEqual(Array.from(b.featuresOf(0, Int32Array.of(123, 456))));
  });
});

describe('native scores of the validation users only', () => {
  it('scores the listed users (deduplicated, out-of-range left out) as their dot products, others null', async () => {
    const dim = 3;
    const users = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    const items = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const rs = await rowScoresNative(users, 4, Int32Array.of(3, 1, 3, 9), items, 2, dim);
    expect(Array.from(rowOf(rs, 1) ?? [])).toEqual([2, 5]);
    expect(Array.from(rowOf(rs, 3) ?? [])).toEqual([6, 15]);
    expect(rowOf(rs, 0)).toBeNull();
    expect(rowOf(null, 1)).toBeNull();
  });
});
