/**
 * The state the Api's method groups share: the open workspace, its cached dataset and KG index,
 * its job runner, the serving snapshot, and the event stream. api-impl.ts builds it;
 * api-impl-*.ts use it.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KnowrecError } from './core/errors';
import { KgIndex } from './core/kg';
import { Workspace } from './core/store';
import type { Dataset } from './core/types';
import type { Encoder } from './core/encode/types';
import { defaultModelPath, loadSnapshot, type Snapshot } from './jobs/snapshot';
import { defaultAdapterRoot } from './core/train/versions';
import type { JobExecutor, JobRunner } from './jobs/runner';
import { ok, toApiError, type ApiEvent, type ItemRow, type ListItemsRequest, type ListUsersRequest, type Page, type Result, type UserRow, type WorkspaceSummary } from './api';

type MaybePromise<T> = T | Promise<T>;

/** What the store's summary() returns (WorkspaceSummary without the path). */
export type WorkspaceCounts = Omit<WorkspaceSummary, 'path'>;

/** The part of the store's Workspace the Api needs (the real Workspace adds jobs, runs, labels…). */
export interface WorkspaceLike {
  summary(): MaybePromise<WorkspaceCounts>;
  close(): void;
  /** Paged item listing done by the store (SQL); when absent, the dataset is loaded once and paged here. */
  listItems?(request: ListItemsRequest): MaybePromise<Page<ItemRow>>;
  listUsers?(request: ListUsersRequest): MaybePromise<Page<UserRow>>;
  loadDataset?(): MaybePromise<Dataset>;
}

/** Opens (or creates) the workspace at an absolute path; throws KnowrecError when it cannot. */
export type OpenWorkspace = (path: string) => MaybePromise<WorkspaceLike>;

export interface ApiImplOptions {
  readonly open: OpenWorkspace;
  /** Workspace opened on the first call that needs one; null: none until openWorkspace. */
  readonly workspacePath: string | null;
  /** The app's version (package.json). */
  readonly appVersion: string;
  /**
   * Folder of the serving snapshot `recommend` reads (written by `knowrec fit --out DIR` or a fit
   * job). Default: the dataset's default model folder, `defaultModelPath(<dataset name>)`.
   */
  readonly modelDir?: string;
  /**
   * Folder of the fine-tuned adapter versions (one sub-folder per version, active.json).
   * Default: `defaultAdapterRoot(<dataset name>)` in the user cache.
   */
  readonly adapterDir?: string;
  /** How jobs run: default in a worker thread per job (see main/jobs/job-worker-host.ts). */
  readonly executor?: JobExecutor;
  /** Wait after a cancel before a job's worker is terminated (ms, default 2000). */
  readonly cancelGraceMs?: number;
  /**
   * Text encoder for recommendQuery (free-text queries, similarity to picks). Default: the
   * prepared ONNX encoder in a worker thread, started on first use. Tests pass a small fake.
   */
  readonly encoder?: () => Promise<Encoder>;
}

/** What text queries need: the encoder and, when known, its token counter (for sentence budgets). */
export interface TextTools {
  readonly encoder: Encoder;
  readonly countTokens?: (text: string) => number;
}

export interface Opened {
  readonly path: string;
  readonly ws: WorkspaceLike;
  dataset: Promise<Dataset> | null;
  kg: Promise<KgIndex> | null;
  /** Hash of the dataset's interactions, to tell whether a snapshot was fitted on it. */
  hash: string | null;
  /** The job runner (real workspaces only). */
  runner: JobRunner | null;
  /** Per-dataset caches of the method groups (dropped with the dataset). */
  readonly memo: Map<string, unknown>;
}

export interface LoadedSnapshot {
  readonly dir: string;
  /** manifest.json's modification time when read; a refit replaces the folder. */
  readonly stamp: number;
  readonly snapshot: Snapshot;
}

