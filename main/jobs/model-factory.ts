/**
 * Builds, tunes (on validation) and fits any scorer by name. Baselines come from the models
 * registry; knowledge and language scorers need the dataset's KG index and the encoder, which are
 * made here once per job and shared.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CachedEncoder, type EmbeddingCache, MemoryEmbeddingCache, SqliteEmbeddingCache } from '../core/encode/cache';
import type { ModelVariant } from '../core/encode/encoder';
import { WorkerEncoder } from '../core/encode/worker';
import { defaultModelDir } from '../core/encode/model-dir';
import { loadTokenizer } from '../core/encode/tokenizer';
import type { Encoder } from '../core/encode/types';
import { KnowrecError } from '../core/errors';
import { KgIndex } from '../core/kg';
import { BASELINE_NAMES, createScorer, defaultGrid, isBaselineName, tuneOnValidation } from '../core/models';
import { SemanticScorer } from '../core/models/semantic';
import { KgEmbedScorer } from '../core/models/kg-embed';
import { KgProfileScorer } from '../core/models/kg-profile';
import { ABLATIONS, ablationSources, HybridScorer } from '../core/rank/hybrid';
import type { HybridSource } from '../core/rank/features';
import { kgFactSource } from '../core/text';
import type { FitContext, Scorer } from '../core/types';

export const TEXT_MODELS = ['semantic'] as const;
export const KG_MODELS = ['kg-profile', 'kg-embed'] as const;
/** The hybrid's sources, in the order their features are built. */
export const HYBRID_SOURCES = ['semantic', 'itemknn', 'ease', 'bpr', 'kg-profile', 'kg-embed', 'pop'] as const;

export function knownModels(): string[] {
  return [...BASELINE_NAMES, ...TEXT_MODELS, ...KG_MODELS, ...ABLATIONS];
}

export interface ModelEnvOptions {
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
  private db: Database.Database | null = null;
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
      this.db = new Database(this.options.workspace);
      this.db.pragma('journal_mode = WAL');
      cache = new SqliteEmbeddingCache(this.db);
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
    this.db?.close();
    this.onnx = null;
    this.db = null;
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
  if ((ABLATIONS as readonly string[]).includes(name)) {
    const plan = ablationSources(name, HYBRID_SOURCES);
    const cached = { ...opts, cache: opts.cache ?? new Map<string, Promise<FittedModel>>() };
    const sources: HybridSource[] = [];
    let sourceSeconds = 0;
    let semantic: SemanticScorer | null = null;
    for (const src of plan.sources) {
      const f = await fitModel(src, ctx, cached);
      sources.push({ name: src, scorer: f.scorer });
      sourceSeconds += f.fitSeconds + f.tuneSeconds;
      if (f.scorer instanceof SemanticScorer) semantic = f.scorer;
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
    });
    await h.fit(ctx);
    const fusion = (performance.now() - t1) / 1000;
    return { scorer: h, fitSeconds: sourceSeconds + fusion, tuneSeconds: 0, tuning: [], sourceSeconds, fusionSeconds: fusion };
  }
  throw new KnowrecError('config', `Unknown model '${name}'`, {}, `known models: ${knownModels().join(', ')}`);
}
