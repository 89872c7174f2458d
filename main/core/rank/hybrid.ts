/**
 * `hybrid`: learned fusion of already fitted scorers. For each user, candidates are the union of
 * every source's top-N unseen items; each (user, candidate) gets features (see features.ts); a
 * ranker fitted on the VALIDATION split (positives: the user's validation items among the
 * candidates) orders them. Two rankers are tried — a pairwise logistic linear model and small
 * LambdaMART trees boosted from the best source (zero trees = that source) — on an inner 80/20
 * split of the validation users (seeded; the test split is never seen), and the chosen one is
 * refitted on all of them.
 *
 * Optionally (`inner`) the fusion also learns on a holdout carved from the training interactions,
 * with the sources refitted on the rest (stacking); the model factory's `hybrid-stacked` learns
 * on that holdout alone, never on validation targets (see holdout.ts and docs/hybrid.md).
 *
 * score(user) is full length: candidates get the ranker's score, every other item −Infinity,
 * so full-ranking evaluation (with its own masking) works unchanged.
 */
import { performance } from 'node:perf_hooks';
import { KnowrecError, throwIfAborted } from '../errors';
import { lineSearch } from '../models/tune';
import { lowerBound, toCsr } from '../matrix';
import type { Csr, FitContext, Scorer } from '../types';
import { isAttributable, type HistoryContribution, type RemovedTies } from '../models/attribution';
import type { SparseScores } from './attribution';
import { FeatureBuilder, type FeatureSpec, type HybridSource, type UserFeatures } from './features';
import { buildRankingData, CANDIDATES_PER_SOURCE, candidateStats, makeFeatureBuilder, splitUsers, validTargets, type FeatureBuilderSettings, type FusionStage } from './fusion-data';
import { fitGbdt, GBDT_DEFAULTS, type GbdtOptions, type GbdtRanker } from './gbdt';
import { carveHoldout, coldTargetShare } from './holdout';
import { bestSource, refitTrees, sourceNdcgs } from './hybrid-sources';
import { fitLinear, type LinearOptions } from './linear';
import { pairedDifference, perGroupNdcg, predictAll, Standardizer, type RankerModel, type RankingData } from './ranker';

export { buildRankingData, makeFeatureBuilder, type FusionStage } from './fusion-data';

export type RankerChoice = 'auto' | 'linear' | 'gbdt';

/** The hybrid's options, its feature builder's settings among them (FeatureBuilderSettings: kg, itemVectors, candidatesPerSource, features, statsItems, partialTop). */
export interface HybridOptions extends FeatureBuilderSettings {
  /** Already fitted scorers, each with a distinct signal name. */
  readonly sources: readonly HybridSource[];
  /** Which ranker to fit; 'auto' (default) picks the better on the inner holdout. */
  readonly ranker?: RankerChoice;
  readonly linear?: LinearOptions;
  readonly gbdt?: GbdtOptions;
  /**
   * Tree settings tried on the inner user holdout (each merged over `gbdt`); the best setting and
   * tree count win. Default: `gbdt` alone.
   */
  readonly gbdtGrid?: readonly GbdtOptions[];
  /**
   * Boost the trees from the best source's standardized score (best by NDCG@10 on the fitting
   * users), so zero trees rank as that source and the trees (count chosen on the held-out users,
   * 0 allowed) learn corrections; 'auto' then keeps the trees unless the linear model is better
   * on the held-out users by more than one standard error. Default true.
   */
  readonly boostFromBestSource?: boolean;
  /**
   * Stacking: also learn the fusion on a holdout carved from the training interactions, with the
   * sources refitted on the rest (see holdout.ts). Scoring always uses `sources` (fitted on train).
   */
  readonly inner?: InnerHoldoutOptions;
  /**
   * Learn from the validation split (positives: its items, features from `sources`). 'auto'
   * (default): yes, unless `inner` is given and ≥ 50 % of the validation targets are items
   * without training interactions (the cold-items protocol), which would teach the fusion to
   * prefer never-seen items.
   */
  readonly useValid?: boolean | 'auto';
  /** Learn on a seeded sample of this many validation users; default all, SCALE_MODE.fusionUsers in scale mode (fusion-data.ts validTargets). */
  readonly fusionUsers?: number;
  /** Share of validation users held out to choose the ranker and the tree count. Default 0.2. */
  readonly holdout?: number;
  /** Seed of the inner split and the rankers; default the fit context's seed. */
  readonly seed?: number;
  /** Name reported by the scorer (e.g. 'hybrid-no-kg'). Default 'hybrid'. */
  readonly name?: string;
}

