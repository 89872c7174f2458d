/**
 * Builds, tunes (on validation) and fits any scorer by name. Baselines come from the models
 * registry; knowledge and language scorers need the dataset's KG index and the encoder, which are
 * made here once per job and shared.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CachedEncoder, type EmbeddingCache, MemoryEmbeddingCache } from '../core/encode/cache';
import { SqliteEmbeddingCache } from '../core/store';
import type { ModelVariant } from '../core/encode/encoder';
import { WorkerEncoder } from '../core/encode/worker';
import { defaultModelDir } from '../core/encode/model-dir';
import { loadTokenizer } from '../core/encode/tokenizer';
import type { Encoder } from '../core/encode/types';
import { KnowrecError } from '../core/errors';
import { KgIndex } from '../core/kg';
import { BASELINE_NAMES, createScorer, defaultGrid, isBaselineName, tuneOnValidation } from '../core/models';
import { SemanticScorer } from '../core/models/semantic';
import { SemanticFtScorer } from '../core/models/semantic-ft';
import { trainAdapterInWorker } from '../core/train/worker';
import type { Adapter } from '../core/train/adapter';
import { activeAdapterVersion, loadAdapter } from '../core/train/versions';
import { dataHash } from './snapshot';
import { KgEmbedScorer } from '../core/models/kg-embed';
import { KgProfileScorer } from '../core/models/kg-profile';
import { ABLATIONS, ablationSources, HybridScorer } from '../core/rank/hybrid';
import type { HybridSource } from '../core/rank/features';
import { kgFactSource } from '../core/text';
import type { FitContext, Scorer } from '../core/types';

export const TEXT_MODELS = ['semantic', 'semantic-ft'] as const;
/** The hybrid with the fine-tuned text scorer (semantic-ft) in place of semantic. */
export const FT_HYBRIDS = ['hybrid-ft'] as const;
/**
 * The hybrid whose fusion never sees the validation targets: it learns on a holdout carved from
 * train (stacking; warm targets, plus pseudo-cold items when the validation targets are cold).
 */
export const STACKED_HYBRIDS = ['hybrid-stacked'] as const;
export const KG_MODELS = ['kg-profile', 'kg-embed'] as const;
/** The hybrid's sources, in the order their features are built. */
export const HYBRID_SOURCES = ['semantic', 'itemknn', 'ease', 'bpr', 'kg-profile', 'kg-embed', 'pop'] as const;

export function knownModels(): string[] {
  return [...BASELINE_NAMES, ...TEXT_MODELS, ...KG_MODELS, ...ABLATIONS, ...FT_HYBRIDS, ...STACKED_HYBRIDS];
}

export interface ModelEnvOptions {
  /**
   * Folder of the dataset's fine-tuned adapter versions (active.json names the active one).
   * `semantic-ft` uses the active version when it was trained on this very split (same data
   * hash, protocol and seed, no filters); otherwise it trains an adapter on the fit context.
   */
  readonly adapterRoot?: string;
  /** The split the fit contexts come from, to tell whether the active adapter may be used. */
  readonly split?: { readonly protocol: string; readonly filtered: boolean };
  /** Workspace file whose `embeddings` table caches vectors; null: in-memory cache. */
  readonly workspace: string | null;
  /** Encoder model folder (model.onnx + tokenizer.json); default resources/models/all-MiniLM-L6-v2. */
  readonly modelDir?: string;
  readonly variant?: ModelVariant;
  /** Sentence language for text scorers. */
  readonly lang?: string;
}

/** Shared, lazily built resources of one job: the encoder (with cache) and the KG index. */
export class ModelEnv {
  private encoder: Encoder | null = null;
  private onnx: WorkerEncoder | null = null;
  private cache: SqliteEmbeddingCache | null = null;
  private kg: KgIndex | null = null;
  private kgFor: object | null = null;
  private counter: ((text: string) => number) | null = null;

  constructor(readonly options: ModelEnvOptions) {}

  async getEncoder(): Promise<Encoder> {
    if (this.encoder !== null) return this.encoder;
    const modelDir = this.options.modelDir ?? defaultModelDir();
    // the encoder runs in a worker thread: the caller's thread (Electron main, the bridge) stays free
    this.onnx = await WorkerEncoder.start({ modelDir, model: this.options.variant ?? 'fp32' });
    let cache: EmbeddingCache;
    if (this.options.workspace !== null) {
      this.cache = SqliteEmbeddingCache.open(this.options.workspace);
      cache = this.cache;
    } else {
      cache = new MemoryEmbeddingCache();
    }
    this.encoder = new CachedEncoder(this.onnx, cache);
    return this.encoder;
  }

