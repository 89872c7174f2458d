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
import { toCsr } from '../matrix';
import { createRng } from '../random';
import type { Csr, FitContext, Interactions, Scorer } from '../types';
import { FeatureBuilder, type FeatureFlags, type FeatureSpec, type HybridSource, type KgFactIndex } from './features';
import { fitGbdt, GBDT_DEFAULTS, type GbdtOptions, type GbdtRanker } from './gbdt';
import { carveHoldout, coldTargetShare } from './holdout';
import { fitLinear, type LinearOptions } from './linear';
import { pairedDifference, perGroupNdcg, predictAll, Standardizer, subsetGroups, type RankerModel, type RankingData } from './ranker';

export type RankerChoice = 'auto' | 'linear' | 'gbdt';

export interface HybridOptions {
  /** Already fitted scorers, each with a distinct signal name. */
  readonly sources: readonly HybridSource[];
  /** KG index for the kg-overlap features (KgIndex fits). */
  readonly kg?: KgFactIndex;
  /** Unit item vectors (e.g. SemanticScorer.itemVector) for history-similarity and MMR. */
  readonly itemVectors?: (item: number) => Float32Array;
  /** Top-N taken from each source. Default 100. */
  readonly candidatesPerSource?: number;
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
  /** Switches for the non-source features (ablations). */
  readonly features?: FeatureFlags;
  /** Share of validation users held out to choose the ranker and the tree count. Default 0.2. */
  readonly holdout?: number;
  /** Seed of the inner split and the rankers; default the fit context's seed. */
  readonly seed?: number;
  /** Name reported by the scorer (e.g. 'hybrid-no-kg'). Default 'hybrid'. */
  readonly name?: string;
}