export interface ApiContext {
  readonly options: ApiImplOptions;
  ensureOpen(): Promise<Opened>;
  datasetOf(o: Opened): Promise<Dataset>;
  kgOf(o: Opened): Promise<KgIndex>;
  runner(o: Opened): JobRunner;
  /** The serving snapshot of `dataset` (reloaded when the folder changed). */
  snapshotFor(dataset: string): LoadedSnapshot;
  modelDirFor(dataset: string): string;
  /** Folder of the dataset's adapter versions. */
  adapterRootFor(dataset: string): string;
  /** Drops the cached dataset and KG index and tells every listener the workspace changed. */
  changed(o: Opened): Promise<void>;
  summaryOf(o: Opened): Promise<WorkspaceSummary>;
  emit(event: ApiEvent): void;
  /** The encoder for text queries (started on first use, closed with the Api). */
  textTools(o: Opened): Promise<TextTools>;
}

export async function guard<T>(work: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (e) {
    return { ok: false, error: toApiError(e) };
  }
}

export function requireStore(o: Opened, what: string): Workspace {
  if (o.ws instanceof Workspace) return o.ws;
  throw new KnowrecError('internal', `this workspace cannot ${what}`, { file: o.path }, 'open a workspace .sqlite file');
}

/** Reads (and caches) the serving snapshot in `dir`. */
export function snapshotLoader(modelDirFor: (dataset: string) => string, given: string | undefined): (dataset: string) => LoadedSnapshot {
  let loaded: LoadedSnapshot | null = null;
  return (dataset) => {
    const dir = resolve(modelDirFor(dataset));
    let stamp: number;
    try {
      stamp = statSync(resolve(dir, 'manifest.json')).mtimeMs;
    } catch {
      const how = given === undefined ? `knowrec fit --dataset ${dataset}` : `knowrec fit --dataset ${dataset} --out ${dir}`;
      throw new KnowrecError(
        'not-found',
        `no fitted model for dataset ${dataset} (no manifest.json)`,
        { file: dir },
        `start a fit job (Fit in the workbench) or run \`${how}\` first, then ask again`,
      );
    }
    if (loaded === null || loaded.dir !== dir || loaded.stamp !== stamp) loaded = { dir, stamp, snapshot: loadSnapshot(dir) };
    return loaded;
  };
}

export function defaultAdapterRootFor(options: ApiImplOptions): (dataset: string) => string {
  return (dataset) => resolve(options.adapterDir ?? defaultAdapterRoot(dataset));
}

export function defaultModelDirFor(options: ApiImplOptions): (dataset: string) => string {
  return (dataset) => resolve(options.modelDir ?? defaultModelPath(dataset));
}

/** A per-dataset cache entry of `o` (cleared when the dataset changes). */
export function memo<T>(o: Opened, key: string, make: () => T): T {
  if (o.memo.has(key)) return o.memo.get(key) as T;
  const v = make();
  o.memo.set(key, v);
  return v;
}

const positions = new WeakMap<readonly string[], Map<string, number>>();

/** Position of `id` in `ids` (a map built once per id list), -1 when absent. */
export function positionOf(ids: readonly string[], id: string): number {
  let m = positions.get(ids);
  if (m === undefined) {
    m = new Map(ids.map((v, i) => [v, i]));
    positions.set(ids, m);
  }
  return m.get(id) ?? -1;
}

/** The dense index of a user id, or a 'not-found' error that says what to do. */
export function userIndex(ds: Dataset, id: string): number {
  const u = positionOf(ds.userIds, id);
  if (u < 0) throw new KnowrecError('not-found', `no user with id "${id}" in dataset ${ds.name}`, {}, `pick one of the ${ds.userIds.length} users listed in the workspace`);
  return u;
}

export function itemIndex(ds: Dataset, id: string): number {
  const i = positionOf(ds.itemIds, id);
  if (i < 0) throw new KnowrecError('not-found', `no item with id "${id}" in dataset ${ds.name}`, {}, 'search for the item by its title first');
  return i;
}
