/**
 * The evaluation job: open a dataset, split it by protocol and seed, tune each model on the
 * validation split, fit on train, and score valid and test with full ranking. Produces the
 * results file (protocol written in) that the CLI prints and saves.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { KnowrecError, throwIfAborted } from '../core/errors';
import {
  coldItemRecall,
  evaluateSplit,
  exportRecboleSplit,
  filterByRating,
  filterKCore,
  headItemMask,
  importRecboleSplit,
  itemCounts,
  splitInteractions,
  type EvalReport,
  type SplitProtocol,
  SPLIT_PROTOCOLS,
} from '../core/eval';
import { toCsr } from '../core/matrix';
import type { Dataset, FitContext, Interactions, Progress, Scorer, Split } from '../core/types';
import { openDataset, type OpenDatasetOptions } from './dataset';
import { modelEntry, modelNames } from '../core/models/registry';
import { fitModel, jobModelEnv, type FittedModel, type ModelEnv } from './model-factory';
import { analyseEvaluation, BEYOND_TEXT, STATISTICS_TEXT, type Comparison, type ModelAnalysis } from './evaluate-analysis';
import { itemVectorsOf } from './evaluate-vectors';
import { PROTOCOL_TEXT } from './report-messages';
import { FIDELITY_PROTOCOL, fidelityData, modelFidelity, type FidelityData, type FidelityJobOptions, type ModelFidelity } from './fidelity';
import { validationUsers } from '../core/models/scale';

export interface EvaluateJobOptions extends OpenDatasetOptions {
  readonly protocol: SplitProtocol;
  readonly models: readonly string[];
  readonly seed: number;
  readonly k: number;
  /** Extra cut-offs reported beside `k`. */
  readonly extraKs?: readonly number[];
  /** Tune hyper-parameters on the validation split (default true). */
  readonly tune?: boolean;
  readonly minRating?: number;
  readonly kcore?: number;
  /** Encoder variant for text scorers (default fp32). */
  readonly encoderVariant?: 'fp32' | 'int8';
  /** Sentence language for text scorers (default en). */
  readonly lang?: string;
  /** Encoder folder (model.onnx + tokenizer.json); default the prepared all-MiniLM-L6-v2. */
  readonly modelDir?: string;
  /** Prepared encoder by name (`knowrec models`) when modelDir is not given. */
  readonly textModel?: string;
  /** Read the split from RecBole benchmark files `<dataset>.{train,valid,test}.inter` here. */
  readonly splitDir?: string;
  /**
   * Folder of fine-tuned adapter versions: `semantic-ft`/`hybrid-ft` use the active one when it
   * was trained on this split (see usableActiveAdapter), else train their own on it.
   */
  readonly adapterRoot?: string;
  /** Write the split as RecBole benchmark files here (so another system runs on it). */
  readonly exportSplitDir?: string;
  /**
   * Also report the long-tail slice of the test split (`long_tail_test`): test targets whose item
   * is outside the head, the top 20% of items by training interactions (the same head as the
   * long-tail share metric). The ranking is unchanged; only those targets count. Default false.
   */
  readonly longTailSlice?: boolean;
  /**
   * Also measure how faithful each explaining model's explanations are (jobs/fidelity.ts) on this
   * many seeded test users' top-`k` (`results.<model>.fidelity`). `topContributors` adds the
   * plain top-3-contributors row.
   */
  readonly explainFidelity?: { readonly users: number; readonly topContributors?: boolean; readonly onPartial?: FidelityJobOptions['onPartial'] };
}

