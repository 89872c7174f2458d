/**
 * Builds, tunes (on validation) and fits any model of the registry (core/models/registry.ts) by
 * name. The environment the registry builds from is made here: the encoder (with its cache) and
 * the dataset's KG index, once per job and shared, and the job's fitted models.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CachedEncoder, type EmbeddingCache, MemoryEmbeddingCache } from '../core/encode/cache';
import { SqliteEmbeddingCache, workspaceTextModel } from '../core/store';
import type { ModelVariant } from '../core/encode/encoder';
import { WorkerEncoder } from '../core/encode/worker';
import { DEFAULT_MODEL_NAME, defaultModelDir, textModelDir } from '../core/encode/model-dir';
import { consoleLogger } from '../core/encode/types';
import { loadTextTokenizer } from '../core/encode/hf-tokenizer';
import type { Encoder } from '../core/encode/types';
import { KgIndex } from '../core/kg';
import { buildModel, modelEntry, tuneOnValidation, type ModelEnvironment } from '../core/models';
import { trainAdapterInWorker } from '../core/train/worker';
import type { Adapter } from '../core/train/adapter';
import { activeAdapterVersion, loadAdapter } from '../core/train/versions';
import { dataHash } from './snapshot';
import type { FitContext, Scorer } from '../core/types';


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
  /** Encoder model folder (model.onnx + tokenizer.json); default: textModel's, else all-MiniLM-L6-v2. */
  readonly modelDir?: string;
  /** Prepared encoder by name (`knowrec models`), used when modelDir is not given. */
  readonly textModel?: string;
  readonly variant?: ModelVariant;
  /** Sentence language for text scorers. */
  readonly lang?: string;
}

/** What a job's options say about the models' environment (evaluate and fit share it). */
export interface JobEnvOptions {
  readonly encoderVariant?: ModelVariant;
  readonly lang?: string;
  readonly modelDir?: string;
  readonly textModel?: string;
  readonly adapterRoot?: string;
}

/** The model environment of a job on `workspace`, for the split it fits on. */
export function jobModelEnv(workspace: string | null, opts: JobEnvOptions, split: { readonly protocol: string; readonly filtered: boolean }): ModelEnv {
  return new ModelEnv({ workspace, variant: opts.encoderVariant, lang: opts.lang, modelDir: opts.modelDir, textModel: opts.textModel, adapterRoot: opts.adapterRoot, split });
}

/** Shared, lazily built resources of one job: the encoder (with cache) and the KG index. */
export class ModelEnv {
  private encoder: Encoder | null = null;
  private onnx: WorkerEncoder | null = null;
  private cache: SqliteEmbeddingCache | null = null;
  private kg: KgIndex | null = null;
  private kgFor: object | null = null;
  private counter: ((text: string) => number) | null = null;
  private resolvedDir: string | null = null;

  constructor(readonly options: ModelEnvOptions) {}

  async getEncoder(): Promise<Encoder> {
    if (this.encoder !== null) return this.encoder;
    const modelDir = this.modelDir();
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
    const tok = loadTextTokenizer(join(this.modelDir(), 'tokenizer.json'));
    this.counter = (text: string): number => tok.tokenize(text).length + 2;
    return this.counter;
  }

  /**
   * The encoder's folder: modelDir; else the named text model's (recorded in the workspace, which
   * then re-encodes: its cache is keyed by model); else the one the workspace records; else the
   * default encoder's.
   */
  modelDir(): string {
    if (this.resolvedDir !== null) return this.resolvedDir;
    const { modelDir, textModel, workspace } = this.options;
    if (modelDir !== undefined) return (this.resolvedDir = modelDir);
    const dir = textModel !== undefined ? textModelDir(textModel) : null;
    const w = workspace !== null ? workspaceTextModel(workspace, textModel) : { recorded: null, previous: null };
    if (textModel !== undefined && w.previous !== null && w.previous !== textModel) {
      consoleLogger.info(`workspace text model switched from ${w.previous} to ${textModel}: its texts are encoded again`);
    }
    const name = textModel ?? w.recorded;
    this.resolvedDir = dir ?? (name === null || name === DEFAULT_MODEL_NAME ? defaultModelDir() : textModelDir(name));
    return this.resolvedDir;
  }

