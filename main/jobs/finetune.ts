/**
 * The fine-tuning job: open a dataset, split it (RecBole protocol, seeded), fit the frozen
 * semantic scorer, build the training pairs from the TRAIN split plus relevance labels, train the
 * adapter in a worker thread (early stopping on the VALID split; the test split is never used),
 * and save a new adapter version folder (weights, config, data hash, seed, validation curve).
 * A checkpoint `<outDir>.checkpoint.bin` is written after every epoch; `resumeFrom` continues an
 * interrupted (cancelled, crashed) run to the same final weights.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { splitInteractions } from '../core/eval';
import { evaluateSplit } from '../core/eval/evaluate';
import type { Encoder } from '../core/encode/types';
import { KnowrecError } from '../core/errors';
import { SemanticScorer } from '../core/models/semantic';
import { SemanticFtScorer } from '../core/models/semantic-ft';
import { kgFactSource, type TokenCounter } from '../core/text';
import type { Adapter } from '../core/train/adapter';
import type { RelevanceLabel } from '../core/train/pairs';
import type { EpochRecord, TrainParams, TrainResult } from '../core/train/trainer';
import { trainAdapterInWorker } from '../core/train/worker';
import { defaultAdapterRoot, saveAdapter, versionName, type AdapterMeta } from '../core/train/versions';
import { KgIndex } from '../core/kg';
import type { Dataset, Progress, Scorer } from '../core/types';
import { openDataset, type OpenDatasetOptions } from './dataset';
import { fitContext } from './evaluate';
import { ADAPTER_ROOTS_META_KEY, recordFolder } from './forget';
import { ModelEnv } from './model-factory';
import { dataHash } from './snapshot';

export interface FinetuneJobOptions extends Omit<OpenDatasetOptions, 'dataset'> {
  /** Registry name (e.g. ml-100k) or an in-memory dataset. */
  readonly dataset?: string | Dataset;
  /** Relevance labels over dense indices of the dataset. */
  readonly labels?: readonly RelevanceLabel[];
  readonly params?: Partial<TrainParams>;
  /** The version folder to write; default `<defaultAdapterRoot(dataset)>/<version name>`. */
  readonly outDir?: string;
  /** Split and training seed (default 2020). */
  readonly seed?: number;
  readonly onEpoch?: (r: EpochRecord) => void;
  /** An interrupted run: its version folder (checkpoint beside it) or the checkpoint file. */
  readonly resumeFrom?: string;
  /** Train in a worker thread (default true). */
  readonly inWorker?: boolean;
  /** Encoder to use instead of the prepared ONNX model (tests). */
  readonly encoder?: Encoder;
  readonly countTokens?: TokenCounter;
  readonly encoderVariant?: 'fp32' | 'int8';
  readonly modelDir?: string;
  /** Prepared encoder by name (`knowrec models`) when modelDir is not given. */
  readonly textModel?: string;
  readonly lang?: string;
  readonly sentenceCuts?: number;
  readonly maxPairsPerUser?: number;
}

export interface FinetuneResult {
  readonly dir: string;
  readonly version: string;
  readonly adapter: Adapter;
  readonly meta: AdapterMeta;
  readonly train: TrainResult;
  /** Frozen semantic and fine-tuned validation NDCG@10 (full ranking, train excluded). */
  readonly validNdcg: { readonly semantic: number; readonly semanticFt: number };
}

/** Where an out folder's checkpoint lives. */
export function checkpointPathFor(outDir: string): string {
  return `${resolve(outDir)}.checkpoint.bin`;
}

function resolveResume(resumeFrom: string): { checkpoint: string; outDir: string | undefined } {
  const abs = resolve(resumeFrom);
  if (existsSync(abs) && statSync(abs).isFile()) {
    return { checkpoint: abs, outDir: abs.endsWith('.checkpoint.bin') ? abs.slice(0, -'.checkpoint.bin'.length) : undefined };
  }
  const ck = checkpointPathFor(abs);
  if (!existsSync(ck)) {
    throw new KnowrecError('not-found', 'no checkpoint to resume from', { file: ck }, 'pass the --out folder of an interrupted run, or its .checkpoint.bin file');
  }
  return { checkpoint: ck, outDir: abs };
}

/** The dataset given in memory, or opened by name or folder (with its workspace file). */
function loadDataset(opts: FinetuneJobOptions): { dataset: Dataset; workspace: string | null } {
  if (typeof opts.dataset === 'object') return { dataset: opts.dataset, workspace: null };
  const opened = openDataset({ ...opts, dataset: opts.dataset });
  return { dataset: opened.dataset, workspace: opened.workspace };
}

