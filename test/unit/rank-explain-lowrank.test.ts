/**
 * The hybrid's fast explain path (reuseUserState on: the user cache, the sources prepared for the
 * counterfactual items, ranks counted without sorting) against the straightforward one (off), with
 * the sources whose scoreWithout becomes a low-rank update: semantic (bag-of-words encoder), BPR
 * and kg-embed (fold-in), next to item-kNN and pop. Fused scores without history items agree
 * within 1e-5 (float rounding of the low-rank updates), and the explanations are identical:
 * cited items, shares, counterfactual ranks, reason and facts.
 */
import { describe, expect, it, vi } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { splitInteractions } from '../../main/core/eval';
import { KgIndex } from '../../main/core/kg';
import { FoldIn } from '../../main/core/models/fold-in';
import { KgEmbedScorer } from '../../main/core/models/kg-embed';
import { createScorer } from '../../main/core/models/registry';
import { SemanticScorer } from '../../main/core/models/semantic';
import { SemanticRemovals } from '../../main/core/models/semantic-without';
import { HybridScorer } from '../../main/core/rank';
import type { FitContext } from '../../main/core/types';
import { fitContext } from '../../main/jobs/evaluate';
import { explainEveryUser, type ExplainRun } from '../helpers/explain-runs';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';

const N_USERS = 20;
const N_ITEMS = 160;

async function fitted(): Promise<{ h: HybridScorer; ctx: FitContext; kg: KgIndex; sem: SemanticScorer }> {
  const d = generateSynthetic({ users: N_USERS, items: N_ITEMS, interactions: 2400, triples: 500, seed: 13 });
  const ds = validateDataset(syntheticRaw(d, 'tiny-lowrank')).dataset;
  const split = splitInteractions(ds.interactions, N_USERS, N_ITEMS, 'recbole', 13);
  const ctx = fitContext(ds, split, 13);
  const kg = new KgIndex(ds);
  const sem = new SemanticScorer({ encoder: bagOfWordsEncoder(32), blend: 0.3 });
  const srcs = [sem, createScorer('itemknn'), createScorer('bpr', { dim: 8, epochs: 15, seed: 1 }), new KgEmbedScorer({ dim: 8, epochs: 10 }), createScorer('pop')];
  for (const s of srcs) await s.fit(ctx);
  const h = new HybridScorer({ sources: srcs.map((scorer) => ({ name: scorer.name, scorer })), kg, itemVectors: (i) => sem.itemVector(i), ranker: 'linear', seed: 3 });
  await h.fit(ctx);
  return { h, ctx, kg, sem };
}

function run(h: HybridScorer, ctx: FitContext, kg: KgIndex, sem: SemanticScorer): ExplainRun {
  // sets of prepared items and of items never prepared (computed on demand), after the explanations
  return explainEveryUser(h, ctx, kg, (i) => sem.itemVector(i), 4, (u, hist) => [h.scoreWithout(u, new Set([hist[0], hist[hist.length - 1]])), h.scoreWithout(u, new Set(hist.slice(0, 3)))]);
}

describe('the fast explain path with low-rank scoreWithout', () => {
  it('gives the straightforward path’s explanations, and its scores without history items within 1e-5', async () => {
    const { h, ctx, kg, sem } = await fitted();
    h.reuseUserState = false;
    const semSpy = vi.spyOn(SemanticRemovals.prototype, 'scoreWithout');
    const foldSpy = vi.spyOn(FoldIn.prototype as unknown as { scoreWithoutPrepared: () => Float32Array | null }, 'scoreWithoutPrepared');
    const reference = run(h, ctx, kg, sem);
    // the straightforward path prepares nothing
    expect(semSpy.mock.results.filter((r) => r.value !== null).length).toBe(0);
    expect(foldSpy).not.toHaveBeenCalled();
    h.reuseUserState = true;
    const fast = run(h, ctx, kg, sem);
    // the fast path took the low-rank updates (semantic; BPR and kg-embed: two fold-ins)
    expect(semSpy.mock.results.filter((r) => r.value !== null).length).toBeGreaterThan(100);
    expect(foldSpy.mock.results.filter((r) => r.value !== null).length).toBeGreaterThan(200);
    semSpy.mockRestore();
    foldSpy.mockRestore();
    expect(fast.explanations).toEqual(reference.explanations);
    expect(fast.without.length).toBe(reference.without.length);
    fast.without.forEach((s, j) => {
      const r = reference.without[j];
      for (let i = 0; i < N_ITEMS; i++) {
        expect(Number.isFinite(s[i])).toBe(Number.isFinite(r[i]));
        if (Number.isFinite(r[i])) expect(Math.abs(s[i] - r[i])).toBeLessThanOrEqual(1e-5);
      }
    });
    // not vacuous: counterfactuals that move items, cited shares from the re-scored sources
    const cfs = reference.explanations.map((e) => e.counterfactual);
    expect(cfs.filter((c) => c !== null && c.removed.length > 0 && c.rankAfter > c.rankBefore).length).toBeGreaterThan(10);
    expect(reference.explanations.filter((e) => (e.signals.semantic ?? 0) > 0 || (e.signals.bpr ?? 0) > 0).length).toBeGreaterThan(10);
  });
});