  kgIndex(ctx: Pick<FitContext, 'dataset'>): KgIndex {
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
  /** The users `validate` scores when it scores a sample (scale mode, core/models/scale.ts). */
  readonly validationUsers?: Int32Array;
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
 * split's train part and its early stopping from this split's valid part, and not stale (a user
 * whose data it saw was forgotten). Null otherwise.
 */
export function usableActiveAdapter(options: Pick<ModelEnvOptions, 'adapterRoot' | 'split'>, ctx: FitContext): { version: string; adapter: Adapter } | null {
  const root = options.adapterRoot;
  const split = options.split;
  if (root === undefined || split === undefined || split.filtered) return null;
  const version = activeAdapterVersion(root);
  if (version === null) return null;
  const { adapter, meta } = loadAdapter(join(root, version));
  const same = meta.stale === undefined && meta.protocol.name === split.protocol && meta.protocol.seed === ctx.seed && meta.data_sha256 === dataHash(ctx.dataset);
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

/** Fit (and wall) seconds of the models a build drew from the job on the same fit context. */
interface Drawn {
  seconds: number;
  reported: number;
}

async function fitUncached(name: string, ctx: FitContext, opts: FitOptions): Promise<FittedModel> {
  const entry = modelEntry(name);
  const t0 = performance.now();
  if (opts.tune && entry.grid.length > 0 && ctx.valid.user.length > 0) {
    const r = await tuneOnValidation(name, entry.grid, ctx, opts.validate);
    return {
      scorer: r.best,
      fitSeconds: r.table[r.bestIndex].fitSeconds,
      tuneSeconds: (performance.now() - t0) / 1000,
      tuning: r.table.map((t) => ({ params: t.params, valid_ndcg: t.value })),
    };
  }
  const drawn: Drawn = { seconds: 0, reported: 0 };
  const scorer = await buildModel(name, jobEnvironment(ctx, opts, drawn), ctx);
  await scorer.fit(ctx);
  // its own time: without the models it was built from (semantic-ft's base, a hybrid's sources)
  const own = (performance.now() - t0) / 1000 - drawn.seconds;
  if (entry.kind !== 'hybrid') return { scorer, fitSeconds: own, tuneSeconds: 0, tuning: [] };
  return { scorer, fitSeconds: drawn.reported + own, tuneSeconds: 0, tuning: [], sourceSeconds: drawn.reported, fusionSeconds: own };
}

/**
 * The registry's view of this job for one model fitted on ctx: the shared encoder and KG index,
 * and the job's fitted models (cached by name; fits on another context, the stacked hybrid's
 * inner holdout, share a cache of their own).
 */
function jobEnvironment(ctx: FitContext, opts: FitOptions, drawn: Drawn): ModelEnvironment {
  const env = opts.env;
  const cached = { ...opts, cache: opts.cache ?? new Map<string, Promise<FittedModel>>() };
  return {
    validate: opts.validate,
    ...(opts.validationUsers !== undefined ? { validationUsers: opts.validationUsers } : {}),
    tune: opts.tune,
    lang: env.options.lang,
    kgIndex: (c) => env.kgIndex(c),
    encoder: () => env.getEncoder(),
    countTokens: () => env.countTokens(),
    activeAdapter: (c) => usableActiveAdapter(env.options, c),
    trainAdapter: trainAdapterInWorker,
    fitted: async (name, c) => {
      if (c !== ctx) return (await fitModel(name, c, { ...opts, cache: innerCache(cached.cache, c) })).scorer;
      const t = performance.now();
      const f = await fitModel(name, c, cached);
      drawn.seconds += (performance.now() - t) / 1000;
      drawn.reported += f.fitSeconds + f.tuneSeconds;
      return f.scorer;
    },
  };
}

function innerCache(outer: Map<string, Promise<FittedModel>>, ictx: FitContext): Map<string, Promise<FittedModel>> {
  let inner = innerCaches.get(outer);
  if (inner === undefined || inner.ctxTrain !== ictx.train.user.length) {
    inner = { ctxTrain: ictx.train.user.length, cache: new Map() };
    innerCaches.set(outer, inner);
  }
  return inner.cache;
}