export interface ModelResult {
  readonly test: Record<string, number>;
  readonly valid: Record<string, number>;
  /** Cold-item slice of the test split (protocol cold-items only). */
  readonly cold_test?: Record<string, number>;
  /** Long-tail slice of the test split (see EvaluateJobOptions.longTailSlice). */
  readonly long_tail_test?: Record<string, number>;
  readonly fit_seconds: number;
  readonly tune_seconds: number;
  readonly score_seconds: number;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly tuning: readonly { params: Readonly<Record<string, number | string | boolean>>; valid_ndcg: number }[];
  /** Hybrids: seconds for the sources (fit + tuning) and for learning the fusion on validation. */
  readonly source_seconds?: number;
  readonly fusion_seconds?: number;
  /** Bootstrap 95% intervals of the per-user test metrics @K (see evaluate-analysis.ts). */
  readonly ci95?: ModelAnalysis['ci95'];
  /** Test metrics @K within user slices (`gender=F`, `age=18-24`, `activity=q1`, `popularity=tail`, …). */
  readonly slices?: ModelAnalysis['slices'];
  /** Per slice family: the best and worst slice by ndcg@K and their gap. */
  readonly slice_gaps?: ModelAnalysis['slice_gaps'];
  /** Explanation fidelity (EvaluateJobOptions.explainFidelity); absent for models that cannot explain. */
  readonly fidelity?: ModelFidelity;
}

export interface ResultsFile {
  readonly dataset: string;
  readonly protocol: {
    readonly name: SplitProtocol;
    readonly seed: number;
    readonly k: number;
    readonly exclude_seen: true;
    readonly candidates: 'all';
    readonly split: string;
    readonly exclusion: string;
    readonly tuning: string;
    readonly filters: {
      readonly min_rating: number | null;
      readonly kcore: number | null;
      /** What each filter removed (never silent). */
      readonly reports: readonly Readonly<Record<string, unknown>>[];
    };
    readonly metric_definitions: string;
    /** How comparisons, ci95 and slices are computed. */
    readonly statistics?: string;
    readonly beyond_accuracy?: string;
    /** How explanation fidelity was measured (with explainFidelity). */
    readonly fidelity?: string;
  };
  readonly data: { users: number; items: number; train: number; valid: number; test: number; cold_items: number };
  readonly results: Record<string, ModelResult>;
  /** Every pair of models on every accuracy metric @K: paired test, Holm-corrected, with a bootstrap interval. */
  readonly comparisons?: readonly Comparison[];
  /** What was not computed and why (e.g. ild_emb without a text model). */
  readonly notes?: readonly string[];
  readonly environment: { node: string; cpus: number; platform: string };
  readonly created: string;
}

const SPLIT_TEXT: Record<SplitProtocol, string> = {
  recbole: PROTOCOL_TEXT.splitRecbole.en,
  loo: PROTOCOL_TEXT.splitLoo.en,
  'cold-items': PROTOCOL_TEXT.splitCold.en,
};

export async function runEvaluation(opts: EvaluateJobOptions): Promise<ResultsFile> {
  return (await runEvaluationDetailed(opts)).results;
}

/** What an evaluation leaves behind for callers that go on (the demo explains recommendations). */
export interface EvaluationRun {
  readonly results: ResultsFile;
  readonly dataset: Dataset;
  readonly split: Split;
  /** The fitted models by name (sources of hybrids included). */
  readonly fitted: ReadonlyMap<string, Promise<FittedModel>>;
}

