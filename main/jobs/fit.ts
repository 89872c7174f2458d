/**
 * The fit job: fit every source on the training split (hyper-parameters tuned on validation),
 * learn the hybrid fusion on validation, then write a serving snapshot: for every user the top-K
 * unseen items with scores and explanations, plus the manifest (data, protocol, parameters,
 * validation and test metrics). A later `recommend` reads the snapshot without refitting.
 *
 * Saving is atomic: the snapshot is written to a temporary folder beside DIR and swapped in by
 * renames, so a crash mid-save leaves the previous model intact.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KnowrecError, throwIfAborted } from '../core/errors';
import { evaluateSplit, splitInteractions } from '../core/eval';
import { rowIndices, rowValues, toCsr } from '../core/matrix';
import { KgProfileScorer } from '../core/models/kg-profile';
import { SemanticScorer } from '../core/models/semantic';
import { coInteractionCounter, explainRecommendation, HybridScorer, type Explanation, type ReasonLang } from '../core/rank';
import { topK } from '../core/topk';
import type { KgIndex } from '../core/kg';
import type { Csr, Dataset, Scorer } from '../core/types';
import { openDataset, type OpenDatasetOptions } from './dataset';
import { fitContext } from './evaluate';
import { fitModel, ModelEnv, type FittedModel } from './model-factory';

export const SNAPSHOT_FORMAT = 'knowrec-snapshot/1';

export interface FitJobOptions extends OpenDatasetOptions {
  readonly out?: string;
  readonly seed: number;
  /** Items kept per user in the snapshot. */
  readonly k: number;
  readonly lang: ReasonLang;
  readonly encoderVariant?: 'fp32' | 'int8';
  readonly modelDir?: string;
  /** Explain only these users' recommendations (default: all). */
  readonly explainUsers?: readonly string[];
}

export interface SnapshotItem {
  readonly item: string;
  readonly title: string;
  readonly score: number;
  readonly explanation: Explanation;
}

export interface SnapshotManifest {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly dataset: string;
  readonly data_sha256: string;
  readonly model: 'hybrid';
  readonly protocol: { name: 'recbole'; seed: number; note: string };
  readonly k: number;
  readonly lang: ReasonLang;
  readonly users: number;
  readonly items: number;
  readonly params: Readonly<Record<string, Readonly<Record<string, number | string | boolean>>>>;
  readonly metrics: { readonly valid: Record<string, number>; readonly test: Record<string, number> };
  readonly fit_seconds: number;
  readonly created: string;
}

export interface Snapshot {
  readonly manifest: SnapshotManifest;
  readonly recommendations: Readonly<Record<string, readonly SnapshotItem[]>>;
}

/** Default snapshot folder of a registry dataset: `<cache>/knowrec/models/<name>`. */
export function defaultModelPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'knowrec', 'models', name);
}

/** A content hash of the interactions and ids, so a snapshot can tell it was fitted on this data. */
export function dataHash(d: Dataset): string {
  const h = createHash('sha256');
  h.update(d.name);
  h.update(JSON.stringify([d.userIds.length, d.itemIds.length]));
  for (const a of [d.interactions.user, d.interactions.item, d.interactions.rating, d.interactions.timestamp]) {
    h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
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
  const env = new ModelEnv({ workspace, variant: opts.encoderVariant, lang: opts.lang, modelDir: opts.modelDir });
  const cache = new Map<string, Promise<FittedModel>>();
  const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10], { signal: opts.signal }).metrics['ndcg@10'];
  try {
    progress({ stage: 'fit', message: 'sources and fusion (tuned on validation)' });
    const fitted = await fitModel('hybrid', ctx, { tune: true, validate, env, cache });
    const hybrid = fitted.scorer;
    if (!(hybrid instanceof HybridScorer)) throw new KnowrecError('internal', 'hybrid fit returned another scorer');
    const valid = evaluateSplit(hybrid, split, 'valid', [10]).metrics;
    const test = evaluateSplit(hybrid, split, 'test', [10]).metrics;
    const params: Record<string, Readonly<Record<string, number | string | boolean>>> = {};
    for (const [name, p] of cache) params[name] = (await p).scorer.params();
    progress({ stage: 'explain', message: `top-${opts.k} with explanations for every user` });
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
      model: 'hybrid',
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
  let semantic: SemanticScorer | null = null;
  let kgProfile: KgProfileScorer | null = null;
  for (const p of o.fitted.values()) {
    const f = await p;
    if (f.scorer instanceof SemanticScorer) semantic = f.scorer;
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
        kgProfile: kgProfile ?? undefined,
        itemVectors: sem !== null ? (j: number) => sem.itemVector(j) : undefined,
        coLiked,
      }),
    }));
  }
  return out;
}

/** Writes the snapshot into DIR through a temporary folder and renames (atomic swap). */
export function saveSnapshot(dir: string, snap: Snapshot): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    writeFileSync(join(tmp, 'recommendations.json'), JSON.stringify(snap.recommendations));
    // the manifest goes last: a folder with a manifest is complete
    writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(snap.manifest, null, 2)}\n`);
    const old = join(parent, `.${basename(dir)}.old-${process.pid}-${Date.now()}`);
    const hadOld = existsSync(dir);
    if (hadOld) renameSync(dir, old);
    renameSync(tmp, dir);
    if (hadOld) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export function loadSnapshot(dir: string): Snapshot {
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) {
    throw new KnowrecError('not-found', 'no fitted model here (manifest.json is missing)', { file: dir }, 'run `knowrec fit --dataset NAME --out DIR` first');
  }
  const manifest = JSON.parse(readFileSync(mf, 'utf8')) as SnapshotManifest;
  if (manifest.format !== SNAPSHOT_FORMAT) {
    throw new KnowrecError('validation', `unknown model format '${String(manifest.format)}'`, { file: mf }, `refit with this version (expects ${SNAPSHOT_FORMAT})`);
  }
  const recommendations = JSON.parse(readFileSync(join(dir, 'recommendations.json'), 'utf8')) as Record<string, SnapshotItem[]>;
  return { manifest, recommendations };
}