export const HYBRID_DEFAULTS = { candidatesPerSource: CANDIDATES_PER_SOURCE, ranker: 'auto', holdout: 0.2, boostFromBestSource: true } as const;

export interface InnerHoldoutOptions {
  /** Share of each user's training interactions held out. Default 0.1. */
  readonly share?: number;
  /**
   * Share of the items held out entirely (pseudo-cold targets). 'auto' (default): 0.1 when the
   * validation targets are cold items, else 0.
   */
  readonly coldItemShare?: number | 'auto';
  /** Fits the same sources (same names, same order) on the given context (train = the rest). */
  readonly refit: (ctx: FitContext) => Promise<readonly HybridSource[]>;
  /**
   * 'always': learn on the inner holdout too; 'auto' (default): only when the validation targets
   * are cold items (then instead of the validation split). On ml-100k (RecBole protocol) the inner
   * holdout did not improve the cross-validated fusion, and it doubles the sources' fit time.
   */
  readonly use?: 'always' | 'auto';
}

/** Validation sets with at least this share of cold-item targets count as cold. */
export const COLD_VALIDATION_SHARE = 0.5;
/** Pseudo-cold item share of the inner holdout when the validation targets are cold. */
export const INNER_COLD_ITEM_SHARE = 0.1;

/** One feature's part of a fused score. */
export interface FeatureContribution {
  readonly name: string;
  readonly signal: string;
  /** Raw feature value. */
  readonly value: number;
  /** Contribution to the fused score (relative to the average training candidate for linear). */
  readonly contribution: number;
}

export interface Contributions {
  readonly user: number;
  readonly item: number;
  /** The fused score (bias + Σ contributions). */
  readonly score: number;
  readonly bias: number;
  /** True when the item is among the user's candidates (its score() is finite). */
  readonly candidate: boolean;
  readonly features: readonly FeatureContribution[];
  /** Contributions summed per signal (source name, 'pop', 'kg-overlap', 'history-similarity', …). */
  readonly signals: Readonly<Record<string, number>>;
}

/** What fitting found; shown in params() and reports. */
export interface HybridFitReport {
  readonly ranker: 'linear' | 'gbdt';
  readonly holdoutNdcgLinear: number | null;
  readonly holdoutNdcgGbdt: number | null;
  /** NDCG@10 of each source alone on the same held-out users. */
  readonly holdoutNdcgSources: Readonly<Record<string, number>>;
  readonly trees: number | null;
  /** The source the trees were boosted from (trees only, boostFromBestSource). */
  readonly base: string | null;
  /** The tree setting chosen on the inner user holdout (trees only). */
  readonly gbdt: { readonly depth: number; readonly learningRate: number } | null;
  /** Distinct users with training groups, and groups (user × stage). */
  readonly users: number;
  readonly groups: number;
  /** Where the fusion's positives came from: 'valid' and/or 'inner'. */
  readonly stages: readonly string[];
  /** The seeded sample of validation users the fusion learned on (null: all of them). */
  readonly fusionSample: { readonly users: number; readonly of: number } | null;
  /** Share of validation targets on items without training interactions. */
  readonly coldValidationShare: number;
  /** The inner holdout, when used. */
  readonly inner: { readonly interactions: number; readonly coldItems: number; readonly refitSeconds: number } | null;
  readonly rows: number;
  readonly meanCandidates: number;
  /** Share of validation items that were among the candidates. */
  readonly candidateRecall: number;
  readonly fitSeconds: number;
  /** Seconds of the fusion's stages: features (candidates + rows), linear, trees (grid), refit. */
  readonly stageSeconds: Readonly<Record<string, number>>;
}

export class HybridScorer implements Scorer {
  readonly name: string;
  private readonly opts: HybridOptions;
  private builder: FeatureBuilder | null = null;
  private standardizer: Standardizer | null = null;
  private model: RankerModel | null = null;
  private nItems = 0;
  private report: HybridFitReport | null = null;

  constructor(opts: HybridOptions) {
    if (opts.sources.length === 0) {
      throw new KnowrecError('config', 'hybrid: no sources given', {}, 'pass at least one fitted scorer in sources');
    }
    const h = opts.holdout ?? HYBRID_DEFAULTS.holdout;
    if (!(h > 0 && h < 1)) throw new KnowrecError('config', `hybrid: holdout must be in (0, 1), got ${h}`, {}, 'e.g. 0.2');
    const r = opts.ranker ?? HYBRID_DEFAULTS.ranker;
    if (r !== 'auto' && r !== 'linear' && r !== 'gbdt') {
      throw new KnowrecError('config', `hybrid: ranker must be auto, linear or gbdt, got '${String(r)}'`);
    }
    this.opts = opts;
    this.name = opts.name ?? 'hybrid';
  }