export async function runEvaluationDetailed(opts: EvaluateJobOptions): Promise<EvaluationRun> {
  if (!SPLIT_PROTOCOLS.includes(opts.protocol)) {
    throw new KnowrecError('config', `Unknown protocol '${opts.protocol}'`, {}, `use one of ${SPLIT_PROTOCOLS.join(', ')}`);
  }
  if (opts.models.length === 0) throw new KnowrecError('config', 'No models given', {}, `pass --models with some of ${modelNames().join(', ')}`);
  for (const m of opts.models) modelEntry(m); // an unknown name is a config error listing the known ones
  const progress = opts.onProgress ?? ((): void => undefined);
  const { dataset, workspace } = openDataset(opts);
  const env = jobModelEnv(workspace, opts, {
    protocol: opts.protocol,
    filtered: opts.minRating !== undefined || opts.kcore !== undefined || opts.splitDir !== undefined,
  });
  const { interactions, reports } = applyFilters(dataset, opts);
  let split: Split;
  if (opts.splitDir !== undefined) {
    progress({ stage: 'split', message: `reading RecBole split files from ${opts.splitDir}`, code: 'splitRead', params: { dir: opts.splitDir } });
    split = await importRecboleSplit(opts.splitDir, dataset.name, dataset.userIds, dataset.itemIds, { protocol: opts.protocol, seed: opts.seed });
  } else {
    progress({ stage: 'split', message: `${opts.protocol}, seed ${opts.seed}`, code: 'splitSeed', params: { protocol: opts.protocol, seed: opts.seed } });
    split = splitInteractions(interactions, dataset.userIds.length, dataset.itemIds.length, opts.protocol, opts.seed);
  }
  if (opts.exportSplitDir !== undefined) {
    const files = await exportRecboleSplit(split, opts.exportSplitDir, dataset.name, dataset.userIds, dataset.itemIds);
    progress({ stage: 'split', message: `wrote ${files.join(', ')}`, code: 'wrote', params: { files: files.join(', ') } });
  }
  const ks = [...new Set([opts.k, ...(opts.extraKs ?? [])])].sort((a, b) => a - b);
  const results: Record<string, ModelResult> = {};
  const cache = new Map<string, Promise<FittedModel>>();
  const testReports = new Map<string, EvalReport>();
  const fidelity = opts.explainFidelity !== undefined ? fidelityData(dataset, split, cache, env.kgIndex({ dataset })) : null;
  try {
    for (const name of opts.models) {
      throwIfAborted(opts.signal);
      progress({ stage: 'model', message: name });
      const { result, testReport } = await evaluateModel(name, dataset, split, ks, opts, env, cache);
      results[name] = fidelity !== null ? await withFidelity(result, name, fidelity, opts) : result;
      testReports.set(name, testReport);
    }
  } finally {
    await env.close();
  }
  progress({ stage: 'statistics', message: 'beyond-accuracy metrics, slices, paired tests', code: 'beyondAccuracy' });
  const analysis = analyseEvaluation({ dataset, split, k: opts.k, seed: opts.seed, reports: testReports, vectors: await itemVectorsOf(cache) });
  for (const [name, a] of Object.entries(analysis.models)) {
    const r = results[name];
    results[name] = { ...r, test: { ...r.test, ...a.test }, ci95: a.ci95, slices: a.slices, slice_gaps: a.slice_gaps };
  }
  const file: ResultsFile = {
    dataset: dataset.name,
    protocol: {
      name: opts.protocol,
      seed: opts.seed,
      k: opts.k,
      exclude_seen: true,
      candidates: 'all',
      split: opts.splitDir !== undefined ? `read from RecBole benchmark files in ${opts.splitDir}` : SPLIT_TEXT[opts.protocol],
      exclusion: PROTOCOL_TEXT.exclusion.en,
      tuning: opts.tune === false ? PROTOCOL_TEXT.tuningNone.en : PROTOCOL_TEXT.tuningValid.en,
      filters: { min_rating: opts.minRating ?? null, kcore: opts.kcore ?? null, reports },
      statistics: STATISTICS_TEXT,
      beyond_accuracy: BEYOND_TEXT,
      ...(opts.explainFidelity !== undefined ? { fidelity: FIDELITY_PROTOCOL } : {}),
      metric_definitions: PROTOCOL_TEXT.metrics.en,
    },
    data: {
      users: split.nUsers,
      items: split.nItems,
      train: split.train.user.length,
      valid: split.valid.user.length,
      test: split.test.user.length,
      cold_items: split.coldItems.length,
    },
    results,
    comparisons: analysis.comparisons,
    ...(analysis.notes.length > 0 ? { notes: analysis.notes } : {}),
    environment: { node: process.version, cpus: cpus().length, platform: `${process.platform}-${process.arch}` },
    created: new Date().toISOString(),
  };
  return { results: file, dataset, split, fitted: cache };
}

function applyFilters(dataset: Dataset, opts: EvaluateJobOptions): { interactions: Interactions; reports: Record<string, unknown>[] } {
  let x = dataset.interactions;
  const reports: Record<string, unknown>[] = [];
  if (opts.minRating !== undefined) {
    const r = filterByRating(x, opts.minRating);
    x = r.interactions;
    reports.push({ filter: 'min-rating', ...r.report });
  }
  if (opts.kcore !== undefined) {
    const r = filterKCore(x, dataset.userIds.length, dataset.itemIds.length, opts.kcore);
    x = r.interactions;
    reports.push({ filter: 'kcore', ...r.report });
  }
  return { interactions: x, reports };
}

