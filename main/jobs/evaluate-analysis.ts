/**
 * What an evaluation adds after every model is scored on test: the beyond-accuracy keys of
 * `results.<model>.test` (gini, avgpop, ild_kg, ild_emb @K), bootstrap 95% intervals of the
 * per-user metrics (`ci95`), user and item-popularity slices with their best–worst gaps, and the
 * pairwise tests (`comparisons`): for every pair of models (a before b in the run's order) and
 * every accuracy metric @K, the Wilcoxon signed-rank test on the users' paired values, Holm-
 * corrected over the pair's metrics, with a bootstrap interval of the mean difference b − a.
 */
import { ACCURACY_METRICS, headItemMask, itemCounts, metricKey, type EvalReport } from '../core/eval';
import { finiteMean, kgNeighbourSets, listMetrics, type ItemVectors } from '../core/eval/list-metrics';
import { activitySlices, attributeSlices, groupTargetMetrics, sliceGaps, sliceMeans, type SliceGap, type UserSlice } from '../core/eval/slices';
import { Bootstrap, holm, pairedDifferences, wilcoxonSignedRank } from '../core/eval/stats';
import { KnowrecError } from '../core/errors';
import { toCsr } from '../core/matrix';
import type { Dataset, Split } from '../core/types';

export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly metric: string;
  /** mean(b) − mean(a) over the users both were evaluated on. */
  readonly delta: number;
  /** Two-sided Wilcoxon signed-rank p-value (normal approximation, zero differences dropped). */
  readonly p: number;
  /** p after Holm's correction over this pair's metrics. */
  readonly p_holm: number;
  /** Percentile-bootstrap 95% interval of the mean paired difference b − a. */
  readonly ci95: readonly [number, number];
  readonly users: number;
}

/** The parts of a model's result this analysis adds. */
export interface ModelAnalysis {
  /** gini@K, avgpop@K, ild_kg@K and (when item embeddings exist) ild_emb@K. */
  readonly test: Record<string, number>;
  readonly ci95: Record<string, readonly [number, number]>;
  readonly slices: Record<string, Record<string, number>>;
  readonly slice_gaps: Record<string, SliceGap>;
}

export interface AnalysisInput {
  readonly dataset: Dataset;
  readonly split: Split;
  readonly k: number;
  readonly seed: number;
  /** Each model's test report, kept with keepPerUser and keepLists, in the run's order. */
  readonly reports: ReadonlyMap<string, EvalReport>;
  /** Item embeddings for ild_emb (a text model's item vectors); absent: ild_emb is skipped. */
  readonly vectors?: ItemVectors;
  readonly resamples?: number;
}

export interface Analysis {
  readonly models: Record<string, ModelAnalysis>;
  readonly comparisons: Comparison[];
  readonly notes: string[];
}

export const STATISTICS_TEXT =
  'per-user paired Wilcoxon signed-rank test, two-sided, normal approximation without continuity correction, zero differences dropped and tied ranks averaged (scipy.stats.wilcoxon zero_method="wilcox", method="approx"); Holm correction over the accuracy metrics of each pair; ci95: percentile bootstrap of the mean over users, 1000 resamples of the users seeded by the run seed and shared by every metric and model; delta = mean(b) − mean(a)';

export const BEYOND_TEXT =
  'gini=Gini index of recommendation counts over all items; avgpop=mean training interactions of the listed items; ild_kg=mean 1−Jaccard of the one-hop KG entities of list item pairs; ild_emb=mean 1−cosine of the item embeddings of list item pairs; slices: age (MovieLens-1M buckets), gender, occupation, activity quartiles by training interactions, popularity=head|tail targets; slice_gaps: best − worst slice by ndcg@K';

/** Per-user values @k of a report: its accuracy metrics and the list metrics. */
function perUserValues(report: EvalReport, list: Readonly<Record<string, Float64Array>>, k: number): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const m of ACCURACY_METRICS) {
    const v = report.perUser?.values[metricKey(m, k)];
    if (v !== undefined) out[metricKey(m, k)] = v;
  }
  for (const [name, v] of Object.entries(list)) out[`${name}@${k}`] = v;
  return out;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

function roundAll(m: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(m)) out[key] = round6(v);
  return out;
}

/** Slices of the users of `report`, shared by every model (all are evaluated on the same users). */
function userSlices(input: AnalysisInput, users: Int32Array): UserSlice[] {
  const perUser = new Float64Array(input.split.nUsers);
  for (const u of input.split.train.user) perUser[u]++;
  return [...attributeSlices(users, input.dataset.users), ...activitySlices(users, perUser)];
}