  async fit(ctx: FitContext): Promise<void> {
    const t0 = performance.now();
    const seed = this.opts.seed ?? ctx.seed;
    const plan = this.learningPlan(ctx);
    const builder = makeFeatureBuilder(this.opts, this.opts.sources, ctx.train, ctx.nUsers, ctx.nItems, ctx.trainCsr);
    const stages: { builder: FeatureBuilder; targets: Csr; name: string }[] = [];
    const valid = plan.useValid ? validTargets(ctx, this.opts.fusionUsers, seed) : null;
    if (valid !== null) stages.push({ builder, targets: valid.targets, name: 'valid' });
    let innerReport: HybridFitReport['inner'] = null;
    if (plan.inner !== undefined) {
      const inner = await this.innerStage(ctx, plan.inner, plan.coldValid, seed);
      stages.push(inner.stage);
      innerReport = inner.report;
    }
    const secs = (t: number): number => Math.round(performance.now() - t) / 1000;
    let tStage = performance.now();
    const { data, groupUser, groupStage } = await buildRankingData(stages, ctx);
    const stageSeconds: Record<string, number> = { features: secs(tStage) };
    tStage = performance.now();
    const standardizer = Standardizer.fit(data.x, data.nFeatures);
    standardizer.apply(data.x);
    const names = builder.specs.map((s) => s.name);
    const { fitData, holdData } = splitUsers(data, groupUser, groupStage, ctx.nUsers, seed, this.opts.holdout ?? HYBRID_DEFAULTS.holdout);
    const choice = this.opts.ranker ?? HYBRID_DEFAULTS.ranker;
    const linear = choice !== 'gbdt' ? this.tryLinear(fitData, holdData, names, seed, ctx) : null;
    stageSeconds.linear = secs(tStage);
    tStage = performance.now();
    const base = this.opts.boostFromBestSource ?? HYBRID_DEFAULTS.boostFromBestSource ? bestSource(fitData, names, this.opts.sources) : { name: null, feature: -1 };
    const trees = choice !== 'linear' ? await this.tryTrees(fitData, holdData, names, seed, base.feature, ctx) : null;
    stageSeconds.trees = secs(tStage);
    tStage = performance.now();
    const sourceNdcg = sourceNdcgs(holdData, names, this.opts.sources);
    throwIfAborted(ctx.signal);
    // auto: trees boosted from the best source are the safe default (zero trees = that source);
    // unboosted, the simpler linear model unless the trees are better by more than one standard error
    const diff = pairedDifference(trees?.perGroup ?? new Float64Array(0), linear?.perGroup ?? new Float64Array(0));
    const useGbdt = choice === 'gbdt' || (choice === 'auto' && (base.feature >= 0 ? diff.mean >= -diff.se : diff.mean > diff.se));
    const bestGbdt = trees?.options ?? this.opts.gbdt ?? {};
    const model = useGbdt ? refitTrees(data, names, seed, bestGbdt, trees?.trees ?? null) : fitLinear(data, names, seed, this.opts.linear);
    stageSeconds.refit = secs(tStage);
    this.builder = builder;
    this.standardizer = standardizer;
    this.model = model;
    this.nItems = ctx.nItems;
    this.report = {
      ranker: model.kind,
      holdoutNdcgLinear: linear?.ndcg ?? null,
      holdoutNdcgGbdt: trees?.ndcg ?? null,
      holdoutNdcgSources: sourceNdcg,
      trees: useGbdt ? (model as GbdtRanker).treeCount : null,
      gbdt: useGbdt ? { depth: bestGbdt.depth ?? GBDT_DEFAULTS.depth, learningRate: bestGbdt.learningRate ?? GBDT_DEFAULTS.learningRate } : null,
      base: useGbdt ? base.name : null,
      users: new Set(groupUser).size,
      groups: data.groupPtr.length - 1,
      stages: stages.map((s) => s.name),
      fusionSample: valid?.sample ?? null,
      coldValidationShare: plan.coldShare,
      inner: innerReport,
      ...candidateStats(data),
      fitSeconds: (performance.now() - t0) / 1000,
      stageSeconds,
    };
    ctx.onProgress?.({ stage: 'hybrid', fraction: 1 });
  }

