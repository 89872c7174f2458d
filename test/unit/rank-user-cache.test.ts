/**
 * The hybrid keeps its last user's state between calls (rank/user-cache.ts) so that an
 * explanation's counterfactual re-scores are fast; the straightforward path (reuseUserState =
 * false) recomputes everything on every call. On a tiny synthetic catalogue with five sources
 * (pop, item-kNN, EASE, BPR with its fold-in, kg-profile), KG overlap and history similarity over
 * more history items than it compares (so removals bring older items in), both paths must give
 * the same fused scores with and without any history items, and the same explanations: cited
 * items, shares, counterfactual ranks, reason and facts.
 */
import { describe, expect, it } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { splitInteractions } from '../../main/core/eval';
import { KgIndex } from '../../main/core/kg';
import { rowIndices } from '../../main/core/matrix';
import { KgProfileScorer } from '../../main/core/models/kg-profile';
import { createScorer } from '../../main/core/models/registry';
import { HybridScorer } from '../../main/core/rank';
import type { Dataset, FitContext } from '../../main/core/types';
import { fitContext } from '../../main/jobs/evaluate';
import { explainEveryUser, type ExplainRun } from '../helpers/explain-runs';
import { unitVectors } from '../helpers/random-vectors';

const N_USERS = 20;
const N_ITEMS = 150;

function syntheticDataset(): Dataset {
  const d = generateSynthetic({ users: N_USERS, items: N_ITEMS, interactions: 3000, triples: 400, seed: 7 });
  return validateDataset(syntheticRaw(d, 'tiny')).dataset;
}

async function fitted(sampled: { statsItems: number; candidatesPerSource: number } | Record<string, never> = {}): Promise<{ h: HybridScorer; ctx: FitContext; kg: KgIndex; vec: Float32Array[] }> {
  const ds = syntheticDataset();
  const split = splitInteractions(ds.interactions, N_USERS, N_ITEMS, 'recbole', 7);
  const ctx = fitContext(ds, split, 7);
  const kg = new KgIndex(ds);
  const vec = unitVectors(N_ITEMS, 16, 11);
  const srcs = [createScorer('pop'), createScorer('itemknn'), createScorer('ease', { lambda: 1 }), createScorer('bpr', { dim: 8, epochs: 20, seed: 1 }), new KgProfileScorer({ kg })];
  for (const s of srcs) await s.fit(ctx);
  const h = new HybridScorer({ sources: srcs.map((scorer) => ({ name: scorer.name, scorer })), kg, itemVectors: (i) => vec[i], ranker: 'linear', seed: 3, ...sampled });
  await h.fit(ctx);
  return { h, ctx, kg, vec };
}

/** Every user's top-3 explained in turn (scores first, as the app does), plus some fused scores without history items. */
function run(h: HybridScorer, ctx: FitContext, kg: KgIndex, vec: Float32Array[]): ExplainRun {
  // a removal set met twice (kept), then another user in between (the cache moves on)
  return explainEveryUser(h, ctx, kg, (i) => vec[i], 3, (u, hist) => [
    h.scoreWithout(u, new Set([hist[0], hist[hist.length - 1]])),
    h.scoreWithout(u, new Set([hist[hist.length - 1], hist[0]])),
    h.scoreWithout((u + 1) % N_USERS, new Set([hist[1]])),
    h.scoreWithout(u, new Set(hist.slice(0, 8))),
    h.score(u),
  ]);
}

describe('the hybrid user cache', () => {
  it('gives the same fused scores and explanations as the straightforward path', async () => {
    const { h, ctx, kg, vec } = await fitted();
    h.reuseUserState = false;
    const reference = run(h, ctx, kg, vec);
    h.reuseUserState = true;
    const fast = run(h, ctx, kg, vec);
    expect(fast.without.length).toBe(reference.without.length);
    fast.without.forEach((s, j) => expect(Array.from(s)).toEqual(Array.from(reference.without[j])));
    expect(fast.explanations).toEqual(reference.explanations);
    // not vacuous: histories longer than history-similarity's 50, counterfactuals that move items, cited shares
    expect(Math.max(...Array.from({ length: N_USERS }, (_, u) => rowIndices(ctx.trainCsr, u).length))).toBeGreaterThan(50);
    const cfs = reference.explanations.map((e) => e.counterfactual);
    expect(cfs.filter((c) => c !== null && c.removed.length > 0 && c.rankAfter > c.rankBefore).length).toBeGreaterThan(10);
    expect(reference.explanations.filter((e) => e.history.some((x) => x.share !== null && x.share > 0)).length).toBeGreaterThan(10);
  });

  it('with sampled statistics (scale mode) too: removal states count ranks over the sample instead of sorting it', async () => {
    // 60 of 150 items sampled, top-10 per source: most candidates' ranks are estimated from the sample
    const { h, ctx, kg, vec } = await fitted({ statsItems: 60, candidatesPerSource: 10 });
    expect(h.params().featureStatsItems).toMatch(/^60 /);
    h.reuseUserState = false;
    const reference = run(h, ctx, kg, vec);
    h.reuseUserState = true;
    const fast = run(h, ctx, kg, vec);
    fast.without.forEach((s, j) => expect(Array.from(s)).toEqual(Array.from(reference.without[j])));
    expect(fast.explanations).toEqual(reference.explanations);
    const cfs = reference.explanations.map((e) => e.counterfactual);
    expect(cfs.filter((c) => c !== null && c.removed.length > 0 && c.rankAfter > c.rankBefore).length).toBeGreaterThan(5);
  });

  it('a removal set and its scores are not shared between users, and written-to scores do not leak back', async () => {
    const { h, ctx } = await fitted();
    const removed = new Set([rowIndices(ctx.trainCsr, 0)[0]]);
    const a = h.scoreWithout(0, removed);
    const again = h.scoreWithout(0, removed);
    expect(Array.from(again)).toEqual(Array.from(a));
    a.fill(0);
    expect(Array.from(h.scoreWithout(0, removed))).toEqual(Array.from(again));
    h.reuseUserState = false;
    const other = h.scoreWithout(1, removed);
    h.reuseUserState = true;
    expect(Array.from(h.scoreWithout(1, removed))).toEqual(Array.from(other));
  });

  it('scoreWithoutSparse (what explanations rank with) is scoreWithout\'s finite scores, on both paths', async () => {
    const { h, ctx } = await fitted();
    for (const reuse of [true, false]) {
      h.reuseUserState = reuse;
      for (let u = 0; u < 4; u++) {
        const removed = new Set(rowIndices(ctx.trainCsr, u).slice(0, 2));
        const dense = h.scoreWithout(u, removed);
        const sparse = h.scoreWithoutSparse(u, removed);
        const finite = Array.from(dense.keys()).filter((i) => Number.isFinite(dense[i]));
        expect(finite.length).toBeGreaterThan(10);
        expect(Array.from(sparse.items)).toEqual(finite);
        expect(Array.from(sparse.scores)).toEqual(finite.map((i) => dense[i]));
      }
    }
  });
});