/** The fit context of a split: train for fitting, valid for early stopping and tuning. */
export function fitContext(dataset: Dataset, split: Split, seed: number, signal?: AbortSignal, onProgress?: (p: Progress) => void): FitContext {
  return {
    dataset,
    nUsers: split.nUsers,
    nItems: split.nItems,
    train: split.train,
    trainCsr: toCsr(split.train, split.nUsers, split.nItems),
    valid: split.valid,
    seed,
    signal,
    onProgress,
  };
}

async function evaluateModel(
  name: string,
  dataset: Dataset,
  split: Split,
  ks: readonly number[],
  opts: EvaluateJobOptions,
  env: ModelEnv,
  cache: Map<string, Promise<FittedModel>>,
): Promise<{ result: ModelResult; testReport: EvalReport }> {
  const ctx = fitContext(dataset, split, opts.seed, opts.signal, opts.onProgress);
  // scale mode (core/models/scale.ts): early stopping and tuning score a seeded sample of validation users
  const validUsers = validationUsers(split.valid, ctx.nUsers, ctx.nItems, opts.seed);
  const validNdcg = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10], { signal: opts.signal, ...(validUsers !== undefined ? { users: validUsers } : {}) }).metrics['ndcg@10'];
  const fitted = await fitModel(name, ctx, { tune: opts.tune !== false, validate: validNdcg, validationUsers: validUsers, env, cache });
  const t0 = performance.now();
  const valid = evaluateSplit(fitted.scorer, split, 'valid', ks, { signal: opts.signal });
  const test = evaluateSplit(fitted.scorer, split, 'test', ks, { signal: opts.signal, keepPerUser: true, keepLists: true });
  const scoreSeconds = (performance.now() - t0) / 1000 / 2;
  let cold: EvalReport | undefined;
  if (split.coldItems.length > 0) cold = coldItemRecall(fitted.scorer, split, 'test', ks);
  const tail = opts.longTailSlice === true ? coldItemRecall(fitted.scorer, split, 'test', ks, longTailItems(split), { signal: opts.signal }) : undefined;
  const result: ModelResult = {
    test: round(test.metrics),
    valid: round(valid.metrics),
    ...(cold !== undefined ? { cold_test: round(cold.metrics) } : {}),
    ...(tail !== undefined ? { long_tail_test: round(tail.metrics) } : {}),
    fit_seconds: fitted.fitSeconds,
    tune_seconds: fitted.tuneSeconds,
    score_seconds: scoreSeconds,
    params: fitted.scorer.params(),
    tuning: fitted.tuning,
    ...(fitted.fusionSeconds !== undefined ? { source_seconds: fitted.sourceSeconds, fusion_seconds: fitted.fusionSeconds } : {}),
  };
  return { result, testReport: test };
}

/** The model's result with its explanation fidelity, when it can explain. */
async function withFidelity(r: ModelResult, name: string, data: FidelityData, opts: EvaluateJobOptions): Promise<ModelResult> {
  const f = opts.explainFidelity;
  const fitted = await data.fitted.get(name);
  if (f === undefined || fitted === undefined) return r;
  opts.onProgress?.({ stage: 'fidelity', message: name });
  const fidelity = await modelFidelity(fitted.scorer, data, {
    users: f.users,
    k: opts.k,
    seed: opts.seed,
    topContributors: f.topContributors,
    onPartial: f.onPartial,
    signal: opts.signal,
    onProgress: (fraction) => opts.onProgress?.({ stage: 'fidelity', message: name, fraction }),
  });
  return fidelity === null ? r : { ...r, fidelity };
}

/** Items outside the head: the top 20% of items by training interactions (headItemMask). */
export function longTailItems(split: Split): Int32Array {
  const head = headItemMask(itemCounts(split.train, split.nItems), 0.2);
  const out: number[] = [];
  for (let i = 0; i < split.nItems; i++) if (head[i] === 0) out.push(i);
  return Int32Array.from(out);
}

function round(m: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) out[k] = Math.round(v * 1e6) / 1e6;
  return out;
}