  /** Where the fusion learns: the validation split, the inner holdout, or both (see HybridOptions.useValid). */
  private learningPlan(ctx: FitContext): { coldShare: number; coldValid: boolean; inner: InnerHoldoutOptions | undefined; useValid: boolean } {
    const coldShare = coldTargetShare(ctx.train, ctx.valid, ctx.nItems);
    const coldValid = coldShare >= COLD_VALIDATION_SHARE;
    const inner = this.opts.inner !== undefined && (this.opts.inner.use === 'always' || coldValid) ? this.opts.inner : undefined;
    const useValidOpt = this.opts.useValid ?? 'auto';
    // validation targets that are (almost) all cold items would teach "prefer never-seen items"
    const useValid = useValidOpt === 'auto' ? !(coldValid && inner !== undefined) : useValidOpt;
    if (!useValid && inner === undefined) {
      throw new KnowrecError('config', `${this.name}: useValid is false and no inner holdout is given: nothing to learn the fusion from`, {},
        'pass inner: { refit } or allow the validation split');
    }
    if (useValid && ctx.valid.user.length === 0) {
      throw new KnowrecError('config', `${this.name}: the fit context has no validation interactions to learn the fusion from`, {},
        'split with a protocol that keeps a validation part (recbole or loo), or pass inner: { refit } and useValid: false');
    }
    return { coldShare, coldValid, inner, useValid };
  }

  /** Carves the inner holdout from train, refits the sources on the rest; the stage learns on the holdout. */
  private async innerStage(
    ctx: FitContext,
    inner: InnerHoldoutOptions,
    coldValid: boolean,
    seed: number,
  ): Promise<{ stage: FusionStage & { name: string }; report: NonNullable<HybridFitReport['inner']> }> {
    throwIfAborted(ctx.signal);
    const ti = performance.now();
    const coldItemShare = inner.coldItemShare === undefined || inner.coldItemShare === 'auto'
      ? (coldValid ? INNER_COLD_ITEM_SHARE : 0)
      : inner.coldItemShare;
    const h = carveHoldout(ctx.train, ctx.nUsers, ctx.nItems, { share: inner.share, coldItemShare, seed: seed + 1 });
    ctx.onProgress?.({ stage: 'hybrid', fraction: 0, message: `refitting the sources on train minus an inner holdout of ${h.holdout.user.length}`, code: 'innerRefit', params: { n: h.holdout.user.length } });
    const innerCtx: FitContext = { ...ctx, train: h.rest, trainCsr: toCsr(h.rest, ctx.nUsers, ctx.nItems) };
    const innerSources = await inner.refit(innerCtx);
    const want = this.opts.sources.map((s) => s.name).join(',');
    const got = innerSources.map((s) => s.name).join(',');
    if (want !== got) {
      throw new KnowrecError('internal', `${this.name}: the inner refit returned sources [${got}], expected [${want}]`, {},
        'return the same sources, in the same order, fitted on the given context');
    }
    const innerBuilder = makeFeatureBuilder(this.opts, innerSources, h.rest, ctx.nUsers, ctx.nItems, innerCtx.trainCsr);
    return {
      stage: { builder: innerBuilder, targets: toCsr(h.holdout, ctx.nUsers, ctx.nItems), name: 'inner' },
      report: { interactions: h.holdout.user.length, coldItems: h.coldItems.length, refitSeconds: (performance.now() - ti) / 1000 },
    };
  }

  /** The linear ranker fitted on the fitting users, scored on the held-out ones. */
  private tryLinear(fitData: RankingData, holdData: RankingData, names: readonly string[], seed: number, ctx: FitContext): { ndcg: number; perGroup: Float64Array } {
    throwIfAborted(ctx.signal);
    const lin = fitLinear(fitData, names, seed, this.opts.linear);
    const perGroup = perGroupNdcg(holdData, predictAll(lin, holdData), 10);
    const ndcg = mean(perGroup);
    ctx.onProgress?.({ stage: 'hybrid', fraction: 0.5, message: 'linear ranker', code: 'linearRanker', metrics: { holdout_ndcg: ndcg } });
    return { ndcg, perGroup };
  }