  /** Token counter of the encoder's own tokenizer ([CLS] and [SEP] included). */
  countTokens(): (text: string) => number {
    if (this.counter !== null) return this.counter;
    const tok = loadTokenizer(join(this.options.modelDir ?? defaultModelDir(), 'tokenizer.json'));
    this.counter = (text: string): number => tok.tokenize(text).length + 2;
    return this.counter;
  }

  kgIndex(ctx: FitContext): KgIndex {
    if (this.kg === null || this.kgFor !== ctx.dataset) {
      this.kg = new KgIndex(ctx.dataset);
      this.kgFor = ctx.dataset;
    }
    return this.kg;
  }

  async close(): Promise<void> {
    await this.onnx?.close();
    this.cache?.close();
    this.onnx = null;
    this.cache = null;
    this.encoder = null;
  }
}

export interface FitOptions {
  readonly tune: boolean;
  /** Validation metric (higher is better). */
  readonly validate: (s: Scorer) => number;
  readonly env: ModelEnv;
  /** Fitted models of this job by name, so the hybrid and its ablations reuse their sources. */
  readonly cache?: Map<string, Promise<FittedModel>>;
}

export interface FittedModel {
  readonly scorer: Scorer;
  readonly fitSeconds: number;
  readonly tuneSeconds: number;
  readonly tuning: { params: Readonly<Record<string, number | string | boolean>>; valid_ndcg: number }[];
  /** Hybrids: seconds spent fitting (and tuning) the sources, and learning the fusion. */
  readonly sourceSeconds?: number;
  readonly fusionSeconds?: number;
}

/**
 * The active adapter version when it may score this fit context without leaking: trained on the
 * same data (hash), protocol and seed, without filters — so its training pairs came from this
 * split's train part and its early stopping from this split's valid part. Null otherwise.
 */
export function usableActiveAdapter(options: Pick<ModelEnvOptions, 'adapterRoot' | 'split'>, ctx: FitContext): { version: string; adapter: Adapter } | null {
  const root = options.adapterRoot;
  const split = options.split;
  if (root === undefined || split === undefined || split.filtered) return null;
  const version = activeAdapterVersion(root);
  if (version === null) return null;
  const { adapter, meta } = loadAdapter(join(root, version));
  const same = meta.protocol.name === split.protocol && meta.protocol.seed === ctx.seed && meta.data_sha256 === dataHash(ctx.dataset);
  return same ? { version, adapter } : null;
}

export async function fitModel(name: string, ctx: FitContext, opts: FitOptions): Promise<FittedModel> {
  const cache = opts.cache;
  if (cache === undefined) return fitUncached(name, ctx, opts);
  let p = cache.get(name);
  if (p === undefined) {
    p = fitUncached(name, ctx, opts);
    cache.set(name, p);
  }
  return p;
}

/** Per job cache: the hybrid's inner-holdout sources (fitted on train minus the holdout). */
const innerCaches = new WeakMap<Map<string, Promise<FittedModel>>, { ctxTrain: number; cache: Map<string, Promise<FittedModel>> }>();

