/**
 * What the Api is opened with (ApiImplOptions) and what it needs of a workspace (WorkspaceLike):
 * the store's Workspace satisfies it, tests pass fakes. Kept apart from context.ts, which holds
 * the session's state.
 */
import type { KgIndex } from '../core/kg';
import type { CatalogHistory, CatalogItem, CatalogPage, CatalogUser, DataHashState, JobRepository, KgEditStore, LabelStore, PseudonymKey, RunStore, UserStore } from '../core/store';
import type { ImportReport } from '../core/data';
import type { Dataset } from '../core/types';
import type { Encoder } from '../core/encode/types';
import type { JobExecutor } from '../jobs/runner';
import type { WorkspaceSummary } from './contract';

export type MaybePromise<T> = T | Promise<T>;

/** What the store's summary() returns (WorkspaceSummary without the path). */
export type WorkspaceCounts = Omit<WorkspaceSummary, 'path'>;

/**
 * What the Api needs of a workspace; the store's `Workspace` satisfies it (tests pass fakes).
 * Labels, KG edits, users and runs are the store's repositories.
 */
export interface WorkspaceLike {
  summary(): MaybePromise<WorkspaceCounts>;
  close(): void;
  /** The dataset with the KG edits applied. */
  loadDataset(): MaybePromise<Dataset>;
  /**
   * Paged reads of items, users and a user's history without loading the dataset (the store's
   * SQL, main/core/store/catalog.ts); when absent (test fakes) the Api reads the loaded dataset.
   */
  itemPage?(offset: number, limit: number, query?: string): CatalogPage<CatalogItem>;
  userPage?(offset: number, limit: number): CatalogPage<CatalogUser>;
  userHistory?(user: string, limit: number): CatalogHistory | null;
  /** Ids of the user's `limit` best-rated items, then catalog order; null for an unknown user (catalog.ts). */
  userTopItems?(user: string, limit: number): string[] | null;
  /**
   * The data stamp and what is known of the data's hash (Workspace.dataHashState), so that the
   * Api tells whether a snapshot was fitted on this data without loading it; when absent (test
   * fakes) the Api hashes the loaded dataset.
   */
  dataHashState?(): DataHashState;
  /** Records the hash of the data read at `stamp`; false when the data changed since. */
  recordDataHash?(stamp: string, sha256: string): boolean;
  /** Titles of the items with these ids (unknown ids left out), read from the tables. */
  itemTitles?(ids: readonly string[]): Map<string, string>;
  /** A mark of what the KG index is built from (Workspace.kgStamp); with it the Api can use loadKgIndex. */
  kgStamp?(): string;
  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;
  importReport(): ImportReport | null;
  readonly labels: LabelStore;
  readonly edits: KgEditStore;
  readonly users: UserStore;
  readonly runs: RunStore;
  /** The jobs table on a connection of its own (the job runner closes it). */
  openJobs(): JobRepository;
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
  /**
   * How the calls that need the whole dataset in memory (KG explorer, recommend, labeling queue)
   * get it, once per workspace and change: default `ws.loadDataset()` on the Api's thread; the
   * Electron app and `knowrec serve` pass `loadDatasetInWorker` (main/jobs/dataset-loader.ts),
   * so that the other calls keep answering while a big dataset is read.
   */
  readonly loadDataset?: (path: string) => Promise<Dataset>;
  /**
   * How the KG explorer (and the other users of the KG index) get the index without the dataset,
   * given the workspace's KG stamp: the app and `knowrec serve` pass `loadKgIndexCached`
   * (main/jobs/kg-index-loader.ts: the cache file beside the workspace, else built in a worker
   * and saved). Default: built on the Api's thread from the loaded dataset.
   */
  readonly loadKgIndex?: (path: string, stamp: string) => Promise<KgIndex>;
  /**
   * Reads the dataset and builds the KG index just after a workspace opens, when it is small
   * (≤ PREWARM_MAX_ROWS interactions + triples), so the KG explorer's first open finds them
   * ready; with loadKgIndex the KG index is loaded (or built in a worker) at any size. The app
   * and `knowrec serve` set it; default off.
   */
  readonly prewarm?: boolean;
  /**
   * Records the data hash of a large workspace that does not know it (imported before hashes were
   * recorded) off the Api's thread, started just after it opens with prewarm: the app and
   * `knowrec serve` pass `recordDataHashInWorker` (main/jobs/dataset-loader.ts); the
   * Recommendations view waits for it rather than loading the dataset. Default: none (the view
   * hashes the loaded dataset once).
   */
  readonly recordDataHash?: (path: string) => Promise<void>;
  /** How jobs run: default in a worker thread per job (see main/jobs/job-worker-host.ts). */
  readonly executor?: JobExecutor;
  /** Wait after a cancel before a job's worker is terminated (ms, default 2000). */
  readonly cancelGraceMs?: number;
  /**
   * Text encoder for recommendQuery (free-text queries, similarity to picks). Default: the
   * prepared ONNX encoder in a worker thread, started on first use. Tests pass a small fake.
   */
  readonly encoder?: () => Promise<Encoder>;
  /**
   * Folders (or single files) whose contents openWorkspace and startImport may use, checked with
   * symlinks resolved (see paths.ts); more are added with `allowPath`. The startup workspace is
   * always allowed. Undefined: any path (trusted in-process callers: tests, the CLI).
   */
  readonly allowedRoots?: readonly string[];
  /** How the user allows another folder, the end of a refusal's hint. */
  readonly allowHint?: string;
  /**
   * The pseudonym key (kept outside the workspace: a key file, the OS keychain), asked for when
   * a pseudonymized import (`create`: made when missing) or forgetting a user needs it.
   * Default: none (such calls say so).
   */
  readonly pseudonymKey?: (create: boolean) => PseudonymKey | undefined;
  /**
   * The what-if model (main/jobs/what-if-model.ts), fitted in the what-if worker when
   * `whatIfModel {fit: true}` asks: registry name (default 'hybrid'), split seed (default the
   * snapshot's, else 2020), tuning (default off).
   */
  readonly whatIf?: { readonly model?: string; readonly seed?: number; readonly tune?: boolean };
}