/** What a version's adapter.json records: data, seed, parameters, labels, protocol, curve. */
function adapterMeta(
  dataset: Dataset,
  seed: number,
  base: SemanticScorer,
  train: TrainResult,
  labels: readonly RelevanceLabel[],
  trainSeconds: number,
  created: Date,
): AdapterMeta {
  return {
    format: 'knowrec-adapter/1',
    config: train.adapter.config,
    dataset: dataset.name,
    data_sha256: dataHash(dataset),
    seed,
    base: base.params(),
    params: train.params,
    labels: {
      positive: labels.filter((l) => l.value === 1).length,
      negative: labels.filter((l) => l.value === 0).length,
      sha256: labelsHash(labels),
    },
    protocol: { name: 'recbole', seed, note: 'pairs from the train split, early stopping on the valid split; the test split is not used' },
    metrics: {
      initial_valid_ndcg: train.initialValidNdcg,
      best_valid_ndcg: train.bestValidNdcg,
      best_epoch: train.bestEpoch,
      curve: train.history,
      stopped_early: train.stoppedEarly,
      pairs: train.pairs,
      train_seconds: Math.round(trainSeconds * 10) / 10,
    },
    created: created.toISOString(),
  };
}

export async function runFinetune(opts: FinetuneJobOptions): Promise<FinetuneResult> {
  const progress = opts.onProgress ?? ((): void => undefined);
  const seed = opts.seed ?? 2020;
  const { dataset, workspace } = loadDataset(opts);
  const resume = opts.resumeFrom !== undefined ? resolveResume(opts.resumeFrom) : undefined;
  const created = new Date();
  const version = versionName(created, seed);
  const outDir = resolve(opts.outDir ?? resume?.outDir ?? join(defaultAdapterRoot(dataset.name), version));
  const checkpointPath = checkpointPathFor(outDir);

  const nItems = dataset.itemIds.length;
  progress({ stage: 'split', message: `recbole, seed ${seed}`, code: 'splitSeed', params: { protocol: 'recbole', seed } });
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, nItems, 'recbole', seed);
  const ctx = fitContext(dataset, split, seed, opts.signal, opts.onProgress);
  const validNdcg = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10], { signal: opts.signal }).metrics['ndcg@10'];

  const env = opts.encoder === undefined ? new ModelEnv({ workspace, variant: opts.encoderVariant, lang: opts.lang, modelDir: opts.modelDir, textModel: opts.textModel }) : null;
  try {
    const encoder = opts.encoder ?? (await (env as ModelEnv).getEncoder());
    const countTokens = opts.countTokens ?? env?.countTokens();
    const popularity = new Float32Array(nItems);
    for (let i = 0; i < split.train.item.length; i++) popularity[split.train.item[i]]++;
    const base = new SemanticScorer({
      encoder,
      lang: opts.lang,
      facts: kgFactSource(env !== null ? env.kgIndex(ctx) : new KgIndex(dataset), { popularity }),
      countTokens,
      validate: validNdcg,
    });
    progress({ stage: 'semantic', message: 'fitting the frozen semantic scorer', code: 'frozenSemantic' });
    await base.fit(ctx);
    const t0 = performance.now();
    const ft = new SemanticFtScorer({
      base,
      encoder,
      lang: opts.lang,
      countTokens,
      labels: opts.labels,
      params: opts.params,
      // a saved version is applied to the base's user vectors (useAdapter), so it trains on them
      blendGrid: [base.vectors().blend],
      sentenceCuts: opts.sentenceCuts,
      maxPairsPerUser: opts.maxPairsPerUser,
      trainer: opts.inWorker === false ? undefined : trainAdapterInWorker,
      checkpointPath,
      resumeFrom: resume?.checkpoint,
      onEpoch: opts.onEpoch,
    });
    await ft.fit(ctx);
    const train = ft.trainResult();
    if (train === null) throw new KnowrecError('internal', 'fine-tune: the scorer trained nothing');
    const meta = adapterMeta(dataset, seed, base, train, opts.labels ?? [], (performance.now() - t0) / 1000, created);
    saveAdapter(outDir, train.adapter, meta);
    // so that forgetting a user reaches this version too
    if (workspace !== null) recordFolder(workspace, ADAPTER_ROOTS_META_KEY, dirname(outDir));
    rmSync(checkpointPath, { force: true });
    progress({ stage: 'finetune', message: `saved ${outDir}`, code: 'saved', params: { dir: outDir } });
    return {
      dir: outDir,
      version: outDir.split(/[\\/]/).pop() ?? version,
      adapter: train.adapter,
      meta,
      train,
      validNdcg: { semantic: validNdcg(base), semanticFt: validNdcg(ft) },
    };
  } finally {
    await env?.close();
  }
}

/** Progress lines for per-epoch output (CLI). */
export function formatEpoch(r: EpochRecord): string {
  return `epoch ${String(r.epoch).padStart(3)}  loss ${r.loss.toFixed(4)}  valid ndcg@10 ${r.validNdcg.toFixed(4)}  ${r.seconds.toFixed(1)} s`;
}

export type { Progress };

/** SHA-256 of the labels as sorted "user item value" lines (order of entry does not matter). */
export function labelsHash(labels: readonly { readonly user: number; readonly item: number; readonly value: number }[]): string {
  const lines = labels.map((l) => `${l.user} ${l.item} ${l.value}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
