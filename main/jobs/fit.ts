/**
 * The fit job: fit every source on the training split (hyper-parameters tuned on validation),
 * learn the hybrid fusion on validation, then write a serving snapshot: for every user the top-K
 * unseen items with scores and explanations, plus the manifest (data, protocol, parameters,
 * validation and test metrics). A later `recommend` reads the snapshot without refitting.
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
import type { Csr, Dataset, Scorer } from '../core/types';
import { openDataset, type OpenDatasetOptions } from './dataset';
import { fitContext } from './evaluate';
import { fitModel, jobModelEnv, type FittedModel } from './model-factory';
import { recordFolder, SNAPSHOTS_META_KEY } from './forget';
import { dataHash, saveSnapshot, SNAPSHOT_FORMAT, type Snapshot, type SnapshotItem, type SnapshotManifest } from './snapshot';
import { validationUsers } from '../core/models/scale';

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
  /** Explain only these users' recommendations (default: all). */
  readonly explainUsers?: readonly string[];
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
    progress({ stage: 'explain', message: `top-${opts.k} with explanations for every user`, code: 'explainTop', params: { k: opts.k } });
    const recommendations = await explainTopK({
      dataset,
      trainCsr: ctx.trainCsr,
      fitted: cache,
      hybrid,
      kg: env.kgIndex(ctx),
      k: opts.k,
      lang: opts.lang,
      users: opts.explainUsers,
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
  /** User ids to do (default all). */
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
  const wanted = o.users !== undefined ? new Set(o.users) : null;
  const out: Record<string, SnapshotItem[]> = {};
  for (let u = 0; u < dataset.userIds.length; u++) {
    if (u % 64 === 0) {
      throwIfAborted(o.signal);
      o.onProgress?.(u / dataset.userIds.length);
    }
    const uid = dataset.userIds[u];
    if (wanted !== null && !wanted.has(uid)) continue;
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