function analyseModel(input: AnalysisInput, report: EvalReport, ctx: SharedContext): { analysis: ModelAnalysis; values: Record<string, Float64Array> } {
  const { k } = input;
  const lists = report.lists;
  if (lists === undefined || report.perUser === undefined) throw new KnowrecError('internal', 'analyseModel needs a report kept with keepPerUser and keepLists');
  const lm = listMetrics(lists, k, { ...ctx.listInputs, vectors: input.vectors });
  const values = perUserValues(report, lm.perUser, k);
  const test: Record<string, number> = { [`gini@${k}`]: round6(lm.gini), [`avgpop@${k}`]: round6(finiteMean(lm.perUser.avgpop)) };
  for (const key of ['ild_kg', 'ild_emb']) {
    const mean = finiteMean(lm.perUser[key] ?? []);
    if (Number.isFinite(mean)) test[`${key}@${k}`] = round6(mean);
  }
  const ci95: Record<string, readonly [number, number]> = {};
  for (const [key, v] of Object.entries(values)) {
    const [lo, hi] = ctx.bootstrap.meanCi(v);
    if (Number.isFinite(lo)) ci95[key] = [round6(lo), round6(hi)];
  }
  const slices: Record<string, Record<string, number>> = {};
  for (const s of ctx.slices) slices[s.name] = roundAll(sliceMeans(values, s.member));
  for (const [name, inGroup] of ctx.popularityGroups) {
    slices[`popularity=${name}`] = roundAll(sliceMeans(groupTargetMetrics(lists, ctx.targets, inGroup, k), null));
  }
  return { analysis: { test, ci95, slices, slice_gaps: sliceGaps(slices, metricKey('ndcg', k)) }, values };
}

interface SharedContext {
  readonly slices: UserSlice[];
  readonly popularityGroups: [string, Uint8Array][];
  readonly targets: ReturnType<typeof toCsr>;
  readonly listInputs: Parameters<typeof listMetrics>[2];
  /** One set of resamples of the evaluated users, for every interval of the run. */
  readonly bootstrap: Bootstrap;
}

/** Pairwise tests of every pair of models on the accuracy metrics @K. */
function compare(names: readonly string[], values: ReadonlyMap<string, Record<string, Float64Array>>, input: AnalysisInput, bootstrap: Bootstrap): Comparison[] {
  const out: Comparison[] = [];
  const metrics = ACCURACY_METRICS.map((m) => metricKey(m, input.k));
  for (let x = 0; x < names.length; x++) {
    for (let y = x + 1; y < names.length; y++) {
      const va = values.get(names[x]) ?? {};
      const vb = values.get(names[y]) ?? {};
      const tested = metrics.filter((m) => va[m] !== undefined && vb[m] !== undefined);
      const rows = tested.map((metric) => {
        const diffs = pairedDifferences(va[metric], vb[metric]);
        const ci = bootstrap.meanCi(diffs);
        return { metric, delta: finiteMean(diffs), p: wilcoxonSignedRank(va[metric], vb[metric]).p, ci, users: diffs.length };
      });
      const adjusted = holm(rows.map((r) => r.p));
      rows.forEach((r, i) => {
        out.push({ a: names[x], b: names[y], metric: r.metric, delta: round6(r.delta), p: r.p, p_holm: adjusted[i], ci95: [round6(r.ci[0]), round6(r.ci[1])], users: r.users });
      });
    }
  }
  return out;
}

/** The analysis of one evaluation's test reports (see the module comment). */
export function analyseEvaluation(input: AnalysisInput): Analysis {
  const { split } = input;
  const names = [...input.reports.keys()];
  const notes: string[] = [];
  const first = input.reports.get(names[0] ?? '');
  if (first?.lists === undefined) return { models: {}, comparisons: [], notes };
  const counts = itemCounts(split.train, split.nItems);
  const head = headItemMask(counts, 0.2);
  const tail = head.map((h) => 1 - h);
  const kgSets = kgNeighbourSets(input.dataset);
  if (!kgSets.some((s) => s.length > 0)) notes.push(`ild_kg@${input.k} not computed: no item of this dataset links to the knowledge graph`);
  if (input.vectors === undefined) notes.push(`ild_emb@${input.k} not computed: no text model (semantic) in this run, so no item embeddings`);
  const ctx: SharedContext = {
    slices: userSlices(input, first.lists.users),
    popularityGroups: [
      ['head', head],
      ['tail', tail],
    ],
    targets: toCsr(split.test, split.nUsers, split.nItems),
    bootstrap: new Bootstrap(first.lists.users.length, { seed: input.seed, resamples: input.resamples }),
    listInputs: { nItems: split.nItems, nUsers: split.nUsers, trainItemCounts: counts, head, kgSets: kgSets.some((s) => s.length > 0) ? kgSets : undefined },
  };
  const models: Record<string, ModelAnalysis> = {};
  const values = new Map<string, Record<string, Float64Array>>();
  names.forEach((name) => {
    const report = input.reports.get(name);
    if (report === undefined) return;
    const r = analyseModel(input, report, ctx);
    models[name] = r.analysis;
    values.set(name, r.values);
  });
  return { models, comparisons: compare(names, values, input, ctx.bootstrap), notes };
}
