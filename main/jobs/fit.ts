/**
 * The fit job: fit every source on the training split (hyper-parameters tuned on validation),
 * learn the hybrid fusion on validation, then write a serving snapshot: for each explained user
 * the top-K unseen items with scores and explanations, plus the manifest (data, protocol,
 * parameters, validation and test metrics, which users it explains and why). A later `recommend`
 * reads the snapshot without refitting. Every user is explained below scale mode; in it a seeded
 * sample, unless --users / --sample choose (explained-users.ts).
 *
 * Saving is atomic and durable (snapshot.ts): the manifest that names the new recommendations
 * file replaces the old one in one rename, so a crash mid-save leaves the previous model intact.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KnowrecError, throwIfAborted } from '../core/errors';
import { evaluateSplit, splitInteractions } from '../core/eval';
import { rowIndices, rowValues, toCsr } from '../core/matrix';
import { KgProfileScorer } from '../core/models/kg-profile';
import { SemanticScorer } from '../core/models/semantic';
import { SemanticFtScorer } from '../core/models/semantic-ft';
import { coInteractionCounter, explainRecommendation, HybridScorer, type ReasonLang } from '../core/rank';
import { topK } from '../core/topk';
import type { KgIndex } from '../core/kg';
import type { Csr, Dataset, Progress, Scorer } from '../core/types';
import { openDataset, type OpenDatasetOptions } from './dataset';
import { fitContext } from './evaluate';
import { fitModel, jobModelEnv, type FittedModel } from './model-factory';
import { recordFolder, SNAPSHOTS_META_KEY } from './forget';
import { dataHash, saveSnapshot, SNAPSHOT_FORMAT, type Snapshot, type SnapshotItem, type SnapshotManifest } from './snapshot';
import { validationUsers } from '../core/models/scale';
import { chooseExplainedUsers, type UsersExplained } from './explained-users';

export {
  dataHash,
  defaultModelPath,
  loadSnapshot,
  saveSnapshot,
  SNAPSHOT_FORMAT,
  type Snapshot,
  type SnapshotItem,
  type SnapshotManifest,
} from './snapshot';

export interface FitJobOptions extends OpenDatasetOptions {
  readonly out?: string;
  readonly seed: number;
  /** Items kept per user in the snapshot. */
  readonly k: number;
  readonly lang: ReasonLang;
  readonly encoderVariant?: 'fp32' | 'int8';
  readonly modelDir?: string;
  /** Prepared encoder by name (`knowrec models`) when modelDir is not given. */
  readonly textModel?: string;
  /** Explain exactly these users (ids of the dataset; unknown ones are an error before fitting). */
  readonly explainUsers?: readonly string[];
  /** Explain a seeded sample (the fit's seed) of this many users. Default: every user below scale mode, FIT_SAMPLE_USERS in it (explained-users.ts). */
  readonly explainSample?: number;
  /** Users explained besides a sample (the default one or --sample's). */
  readonly explainInclude?: readonly string[];
  /** Scale mode's threshold in user × item cells for the default above (tests; default SCALE_MODE_MIN_CELLS). */
  readonly scaleMinCells?: number;
  /** 'hybrid' (default) or 'hybrid-ft' (the fine-tuned text adapter as the text source). */
  readonly model?: 'hybrid' | 'hybrid-ft';
  /** Folder of adapter versions: hybrid-ft uses the active one when it was trained on this split. */
  readonly adapterRoot?: string;
}

export interface FitResult {
  readonly snapshot: Snapshot;
  readonly path: string | null;
  /** The fitted hybrid and what explanations need, for callers that go on (the demo). */
  readonly dataset: Dataset;
}

export async function runFit(opts: FitJobOptions): Promise<FitResult> {
  const progress = opts.onProgress ?? ((): void => undefined);
  const t0 = performance.now();
  const { dataset, workspace } = openDataset(opts);
  // before fitting: unknown --users ids fail now, not after the fit
  const chosen = chooseExplainedUsers(dataset.userIds, dataset.itemIds.length, opts.seed, { users: opts.explainUsers, sample: opts.explainSample, include: opts.explainInclude }, opts.scaleMinCells);
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', opts.seed);
  const ctx = fitContext(dataset, split, opts.seed, opts.signal, progress);
  const model = opts.model ?? 'hybrid';
  const env = jobModelEnv(workspace, opts, { protocol: 'recbole', filtered: false });
  const cache = new Map<string, Promise<FittedModel>>();
  // scale mode (core/models/scale.ts): early stopping and tuning score a seeded sample of validation users
  const validUsers = validationUsers(split.valid, ctx.nUsers, ctx.nItems, opts.seed);
  const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10], { signal: opts.signal, ...(validUsers !== undefined ? { users: validUsers } : {}) }).metrics['ndcg@10'];
  try {
    progress({ stage: 'fit', message: 'sources and fusion (tuned on validation)', code: 'fitSources' });
    const fitted = await fitModel(model, ctx, { tune: true, validate, validationUsers: validUsers, env, cache });
    const hybrid = fitted.scorer;
    if (!(hybrid instanceof HybridScorer)) throw new KnowrecError('internal', 'hybrid fit returned another scorer');
    const valid = evaluateSplit(hybrid, split, 'valid', [10]).metrics;
    const test = evaluateSplit(hybrid, split, 'test', [10]).metrics;
    const params: Record<string, Readonly<Record<string, number | string | boolean>>> = {};
    for (const [name, p] of cache) params[name] = (await p).scorer.params();
    progress(explainProgress(opts.k, chosen.explained));
    const recommendations = await explainTopK({
      dataset,
      trainCsr: ctx.trainCsr,
      fitted: cache,
      hybrid,
      kg: env.kgIndex(ctx),
      k: opts.k,
      lang: opts.lang,
      users: chosen.explained.mode === 'all' ? undefined : chosen.ids,
      signal: opts.signal,
      onProgress: (f) => progress({ stage: 'explain', fraction: f }),
    });
    const manifest: SnapshotManifest = {
      format: SNAPSHOT_FORMAT,
      dataset: dataset.name,
      data_sha256: dataHash(dataset),
      model,
      protocol: {
        name: 'recbole',
        seed: opts.seed,
        note: 'sources fitted on the train split, fusion learned on valid; recommendations exclude every item the user has interacted with',
      },
      k: opts.k,
      lang: opts.lang,
      users: dataset.userIds.length,
      users_explained: chosen.explained,
      items: dataset.itemIds.length,
      params,
      metrics: { valid, test },
      fit_seconds: Math.round((performance.now() - t0) / 100) / 10,
      created: new Date().toISOString(),
    };
    const snapshot: Snapshot = { manifest, recommendations };
    const path = opts.out !== undefined ? resolve(opts.out) : null;
    if (path !== null) saveSnapshot(path, snapshot);
    // so that forgetting a user reaches this snapshot too
    if (path !== null && workspace !== null) recordFolder(workspace, SNAPSHOTS_META_KEY, path);
    return { snapshot, path, dataset };
  } finally {
    await env.close();
  }
}

