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
import { kgFactSource } from '../core/text';
import type { FitContext, Scorer } from '../core/types';

export const TEXT_MODELS = ['semantic'] as const;

export function knownModels(): string[] {
  return [...BASELINE_NAMES, ...TEXT_MODELS];
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
}

export interface FittedModel {
  readonly scorer: Scorer;
  readonly fitSeconds: number;
  readonly tuneSeconds: number;
  readonly tuning: { params: Readonly<Record<string, number | string | boolean>>; valid_ndcg: number }[];
}

export async function fitModel(name: string, ctx: FitContext, opts: FitOptions): Promise<FittedModel> {
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
  throw new KnowrecError('config', `Unknown model '${name}'`, {}, `known models: ${knownModels().join(', ')}`);
}