  /**
   * Trees for each setting of the grid (boosted from `baseFeature` when ≥ 0), scored on the
   * held-out users after every few trees: the best setting and tree count.
   */
  private async tryTrees(
    fitData: RankingData,
    holdData: RankingData,
    names: readonly string[],
    seed: number,
    baseFeature: number,
    ctx: FitContext,
  ): Promise<{ ndcg: number; perGroup: Float64Array; trees: number | null; options: GbdtOptions | undefined }> {
    const grid = this.opts.gbdtGrid !== undefined && this.opts.gbdtGrid.length > 0 ? this.opts.gbdtGrid : [this.opts.gbdt ?? {}];
    // per setting: its best point of the tree-count curve (the first on ties)
    const tried: { options: GbdtOptions; trees: number | null; perGroup: Float64Array }[] = [];
    const r = await lineSearch({
      values: grid,
      signal: ctx.signal,
      evaluate: async (g, k) => {
        const o: GbdtOptions = { ...this.opts.gbdt, ...g, ...(baseFeature >= 0 ? { baseFeature } : {}) };
        const fit = fitGbdt(fitData, names, seed, o, holdData, 10);
        let top = -Infinity;
        tried[k] = { options: o, trees: null, perGroup: new Float64Array(0) };
        for (const p of fit.curve) {
          if (p.ndcg > top) {
            top = p.ndcg;
            tried[k] = { options: o, trees: p.trees, perGroup: fit.bestPerGroup };
          }
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
        return top;
      },
    });
    ctx.onProgress?.({ stage: 'hybrid', fraction: 0.8, message: 'tree ranker', code: 'treeRanker', metrics: { holdout_ndcg: r.metric } });
    const b = r.index >= 0 ? tried[r.index] : undefined;
    return { ndcg: r.metric, perGroup: b?.perGroup ?? new Float64Array(0), trees: b?.trees ?? null, options: b?.options };
  }

  private fitted(): { builder: FeatureBuilder; standardizer: Standardizer; model: RankerModel } {
    if (this.builder === null || this.standardizer === null || this.model === null) {
      throw new KnowrecError('internal', `${this.name}: score() was called before fit()`, {}, 'call and await fit(ctx) first');
    }
    return { builder: this.builder, standardizer: this.standardizer, model: this.model };
  }

  score(user: number, items?: Int32Array): Float32Array {
    return this.predict(this.fitted().builder.userFeatures(user), items);
  }

  /** score(user) as if the `removed` history items (and KG `ties`) were not in the history (FeatureBuilder.userFeaturesWithout). */
  scoreWithout(user: number, removed: ReadonlySet<number>, ties?: RemovedTies): Float32Array {
    return this.predict(this.fitted().builder.userFeaturesWithout(user, removed, ties));
  }

  /** scoreWithout as the candidates (ascending) and their fused scores: the same numbers without a full-length array (attribution.ts SparseScores). */
  scoreWithoutSparse(user: number, removed: ReadonlySet<number>, ties?: RemovedTies): SparseScores {
    const uf = this.fitted().builder.userFeaturesWithout(user, removed, ties);
    return { items: uf.items.slice(), scores: this.predictRows(uf) };
  }

  /** The history items about to be removed from `user` (FeatureBuilder.prepareWithout; nothing when reuseUserState is off). */
  prepareWithout(user: number, items: readonly number[]): void {
    this.fitted().builder.prepareWithout(user, items);
  }

  /** Keep the last user's state between calls (default on); off, the straightforward path (FeatureBuilder.reuseUserState). */
  set reuseUserState(on: boolean) {
    this.fitted().builder.reuseUserState = on;
  }

  /** Per signal, each history item's part of it for (user, item); null where the signal cannot be split. */
  historyParts(user: number, item: number): Record<string, HistoryContribution[] | null> {
    const { builder } = this.fitted();
    const out: Record<string, HistoryContribution[] | null> = {};
    for (const s of builder.specs) out[s.signal] = null;
    for (const src of this.opts.sources) out[src.name] = isAttributable(src.scorer) ? src.scorer.attribute(user, item) : null;
    return { ...out, ...builder.historyParts(user, item) };
  }

  /** The fused score of each of the user's candidates (uf.items order); standardizes uf.x in place. */
  private predictRows(uf: UserFeatures): Float32Array {
    const { builder, standardizer, model } = this.fitted();
    standardizer.apply(uf.x);
    const nF = builder.nFeatures;
    const out = new Float32Array(uf.items.length);
    for (let j = 0; j < uf.items.length; j++) out[j] = model.predict(uf.x, j * nF);
    return out;
  }

  private predict(uf: UserFeatures, items?: Int32Array): Float32Array {
    const rows = this.predictRows(uf);
    const out = new Float32Array(this.nItems).fill(-Infinity);
    for (let j = 0; j < uf.items.length; j++) out[uf.items[j]] = rows[j];
    if (items === undefined) return out;
    const sub = new Float32Array(items.length);
    for (let j = 0; j < items.length; j++) {
      const it = items[j];
      if (!Number.isInteger(it) || it < 0 || it >= this.nItems) {
        throw new KnowrecError('validation', `${this.name}: item ${it} is outside 0..${this.nItems - 1}`, {}, 'pass dense item indices');
      }
      sub[j] = out[it];
    }
    return sub;
  }

  /** The user's candidate items (ascending index). */
  candidates(user: number): Int32Array {
    return this.fitted().builder.candidates(user);
  }

  /** Per-feature and per-signal contributions to the fused score of (user, item). */
  contributions(user: number, item: number): Contributions {
    const { builder, standardizer, model } = this.fitted();
    const { x: raw, candidates: cands } = builder.featuresWithCandidates(user, Int32Array.of(item));
    const z = standardizer.apply(raw.slice());
    const { bias, values } = model.contributions(z, 0);
    const features: FeatureContribution[] = [];
    const signals: Record<string, number> = {};
    let score = bias;
    builder.specs.forEach((s, f) => {
      features.push({ name: s.name, signal: s.signal, value: raw[f], contribution: values[f] });
      signals[s.signal] = (signals[s.signal] ?? 0) + values[f];
      score += values[f];
    });
    const at = lowerBound(cands, item);
    return { user, item, score, bias, candidate: at < cands.length && cands[at] === item, features, signals };
  }

  /** Feature names and their signals, in feature order. */
  featureSpecs(): readonly FeatureSpec[] {
    return this.fitted().builder.specs;
  }

  /** The linear ranker's weights by feature name (standardized features), or null for trees. */
  linearWeights(): Readonly<Record<string, number>> | null {
    const { builder, model } = this.fitted();
    if (model.kind !== 'linear') return null;
    const out: Record<string, number> = {};
    const probe = new Float64Array(builder.nFeatures);
    builder.specs.forEach((s, f) => {
      probe.fill(0);
      probe[f] = 1;
      out[s.name] = model.predict(probe, 0);
    });
    return out;
  }

  fitReport(): HybridFitReport | null {
    return this.report;
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    const p: Record<string, number | string | boolean> = {
      sources: this.opts.sources.map((s) => s.name).join(','),
      candidatesPerSource: this.opts.candidatesPerSource ?? HYBRID_DEFAULTS.candidatesPerSource,
      rankerOption: this.opts.ranker ?? HYBRID_DEFAULTS.ranker,
    };
    const offNative = this.opts.sources.flatMap((src) => {
      const why = src.scorer.params().nativeProducts;
      return why !== undefined ? [`${src.name} ${String(why)}`] : [];
    });
    if (offNative.length > 0) p.nativeProducts = offNative.join(' | ');
    const r = this.report;
    if (r !== null && this.model !== null && this.builder !== null) {
      p.ranker = r.ranker;
      p.features = this.builder.specs.map((s) => s.name).join(',');
      if (r.holdoutNdcgLinear !== null) p.holdoutNdcgLinear = round4(r.holdoutNdcgLinear);
      if (r.holdoutNdcgGbdt !== null) p.holdoutNdcgGbdt = round4(r.holdoutNdcgGbdt);
      p.stages = r.stages.join(',');
      if (this.builder.statsItems !== null) p.featureStatsItems = `${this.builder.statsItems} (seeded sample of items for the z-score and rank features)`;
      if (r.fusionSample !== null) p.fusionUsers = `${r.fusionSample.users} of ${r.fusionSample.of} (seeded sample of validation users)`;
      if (r.inner !== null) {
        p.innerHoldout = r.inner.interactions;
        p.innerColdItems = r.inner.coldItems;
      }
      if (r.base !== null) p.base = r.base;
      if (r.gbdt !== null) {
        p.gbdtDepth = r.gbdt.depth;
        p.gbdtLearningRate = r.gbdt.learningRate;
      }
      p.meanCandidates = Math.round(r.meanCandidates);
      p.candidateRecall = round4(r.candidateRecall);
      p.fitSeconds = Math.round(r.fitSeconds * 10) / 10;
      for (const [k, v] of Object.entries(this.model.summary())) p[`model.${k}`] = v;
    }
    return p;
  }
}

const mean = (a: Float64Array): number => (a.length > 0 ? a.reduce((s, v) => s + v, 0) / a.length : 0);

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