/** The explain stage's first progress line: which users, and how to choose others when sampled. */
function explainProgress(k: number, e: UsersExplained): Progress {
  if (e.mode === 'all') return { stage: 'explain', message: `top-${k} with explanations for every user`, code: 'explainTop', params: { k } };
  const params = { k, count: e.count.toLocaleString('en-US'), of: e.of.toLocaleString('en-US') };
  if (e.mode === 'list') return { stage: 'explain', message: `top-${k} with explanations for the ${params.count} users given (of ${params.of})`, code: 'explainList', params };
  const why = e.reason === 'scale-mode' ? 'scale mode; --users or --sample to choose' : '--sample';
  return { stage: 'explain', message: `top-${k} with explanations for a seeded sample of ${params.count} of ${params.of} users (${why})`, code: e.reason === 'scale-mode' ? 'explainSampleScale' : 'explainSample', params };
}

export interface ExplainTopKOptions {
  readonly dataset: Dataset;
  /** The training matrix the sources were fitted on (history for explanations). */
  readonly trainCsr: Csr;
  /** Fitted models of the job (the hybrid's sources among them). */
  readonly fitted: ReadonlyMap<string, Promise<FittedModel>>;
  readonly hybrid: HybridScorer;
  readonly kg: KgIndex;
  readonly k: number;
  readonly lang: ReasonLang;
  /** User ids to do (default all; ids not in the dataset are skipped). */
  readonly users?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number) => void;
}

/**
 * Top-K hybrid recommendations per user with explanations. Every item the user has interacted
 * with (in any split) is excluded: these are recommendations to act on, not an evaluation.
 */
export async function explainTopK(o: ExplainTopKOptions): Promise<Record<string, SnapshotItem[]>> {
  const { dataset } = o;
  let semantic: SemanticScorer | SemanticFtScorer | null = null;
  let kgProfile: KgProfileScorer | null = null;
  for (const p of o.fitted.values()) {
    const f = await p;
    if (f.scorer instanceof SemanticScorer || f.scorer instanceof SemanticFtScorer) semantic = f.scorer;
    if (f.scorer instanceof KgProfileScorer) kgProfile = f.scorer;
  }
  const all = toCsr(dataset.interactions, dataset.userIds.length, dataset.itemIds.length);
  const coLiked = coInteractionCounter(o.trainCsr);
  const sem = semantic;
  const users = usersToDo(dataset.userIds, o.users);
  const out: Record<string, SnapshotItem[]> = {};
  for (const [done, u] of users.entries()) {
    // a user's list takes seconds at the L size: cancel between users
    throwIfAborted(o.signal);
    if (done % 8 === 0) o.onProgress?.(done / users.length);
    const uid = dataset.userIds[u];
    const seen = new Uint8Array(dataset.itemIds.length);
    for (const i of rowIndices(all, u)) seen[i] = 1;
    const scores = o.hybrid.score(u);
    out[uid] = Array.from(topK(scores, o.k, seen), (i) => ({
      item: dataset.itemIds[i],
      title: dataset.items[i].title,
      score: Math.round(scores[i] * 1e4) / 1e4,
      explanation: explainRecommendation({
        hybrid: o.hybrid,
        user: u,
        item: i,
        dataset,
        kg: o.kg,
        trainHistory: (v) => ({ items: rowIndices(o.trainCsr, v), ratings: rowValues(o.trainCsr, v) }),
        lang: o.lang,
        k: o.k,
        excluded: seen,
        scores,
        kgProfile: kgProfile ?? undefined,
        itemVectors: sem !== null ? (j: number) => sem.itemVector(j) : undefined,
        coLiked,
      }),
    }));
  }
  return out;
}

/** Indices of `wanted` (dataset order; ids not in the dataset skipped), or of every user. */
function usersToDo(userIds: readonly string[], wanted: readonly string[] | undefined): number[] {
  if (wanted === undefined) return Array.from(userIds.keys());
  const want = new Set(wanted);
  return Array.from(userIds.keys()).filter((u) => want.has(userIds[u]));
}
