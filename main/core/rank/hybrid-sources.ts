/**
 * The hybrid fit's measures of its sources (hybrid.ts): each source alone on a set of users, the
 * one the trees are boosted from, and the chosen tree setting refitted on every group.
 */
import type { HybridSource } from './features';
import { fitGbdt, GBDT_DEFAULTS, type GbdtOptions } from './gbdt';
import { perGroupNdcg, type RankerModel, type RankingData } from './ranker';

const mean = (a: Float64Array): number => (a.length > 0 ? a.reduce((sum, v) => sum + v, 0) / a.length : 0);

/** Mean NDCG@10 of each source alone (its z feature orders the candidates, which hold its top-N). */
export function sourceNdcg(data: RankingData, names: readonly string[], source: string): { feature: number; ndcg: number } {
  const f = names.indexOf(`${source}:z`);
  const pred = new Float64Array(data.label.length);
  for (let r = 0; r < pred.length; r++) pred[r] = data.x[r * data.nFeatures + f];
  return { feature: f, ndcg: mean(perGroupNdcg(data, pred, 10)) };
}

/** The source the trees are boosted from: the best alone on the fitting users (the first on ties). */
export function bestSource(fitData: RankingData, names: readonly string[], sources: readonly HybridSource[]): { name: string | null; feature: number } {
  let best = -Infinity;
  let out: { name: string | null; feature: number } = { name: null, feature: -1 };
  for (const s of sources) {
    const { feature, ndcg } = sourceNdcg(fitData, names, s.name);
    if (ndcg > best) {
      best = ndcg;
      out = { name: s.name, feature };
    }
  }
  return out;
}

/** Each source alone on the held-out users: the bar the fusion has to clear. */
export function sourceNdcgs(holdData: RankingData, names: readonly string[], sources: readonly HybridSource[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sources) out[s.name] = sourceNdcg(holdData, names, s.name).ndcg;
  return out;
}

/** The chosen tree setting refitted on every group, with the tree count found on the held-out users. */
export function refitTrees(data: RankingData, names: readonly string[], seed: number, options: GbdtOptions, bestTrees: number | null): RankerModel {
  const trees = bestTrees ?? options.trees ?? GBDT_DEFAULTS.trees;
  return trees === 0 ? fitGbdt(data, names, seed, { ...options, trees: 1 }).model.truncate(0) : fitGbdt(data, names, seed, { ...options, trees }).model;
}
