/**
 * `hybrid`: learned fusion of already fitted scorers. For each user, candidates are the union of
 * every source's top-N unseen items; each (user, candidate) gets features (see features.ts); a
 * ranker fitted on the VALIDATION split (positives: the user's validation items among the
 * candidates) orders them. Two rankers are tried — a pairwise logistic linear model and small
 * LambdaMART trees — on an inner 80/20 split of the validation users (seeded; the test split is
 * never seen), and the better one is refitted on all validation users.
 *
 * score(user) is full length: candidates get the ranker's score, every other item −Infinity,
 * so full-ranking evaluation (with its own masking) works unchanged.
 */
import { performance } from 'node:perf_hooks';
import { KnowrecError, throwIfAborted } from '../errors';
import { toCsr } from '../matrix';
import { createRng } from '../random';
import type { Csr, FitContext, Scorer } from '../types';
import { FeatureBuilder, type FeatureFlags, type FeatureSpec, type HybridSource, type KgFactIndex } from './features';
import { fitGbdt, type GbdtOptions, type GbdtRanker } from './gbdt';
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
  /** Switches for the non-source features (ablations). */
  readonly features?: FeatureFlags;
  /** Share of validation users held out to choose the ranker and the tree count. Default 0.2. */
  readonly holdout?: number;
  /** Seed of the inner split and the rankers; default the fit context's seed. */
  readonly seed?: number;
  /** Name reported by the scorer (e.g. 'hybrid-no-kg'). Default 'hybrid'. */
  readonly name?: string;
}