export const HYBRID_DEFAULTS = { candidatesPerSource: 100, ranker: 'auto', holdout: 0.2, boostFromBestSource: true } as const;

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
  /** Share of validation targets on items without training interactions. */
  readonly coldValidationShare: number;
  /** The inner holdout, when used. */
  readonly inner: { readonly interactions: number; readonly coldItems: number; readonly refitSeconds: number } | null;
  readonly rows: number;
  readonly meanCandidates: number;
  /** Share of validation items that were among the candidates. */
  readonly candidateRecall: number;
  readonly fitSeconds: number;
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
    const builder = makeFeatureBuilder(this.opts, this.opts.sources, ctx.train, ctx.nUsers, ctx.nItems, ctx.trainCsr);
    const stages: { builder: FeatureBuilder; targets: Csr; name: string }[] = [];
    if (useValid) stages.push({ builder, targets: toCsr(ctx.valid, ctx.nUsers, ctx.nItems), name: 'valid' });
    let innerReport: HybridFitReport['inner'] = null;
    if (inner !== undefined) {
      throwIfAborted(ctx.signal);
      const ti = performance.now();
      const coldItemShare = inner.coldItemShare === undefined || inner.coldItemShare === 'auto'
        ? (coldValid ? INNER_COLD_ITEM_SHARE : 0)
        : inner.coldItemShare;
      const h = carveHoldout(ctx.train, ctx.nUsers, ctx.nItems, { share: inner.share, coldItemShare, seed: seed + 1 });
      ctx.onProgress?.({ stage: 'hybrid', fraction: 0, message: `refitting the sources on train minus an inner holdout of ${h.holdout.user.length}` });
      const innerCtx: FitContext = { ...ctx, train: h.rest, trainCsr: toCsr(h.rest, ctx.nUsers, ctx.nItems) };
      const innerSources = await inner.refit(innerCtx);
      const want = this.opts.sources.map((s) => s.name).join(',');
      const got = innerSources.map((s) => s.name).join(',');
      if (want !== got) {
        throw new KnowrecError('internal', `${this.name}: the inner refit returned sources [${got}], expected [${want}]`, {},
          'return the same sources, in the same order, fitted on the given context');
      }
      const innerBuilder = makeFeatureBuilder(this.opts, innerSources, h.rest, ctx.nUsers, ctx.nItems, innerCtx.trainCsr);
      stages.push({ builder: innerBuilder, targets: toCsr(h.holdout, ctx.nUsers, ctx.nItems), name: 'inner' });
      innerReport = { interactions: h.holdout.user.length, coldItems: h.coldItems.length, refitSeconds: (performance.now() - ti) / 1000 };
    }
    const { data, groupUser, groupStage } = await buildRankingData(stages, ctx);
    const standardizer = Standardizer.fit(data.x, data.nFeatures);
    standardizer.apply(data.x);
    const names = builder.specs.map((s) => s.name);

    // ranker choice: hold out a share of the users and score them on the FIRST stage (validation
    // when used: its features come from the sources that will score the test split); their groups
    // of the other stages stay in training (other targets, so nothing of the scored targets leaks)
    const nGroups = data.groupPtr.length - 1;
    const userList = [...new Set(groupUser)].sort((a, b) => a - b);
    const firstStageUsers = [...new Set(groupUser.filter((_, g) => groupStage[g] === 0))].sort((a, b) => a - b);
    const order = createRng(seed).shuffle(Int32Array.from(firstStageUsers));
    const nHoldUsers = Math.max(1, Math.round(order.length * (this.opts.holdout ?? HYBRID_DEFAULTS.holdout)));
    const canHold = order.length >= 2;
    const holdUser = new Uint8Array(ctx.nUsers);
    if (canHold) for (let j = 0; j < nHoldUsers; j++) holdUser[order[j]] = 1;
    const holdG: number[] = [];
    const fitG: number[] = [];
    for (let g = 0; g < nGroups; g++) (canHold && holdUser[groupUser[g]] === 1 && groupStage[g] === 0 ? holdG : fitG).push(g);
    const fitData = subsetGroups(data, Int32Array.from(fitG));
    const holdData = canHold ? subsetGroups(data, Int32Array.from(holdG)) : fitData;
    const choice = this.opts.ranker ?? HYBRID_DEFAULTS.ranker;
    let linNdcg: number | null = null;
    let gbdtNdcg: number | null = null;
    let bestTrees: number | null = null;
    let bestGbdt: GbdtOptions = this.opts.gbdt ?? {};
    let linPer: Float64Array = new Float64Array(0);
    let gbdtPer: Float64Array = new Float64Array(0);
    if (choice !== 'gbdt') {
      throwIfAborted(ctx.signal);
      const lin = fitLinear(fitData, names, seed, this.opts.linear);
      linPer = perGroupNdcg(holdData, predictAll(lin, holdData), 10);
      linNdcg = mean(linPer);
      ctx.onProgress?.({ stage: 'hybrid', fraction: 0.5, message: 'linear ranker', metrics: { holdout_ndcg: linNdcg } });
    }
    // trees boosted from the best source (by NDCG@10 on the fitting users): zero trees = that source
    let base: string | null = null;
    let baseFeature = -1;
    if (this.opts.boostFromBestSource ?? HYBRID_DEFAULTS.boostFromBestSource) {
      let bestV = -Infinity;
      for (const s of this.opts.sources) {
        const f = names.indexOf(`${s.name}:z`);
        const pred = new Float64Array(fitData.label.length);
        for (let r = 0; r < pred.length; r++) pred[r] = fitData.x[r * data.nFeatures + f];
        const v = mean(perGroupNdcg(fitData, pred, 10));
        if (v > bestV) {
          bestV = v;
          base = s.name;
          baseFeature = f;
        }
      }
    }
    if (choice !== 'linear') {
      const grid = this.opts.gbdtGrid !== undefined && this.opts.gbdtGrid.length > 0 ? this.opts.gbdtGrid : [this.opts.gbdt ?? {}];
      let best = -Infinity;
      for (const g of grid) {
        throwIfAborted(ctx.signal);
        const o: GbdtOptions = { ...this.opts.gbdt, ...g, ...(baseFeature >= 0 ? { baseFeature } : {}) };
        const fit = fitGbdt(fitData, names, seed, o, holdData, 10);
        for (const p of fit.curve) {
          if (p.ndcg > best) {
            best = p.ndcg;
            bestTrees = p.trees;
            bestGbdt = o;
            gbdtPer = fit.bestPerGroup;
          }
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      gbdtNdcg = best;
      ctx.onProgress?.({ stage: 'hybrid', fraction: 0.8, message: 'tree ranker', metrics: { holdout_ndcg: best } });
    }
    // each source alone on the same held-out users (its z feature orders the candidates, which
    // hold its top-N): the bar the fusion has to clear
    const sourceNdcg: Record<string, number> = {};
    for (const s of this.opts.sources) {
      const f = names.indexOf(`${s.name}:z`);
      const nF = data.nFeatures;
      const pred = new Float64Array(holdData.label.length);
      for (let r = 0; r < pred.length; r++) pred[r] = holdData.x[r * nF + f];
      sourceNdcg[s.name] = mean(perGroupNdcg(holdData, pred, 10));
    }
    throwIfAborted(ctx.signal);
    // auto: trees boosted from the best source are the safe default (zero trees = that source);
    // unboosted, the simpler linear model unless the trees are better by more than one standard error
    const diff = pairedDifference(gbdtPer, linPer);
    const useGbdt = choice === 'gbdt' || (choice === 'auto' && (baseFeature >= 0 ? diff.mean >= -diff.se : diff.mean > diff.se));
    let model: RankerModel;
    if (useGbdt) {
      const trees = bestTrees ?? bestGbdt.trees ?? GBDT_DEFAULTS.trees;
      model = trees === 0 ? fitGbdt(data, names, seed, { ...bestGbdt, trees: 1 }).model.truncate(0) : fitGbdt(data, names, seed, { ...bestGbdt, trees }).model;
    } else {
      model = fitLinear(data, names, seed, this.opts.linear);
    }
    this.builder = builder;
    this.standardizer = standardizer;
    this.model = model;
    this.nItems = ctx.nItems;
    let pos = 0;
    let targets = 0;
    for (let g = 0; g < nGroups; g++) targets += data.nTargets[g];
    for (let r = 0; r < data.label.length; r++) pos += data.label[r];
    this.report = {
      ranker: model.kind,
      holdoutNdcgLinear: linNdcg,
      holdoutNdcgGbdt: gbdtNdcg,
      holdoutNdcgSources: sourceNdcg,
      trees: useGbdt ? (model as GbdtRanker).treeCount : null,
      gbdt: useGbdt ? { depth: bestGbdt.depth ?? GBDT_DEFAULTS.depth, learningRate: bestGbdt.learningRate ?? GBDT_DEFAULTS.learningRate } : null,
      base: useGbdt ? base : null,
      users: userList.length,
      groups: nGroups,
      stages: stages.map((s) => s.name),
      coldValidationShare: coldShare,
      inner: innerReport,
      rows: data.label.length,
      meanCandidates: nGroups > 0 ? data.label.length / nGroups : 0,
      candidateRecall: targets > 0 ? pos / targets : 0,
      fitSeconds: (performance.now() - t0) / 1000,
    };
    ctx.onProgress?.({ stage: 'hybrid', fraction: 1 });
  }

  private fitted(): { builder: FeatureBuilder; standardizer: Standardizer; model: RankerModel } {
    if (this.builder === null || this.standardizer === null || this.model === null) {
      throw new KnowrecError('internal', `${this.name}: score() was called before fit()`, {}, 'call and await fit(ctx) first');
    }
    return { builder: this.builder, standardizer: this.standardizer, model: this.model };
  }

  score(user: number, items?: Int32Array): Float32Array {
    const { builder, standardizer, model } = this.fitted();
    const uf = builder.userFeatures(user);
    standardizer.apply(uf.x);
    const out = new Float32Array(this.nItems).fill(-Infinity);
    const nF = builder.nFeatures;
    for (let j = 0; j < uf.items.length; j++) out[uf.items[j]] = model.predict(uf.x, j * nF);
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
    let lo = 0;
    let hi = cands.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cands[mid] < item) lo = mid + 1;
      else hi = mid;
    }
    return { user, item, score, bias, candidate: lo < cands.length && cands[lo] === item, features, signals };
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
    const r = this.report;
    if (r !== null && this.model !== null && this.builder !== null) {
      p.ranker = r.ranker;
      p.features = this.builder.specs.map((s) => s.name).join(',');
      if (r.holdoutNdcgLinear !== null) p.holdoutNdcgLinear = round4(r.holdoutNdcgLinear);
      if (r.holdoutNdcgGbdt !== null) p.holdoutNdcgGbdt = round4(r.holdoutNdcgGbdt);
      p.stages = r.stages.join(',');
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

/**
 * The feature builder of `sources` fitted on `train` (history = train; candidates, pop and KG
 * overlap from it), with the hybrid's candidate, KG, vector and feature settings.
 */
export function makeFeatureBuilder(
  opts: Pick<HybridOptions, 'candidatesPerSource' | 'kg' | 'itemVectors' | 'features'>,
  sources: readonly HybridSource[],
  train: Interactions,
  nUsers: number,
  nItems: number,
  trainCsr: Csr = toCsr(train, nUsers, nItems),
): FeatureBuilder {
  const trainTimes = toCsr({ user: train.user, item: train.item, rating: Float32Array.from(train.timestamp), timestamp: train.timestamp }, nUsers, nItems).values;
  // recency order of the history (history-similarity); only when aligned with the train matrix
  const times = trainTimes.length === trainCsr.indices.length ? Float64Array.from(trainTimes) : undefined;
  return new FeatureBuilder({
    sources,
    nUsers,
    nItems,
    train: trainCsr,
    candidatesPerSource: opts.candidatesPerSource ?? HYBRID_DEFAULTS.candidatesPerSource,
    kg: opts.kg,
    itemVectors: opts.itemVectors,
    flags: opts.features,
    trainTimes: times,
  });
}

/** Where the fusion learns: features from `builder`, positives = `targets` (user × item). */
export interface FusionStage {
  readonly builder: FeatureBuilder;
  readonly targets: Csr;
}

/**
 * Candidates and features of every (stage, user with targets), one group each, labels from the
 * stage's targets; with each group's user and stage index.
 */
export async function buildRankingData(
  stages: readonly FusionStage[],
  ctx: Pick<FitContext, 'nUsers' | 'nItems' | 'signal' | 'onProgress'>,
): Promise<{ data: RankingData; groupUser: Int32Array; groupStage: Uint8Array }> {
  const parts: { x: Float64Array; label: Uint8Array; nTargets: number; user: number; stage: number }[] = [];
  const mark = new Uint8Array(ctx.nItems);
  let total = 0;
  for (const st of stages) for (let u = 0; u < ctx.nUsers; u++) if (st.targets.indptr[u + 1] > st.targets.indptr[u]) total++;
  let done = 0;
  for (let si = 0; si < stages.length; si++) {
    const st = stages[si];
    const t = st.targets;
    for (let u = 0; u < ctx.nUsers; u++) {
      const a = t.indptr[u];
      const b = t.indptr[u + 1];
      if (a === b) continue;
      if ((done & 63) === 0) {
        throwIfAborted(ctx.signal);
        ctx.onProgress?.({ stage: 'hybrid', fraction: (0.3 * done) / total, message: 'features' });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      done++;
      let nTargets = 0;
      for (let p = a; p < b; p++) {
        if (mark[t.indices[p]] === 0) nTargets++;
        mark[t.indices[p]] = 1;
      }
      const uf = st.builder.userFeatures(u);
      const label = new Uint8Array(uf.items.length);
      for (let j = 0; j < uf.items.length; j++) label[j] = mark[uf.items[j]];
      for (let p = a; p < b; p++) mark[t.indices[p]] = 0;
      parts.push({ x: uf.x, label, nTargets, user: u, stage: si });
    }
  }
  const nF = stages[0].builder.nFeatures;
  let rows = 0;
  for (const p of parts) rows += p.label.length;
  const x = new Float64Array(rows * nF);
  const label = new Uint8Array(rows);
  const groupPtr = new Int32Array(parts.length + 1);
  const nTargets = new Int32Array(parts.length);
  const groupUser = new Int32Array(parts.length);
  const groupStage = new Uint8Array(parts.length);
  let o = 0;
  parts.forEach((p, g) => {
    x.set(p.x, o * nF);
    label.set(p.label, o);
    o += p.label.length;
    groupPtr[g + 1] = o;
    nTargets[g] = p.nTargets;
    groupUser[g] = p.user;
    groupStage[g] = p.stage;
  });
  return { data: { nFeatures: nF, x, label, groupPtr, nTargets }, groupUser, groupStage };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return a.length > 0 ? s / a.length : 0;
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** Sources and feature switches of the ablation variants. */
export const ABLATION_GROUPS = {
  kg: ['kg-profile', 'kg-embed'],
  text: ['semantic'],
  cf: ['itemknn', 'ease', 'bpr'],
} as const;

export const ABLATIONS = ['hybrid', 'hybrid-no-kg', 'hybrid-no-text', 'hybrid-no-cf'] as const;
export type AblationName = (typeof ABLATIONS)[number];

export interface AblationPlan {
  /** Source names the variant keeps, in the given order. */
  readonly sources: string[];
  readonly features: FeatureFlags;
}

/**
 * What an ablation variant keeps: hybrid-no-kg drops kg-profile, kg-embed and the kg-overlap
 * features; hybrid-no-text drops semantic and history-similarity; hybrid-no-cf drops itemknn,
 * ease and bpr (popularity stays).
 */
export function ablationSources(name: string, allSourceNames: readonly string[]): AblationPlan {
  const drop = (group: readonly string[]): string[] => allSourceNames.filter((s) => !group.includes(s));
  switch (name) {
    case 'hybrid':
      return { sources: [...allSourceNames], features: {} };
    case 'hybrid-no-kg':
      return { sources: drop(ABLATION_GROUPS.kg), features: { kgOverlap: false } };
    case 'hybrid-no-text':
      return { sources: drop(ABLATION_GROUPS.text), features: { historySimilarity: false } };
    case 'hybrid-no-cf':
      return { sources: drop(ABLATION_GROUPS.cf), features: {} };
    default:
      throw new KnowrecError('config', `Unknown hybrid variant '${name}'`, {}, `use one of ${ABLATIONS.join(', ')}`);
  }
}