async function fitUncached(name: string, ctx: FitContext, opts: FitOptions): Promise<FittedModel> {
  const t0 = performance.now();
  if (isBaselineName(name)) {
    if (opts.tune && ctx.valid.user.length > 0) {
      const r = await tuneOnValidation(name, defaultGrid(name), ctx, opts.validate);
      return {
        scorer: r.best,
        fitSeconds: r.table[r.bestIndex].fitSeconds,
        tuneSeconds: (performance.now() - t0) / 1000,
        tuning: r.table.map((t) => ({ params: t.params, valid_ndcg: t.value })),
      };
    }
    const s = createScorer(name, {}, { validate: opts.validate });
    await s.fit(ctx);
    const secs = (performance.now() - t0) / 1000;
    return { scorer: s, fitSeconds: secs, tuneSeconds: 0, tuning: [] };
  }
  if (name === 'semantic') {
    const env = opts.env;
    const encoder = await env.getEncoder();
    const popularity = new Float32Array(ctx.nItems);
    for (let i = 0; i < ctx.train.item.length; i++) popularity[ctx.train.item[i]]++;
    const s = new SemanticScorer({
      encoder,
      lang: env.options.lang,
      facts: kgFactSource(env.kgIndex(ctx), { popularity }),
      countTokens: env.countTokens(),
      validate: opts.tune && ctx.valid.user.length > 0 ? opts.validate : undefined,
    });
    await s.fit(ctx);
    const secs = (performance.now() - t0) / 1000;
    return { scorer: s, fitSeconds: secs, tuneSeconds: 0, tuning: [] };
  }
  if (name === 'semantic-ft') {
    // the adapter is trained here on the fit context (train pairs, valid early stopping; never test)
    const base = (await fitModel('semantic', ctx, opts)).scorer as SemanticScorer;
    const t1 = performance.now();
    const env = opts.env;
    const active = usableActiveAdapter(env.options, ctx);
    const s = new SemanticFtScorer({
      base,
      encoder: await env.getEncoder(),
      lang: env.options.lang,
      countTokens: env.countTokens(),
      trainer: trainAdapterInWorker,
      ...(active === null ? {} : { adapter: active.adapter }),
    });
    if (active !== null) ctx.onProgress?.({ stage: 'semantic-ft', message: `using the active adapter ${active.version}` });
    await s.fit(ctx);
    return { scorer: s, fitSeconds: (performance.now() - t1) / 1000, tuneSeconds: 0, tuning: [] };
  }
  if (name === 'kg-profile') {
    const s = new KgProfileScorer({ kg: opts.env.kgIndex(ctx), validate: opts.tune && ctx.valid.user.length > 0 ? opts.validate : undefined });
    await s.fit(ctx);
    return { scorer: s, fitSeconds: (performance.now() - t0) / 1000, tuneSeconds: 0, tuning: [] };
  }
  if (name === 'kg-embed') {
    const s = new KgEmbedScorer({ validate: ctx.valid.user.length > 0 ? opts.validate : undefined });
    await s.fit(ctx);
    return { scorer: s, fitSeconds: (performance.now() - t0) / 1000, tuneSeconds: 0, tuning: [] };
  }
  if ((ABLATIONS as readonly string[]).includes(name) || name === 'hybrid-ft' || name === 'hybrid-stacked') {
    const plan = name === 'hybrid-ft'
      ? { sources: HYBRID_SOURCES.map((s) => (s === 'semantic' ? 'semantic-ft' : s)), features: {} }
      : ablationSources(name === 'hybrid-stacked' ? 'hybrid' : name, HYBRID_SOURCES);
    const stacked = name === 'hybrid-stacked';
    const cached = { ...opts, cache: opts.cache ?? new Map<string, Promise<FittedModel>>() };
    const sources: HybridSource[] = [];
    let sourceSeconds = 0;
    let semantic: SemanticScorer | SemanticFtScorer | null = null;
    for (const src of plan.sources) {
      const f = await fitModel(src, ctx, cached);
      sources.push({ name: src, scorer: f.scorer });
      sourceSeconds += f.fitSeconds + f.tuneSeconds;
      if (f.scorer instanceof SemanticScorer || f.scorer instanceof SemanticFtScorer) semantic = f.scorer;
    }
    const t1 = performance.now();
    const sem = semantic;
    const h = new HybridScorer({
      name,
      sources,
      kg: plan.features.kgOverlap === false ? undefined : opts.env.kgIndex(ctx),
      itemVectors: sem !== null && plan.features.historySimilarity !== false ? (i: number) => sem.itemVector(i) : undefined,
      features: plan.features,
      seed: ctx.seed,
      // every hybrid but hybrid-stacked learns its fusion on the validation split, in every
      // protocol; hybrid-stacked learns only on a holdout carved from train, with the sources
      // refitted (and tuned on validation, as above) on the rest
      ...(stacked
        ? {
            useValid: false,
            inner: {
              use: 'always' as const,
              refit: async (ictx: FitContext): Promise<HybridSource[]> => {
                const outer = cached.cache;
                let inner = innerCaches.get(outer);
                if (inner === undefined || inner.ctxTrain !== ictx.train.user.length) {
                  inner = { ctxTrain: ictx.train.user.length, cache: new Map() };
                  innerCaches.set(outer, inner);
                }
                const out: HybridSource[] = [];
                for (const src of plan.sources) out.push({ name: src, scorer: (await fitModel(src, ictx, { ...opts, cache: inner.cache })).scorer });
                return out;
              },
            },
          }
        : {}),
    });
    await h.fit(ctx);
    const fusion = (performance.now() - t1) / 1000;
    return { scorer: h, fitSeconds: sourceSeconds + fusion, tuneSeconds: 0, tuning: [], sourceSeconds, fusionSeconds: fusion };
  }
  throw new KnowrecError('config', `Unknown model '${name}'`, {}, `known models: ${knownModels().join(', ')}`);
}