export const HYBRID_DEFAULTS = { candidatesPerSource: 100, ranker: 'auto', holdout: 0.2 } as const;

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
  readonly trees: number | null;
  readonly users: number;
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
    if (ctx.valid.user.length === 0) {
      throw new KnowrecError('config', `${this.name}: the fit context has no validation interactions to learn the fusion from`, {},
        'split with a protocol that keeps a validation part (recbole or loo)');
    }
    const trainTimes = toCsr(
      { user: ctx.train.user, item: ctx.train.item, rating: Float32Array.from(ctx.train.timestamp), timestamp: ctx.train.timestamp },
      ctx.nUsers,
      ctx.nItems,
    ).values;
    // recency order of the history (history-similarity); only when aligned with ctx.trainCsr
    const times = trainTimes.length === ctx.trainCsr.indices.length ? Float64Array.from(trainTimes) : undefined;
    const builder = new FeatureBuilder({
      sources: this.opts.sources,
      nUsers: ctx.nUsers,
      nItems: ctx.nItems,
      train: ctx.trainCsr,
      candidatesPerSource: this.opts.candidatesPerSource ?? HYBRID_DEFAULTS.candidatesPerSource,
      kg: this.opts.kg,
      itemVectors: this.opts.itemVectors,
      flags: this.opts.features,
      trainTimes: times,
    });
    const data = await this.trainingData(ctx, builder);
    const standardizer = Standardizer.fit(data.x, data.nFeatures);
    standardizer.apply(data.x);
    const names = builder.specs.map((s) => s.name);

    // inner split of the validation users
    const nGroups = data.groupPtr.length - 1;
    const order = createRng(seed).shuffle(Int32Array.from({ length: nGroups }, (_, g) => g));
    const nHold = Math.max(1, Math.round(nGroups * (this.opts.holdout ?? HYBRID_DEFAULTS.holdout)));
    const canHold = nGroups >= 2;
    const hold = canHold ? order.slice(0, nHold).sort() : order;
    const fitPart = canHold ? order.slice(nHold).sort() : order;
    const fitData = subsetGroups(data, fitPart);
    const holdData = subsetGroups(data, hold);
    const choice = this.opts.ranker ?? HYBRID_DEFAULTS.ranker;
    let linNdcg: number | null = null;
    let gbdtNdcg: number | null = null;
    let bestTrees: number | null = null;
    let linPer: Float64Array = new Float64Array(0);
    let gbdtPer: Float64Array = new Float64Array(0);
    if (choice !== 'gbdt') {
      throwIfAborted(ctx.signal);
      const lin = fitLinear(fitData, names, seed, this.opts.linear);
      linPer = perGroupNdcg(holdData, predictAll(lin, holdData), 10);
      linNdcg = mean(linPer);
      ctx.onProgress?.({ stage: 'hybrid', fraction: 0.5, message: 'linear ranker', metrics: { holdout_ndcg: linNdcg } });
    }
    if (choice !== 'linear') {
      throwIfAborted(ctx.signal);
      const fit = fitGbdt(fitData, names, seed, this.opts.gbdt, holdData, 10);
      let best = -Infinity;
      for (const p of fit.curve) {
        if (p.ndcg > best) {
          best = p.ndcg;
          bestTrees = p.trees;
        }
      }
      gbdtNdcg = best;
      gbdtPer = fit.bestPerGroup;
      ctx.onProgress?.({ stage: 'hybrid', fraction: 0.8, message: 'tree ranker', metrics: { holdout_ndcg: best } });
    }
    throwIfAborted(ctx.signal);
    // auto: the simpler linear model unless the trees are better by more than one standard error
    const diff = pairedDifference(gbdtPer, linPer);
    const useGbdt = choice === 'gbdt' || (choice === 'auto' && diff.mean > diff.se);
    let model: RankerModel;
    if (useGbdt) {
      const trees = bestTrees ?? this.opts.gbdt?.trees ?? 100;
      model = fitGbdt(data, names, seed, { ...this.opts.gbdt, trees }).model;
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
      trees: useGbdt ? (model as GbdtRanker).treeCount : null,
      users: nGroups,
      rows: data.label.length,
      meanCandidates: nGroups > 0 ? data.label.length / nGroups : 0,
      candidateRecall: targets > 0 ? pos / targets : 0,
      fitSeconds: (performance.now() - t0) / 1000,
    };
    ctx.onProgress?.({ stage: 'hybrid', fraction: 1 });
  }

  /** Candidates and features of every user with validation items; labels from ctx.valid. */
  private async trainingData(ctx: FitContext, builder: FeatureBuilder): Promise<RankingData> {
    const valid: Csr = toCsr(ctx.valid, ctx.nUsers, ctx.nItems);
    const parts: { x: Float64Array; label: Uint8Array; nTargets: number }[] = [];
    const mark = new Uint8Array(ctx.nItems);
    let users = 0;
    for (let u = 0; u < ctx.nUsers; u++) if (valid.indptr[u + 1] > valid.indptr[u]) users++;
    let done = 0;
    for (let u = 0; u < ctx.nUsers; u++) {
      const a = valid.indptr[u];
      const b = valid.indptr[u + 1];
      if (a === b) continue;
      if ((done & 63) === 0) {
        throwIfAborted(ctx.signal);
        ctx.onProgress?.({ stage: 'hybrid', fraction: (0.3 * done) / users, message: 'features' });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      done++;
      let nTargets = 0;
      for (let p = a; p < b; p++) {
        if (mark[valid.indices[p]] === 0) nTargets++;
        mark[valid.indices[p]] = 1;
      }
      const uf = builder.userFeatures(u);
      const label = new Uint8Array(uf.items.length);
      for (let j = 0; j < uf.items.length; j++) label[j] = mark[uf.items[j]];
      for (let p = a; p < b; p++) mark[valid.indices[p]] = 0;
      parts.push({ x: uf.x, label, nTargets });
    }
    const nF = builder.nFeatures;
    let rows = 0;
    for (const p of parts) rows += p.label.length;
    const x = new Float64Array(rows * nF);
    const label = new Uint8Array(rows);
    const groupPtr = new Int32Array(parts.length + 1);
    const nTargets = new Int32Array(parts.length);
    let o = 0;
    parts.forEach((p, g) => {
      x.set(p.x, o * nF);
      label.set(p.label, o);
      o += p.label.length;
      groupPtr[g + 1] = o;
      nTargets[g] = p.nTargets;
    });
    return { nFeatures: nF, x, label, groupPtr, nTargets };
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
      p.meanCandidates = Math.round(r.meanCandidates);
      p.candidateRecall = round4(r.candidateRecall);
      p.fitSeconds = Math.round(r.fitSeconds * 10) / 10;
      for (const [k, v] of Object.entries(this.model.summary())) p[`model.${k}`] = v;
    }
    return p;
  }
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
