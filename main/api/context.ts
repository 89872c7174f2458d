/**
 * The state the Api's method groups share (ApiSession): the open workspace, its cached dataset
 * and KG index, its job runner, the serving snapshot, the text encoder and the event stream.
 * index.ts builds one per Api; methods/*.ts use it through ApiContext.
 */
import { watchModels } from './model-watch';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KnowrecError } from '../core/errors';
import { KgIndex } from '../core/kg';
import type { CatalogHistory, CatalogItem, CatalogPage, CatalogUser, DataHashState, JobRepository, KgEditStore, LabelStore, PseudonymKey, RunStore, UserStore } from '../core/store';
import type { ImportReport } from '../core/data';
import type { Dataset } from '../core/types';
import type { Encoder } from '../core/encode/types';
import type { QueryText } from '../core/rank';
import { defaultModelPath, loadSnapshot, type Snapshot } from '../jobs/snapshot';
import { defaultAdapterRoot } from '../core/train/versions';
import { ModelEnv } from '../jobs/model-factory';
import { JobRunner, type JobExecutor } from '../jobs/runner';
import { SqliteJobStore } from '../jobs/job-worker-store';
import { PathPolicy, folderName } from './paths';
import { workerExecutor } from '../jobs/job-worker-host';
import { hasCheckpoint } from '../jobs/job-worker-finetune';
import type { ApiEvent, WorkspaceSummary } from './contract';

type MaybePromise<T> = T | Promise<T>;

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

/** The end of a refusal's hint when the owner gives none (the bridge's flag). */
const DEFAULT_ALLOW_HINT = 'start `knowrec serve` with --data-root DIR to add a folder';

/** What text queries need: the encoder and, when known, its token counter (for sentence budgets). */
export type TextTools = QueryText;

export interface Opened {
  readonly path: string;
  readonly ws: WorkspaceLike;
  dataset: Promise<Dataset> | null;
  kg: Promise<KgIndex> | null;
  /** dataHash of the loaded dataset, to tell whether a snapshot was fitted on it. */
  hash: string | null;
  /** The data stamp read when the dataset's load started (null: unknown), for recordDataHash. */
  datasetStamp: string | null;
  /** The job runner. */
  runner: JobRunner | null;
  /**
   * Per-dataset caches of the method groups (dropped with the dataset; a value with a `dispose()`
   * method, such as the what-if engine and its worker, is disposed of then).
   */
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
  /** Closes the encoder for text queries: the next query starts the workspace's (new) text model. */
  resetTextTools(): void;
  /** `path` resolved, when it lies under the allowed roots; else throws the one refusal. */
  allowedPath(path: string): string;
}


/** The Api's state; one per createApi. */
export class ApiSession implements ApiContext {
  readonly snapshotFor: (dataset: string) => LoadedSnapshot;
  readonly modelDirFor: (dataset: string) => string;
  readonly adapterRootFor: (dataset: string) => string;
  private current: Opened | null = null;
  private stopWatch: (() => void) | null = null;
  /** The startup workspace, opened once even when several calls arrive together. */
  private startup: Promise<Opened> | null = null;
  private isClosed = false;
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private readonly executor: JobExecutor;
  private text: { env: ModelEnv | null; tools: Promise<TextTools> } | null = null;
  /** The paths openWorkspace and startImport may use. */
  readonly paths: PathPolicy;

  constructor(readonly options: ApiImplOptions) {
    this.paths = new PathPolicy(options.allowedRoots, options.allowHint ?? DEFAULT_ALLOW_HINT);
    if (options.workspacePath !== null) this.paths.allow(options.workspacePath);
    this.executor = options.executor ?? workerExecutor();
    this.modelDirFor = defaultModelDirFor(options);
    this.adapterRootFor = defaultAdapterRootFor(options);
    this.snapshotFor = snapshotLoader(this.modelDirFor, options.modelDir);
  }

  allowedPath(path: string): string {
    return this.paths.check(path);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Path of the open workspace, null when none is open. */
  currentPath(): string | null {
    return this.current?.path ?? null;
  }

  async ensureOpen(): Promise<Opened> {
    if (this.isClosed) throw new KnowrecError('internal', 'The Api was closed', {}, 'restart the workbench');
    if (this.current !== null) return this.current;
    if (this.options.workspacePath === null) {
      throw new KnowrecError('not-found', 'No workspace is open', {}, 'start with --workspace FILE, or open a workspace file');
    }
    if (this.startup === null) {
      this.startup = this.openAt(this.options.workspacePath).then(
        (o) => {
          if (this.current === null) this.current = o;
          else closeOpened(o);
          return this.current;
        },
        (e: unknown) => {
          this.startup = null; // let a later call retry (the file may have been fixed)
          throw e;
        },
      );
    }
    return this.startup;
  }

  /** Opens the workspace at `path` in place of the current one (kept when this fails). */
  async switchTo(path: string): Promise<Opened> {
    if (this.startup !== null) await this.startup.catch(() => undefined);
    if (this.current?.runner?.busy() === true) {
      throw new KnowrecError('config', 'a job is queued or running on the open workspace', { file: this.current.path }, 'wait for it to finish or cancel it, then open the other workspace');
    }
    const next = await this.openAt(path);
    const previous = this.current;
    this.current = next;
    if (previous !== null && previous.ws !== next.ws) closeOpened(previous);
    return next;
  }

  datasetOf(o: Opened): Promise<Dataset> {
    if (o.dataset === null) {
      const load = this.options.loadDataset;
      o.datasetStamp = o.ws.dataHashState?.().stamp ?? null;
      o.hash = null;
      const p = load !== undefined ? load(o.path) : Promise.resolve().then(() => o.ws.loadDataset());
      o.dataset = p;
      p.catch(() => {
        if (o.dataset === p) o.dataset = null;
      });
    }
    return o.dataset;
  }

  kgOf(o: Opened): Promise<KgIndex> {
    if (o.kg === null) {
      const load = this.options.loadKgIndex;
      const stamp = o.ws.kgStamp?.bind(o.ws);
      const p = load !== undefined && stamp !== undefined ? Promise.resolve().then(() => load(o.path, stamp())) : this.datasetOf(o).then((ds) => new KgIndex(ds));
      o.kg = p;
      p.catch(() => {
        if (o.kg === p) o.kg = null;
      });
    }
    return o.kg;
  }

  runner(o: Opened): JobRunner {
    if (o.runner === null) throw new KnowrecError('internal', 'this workspace cannot run jobs', { file: o.path }, 'open a workspace .sqlite file');
    return o.runner;
  }

  async summaryOf(o: Opened): Promise<WorkspaceSummary> {
    return { path: o.path, ...(await o.ws.summary()) };
  }

  emit(event: ApiEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // one listener's failure must not keep the event from the others
      }
    }
  }

  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    // the first listener starts the model watcher: fits and fine-tunes from the CLI reach the views too
    this.stopWatch ??= watchModels(
      () => {
        const name = this.current?.ws.getMeta('dataset') ?? null;
        return name === null ? null : { modelDir: this.modelDirFor(name), adapterRoot: this.adapterRootFor(name) };
      },
      (paths) => {
        const dataset = this.current?.ws.getMeta('dataset') ?? null;
        if (dataset !== null) this.emit({ type: 'model', dataset, dir: paths.modelDir });
      },
    );
    return () => {
      this.listeners.delete(listener);
    };
  }

  async changed(o: Opened): Promise<void> {
    o.dataset = null;
    o.kg = null;
    o.hash = null;
    clearMemo(o);
    if (this.current === o) this.emit({ type: 'workspace', summary: await this.summaryOf(o) });
  }

  textTools(o: Opened): Promise<TextTools> {
    if (this.text === null) {
      if (this.options.encoder !== undefined) {
        this.text = { env: null, tools: this.options.encoder().then((encoder) => ({ encoder })) };
      } else {
        const env = new ModelEnv({ workspace: o.path });
        this.text = { env, tools: env.getEncoder().then((encoder) => ({ encoder, countTokens: env.countTokens() })) };
      }
      const mine = this.text;
      mine.tools.catch(() => {
        if (this.text === mine) this.text = null;
        void mine.env?.close();
      });
    }
    return this.text.tools;
  }

  resetTextTools(): void {
    const t = this.text;
    this.text = null;
    if (t !== null) void t.tools.then(() => t.env?.close(), () => undefined);
  }

  close(): void {
    this.isClosed = true;
    this.stopWatch?.();
    this.stopWatch = null;
    if (this.current !== null) closeOpened(this.current);
    this.current = null;
    this.listeners.clear();
    const t = this.text;
    this.text = null;
    if (t !== null) void t.tools.then(() => t.env?.close(), () => undefined);
  }

  private async openAt(path: string): Promise<Opened> {
    const abs = resolve(path);
    const ws = await this.options.open(abs);
    const o: Opened = { path: abs, ws, dataset: null, kg: null, hash: null, datasetStamp: null, runner: null, memo: new Map() };
    try {
      o.runner = this.newRunner(o);
    } catch (e) {
      ws.close();
      throw e;
    }
    if (this.options.prewarm === true) this.prewarm(o);
    return o;
  }

  /** Loads the dataset and KG index of a small workspace once the views' first calls went out. */
  private prewarm(o: Opened): void {
    const timer = setTimeout(() => {
      void (async () => {
        if (this.isClosed || this.current !== o) return;
        const s = await o.ws.summary();
        const small = s.interactions + s.triples <= PREWARM_MAX_ROWS;
        if (small) void this.datasetOf(o).catch(() => undefined); // recommend and the queue need it too
        if (!small && (this.options.loadKgIndex === undefined || o.ws.kgStamp === undefined)) return;
        const kg = await this.kgOf(o);
        // what the explorer's first search and draw make once (search text, id maps), made here in
        // small steps (the cache file is read in steps too), the views' calls answered between them
        await kg.prepare(() => new Promise((r) => setImmediate(r)));
      })().catch(() => undefined); // an empty workspace: the views say so when asked
    }, PREWARM_DELAY_MS);
    timer.unref();
  }

  private newRunner(o: Opened): JobRunner {
    return new JobRunner({
      store: new SqliteJobStore(o.ws.openJobs()),
      execute: this.executor,
      emit: (job) => this.emit({ type: 'job', job }),
      graceMs: this.options.cancelGraceMs,
      resumable: (job) => job.kind === 'finetune' && (job.state === 'cancelled' || job.state === 'failed') && job.spec?.kind === 'finetune' && hasCheckpoint(job.spec.outDir),
      onSettled: (job) => {
        if (job.kind === 'import' && job.state === 'done') void this.changed(o).catch(() => undefined);
      },
    });
  }
}

/** Empties the caches, disposing of the values that hold resources (a worker). */
function clearMemo(o: Opened): void {
  const values = [...o.memo.values()];
  o.memo.clear();
  for (const v of values) {
    if (typeof v === 'object' && v !== null && 'dispose' in v && typeof v.dispose === 'function') (v as { dispose(): void }).dispose();
  }
}

function closeOpened(o: Opened): void {
  clearMemo(o);
  o.runner?.close();
  o.ws.close();
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
  return (dataset) => resolve(options.adapterDir ?? defaultAdapterRoot(folderName(dataset)));
}

export function defaultModelDirFor(options: ApiImplOptions): (dataset: string) => string {
  return (dataset) => resolve(options.modelDir ?? defaultModelPath(folderName(dataset)));
}

/** A per-dataset cache entry of `o` (cleared when the dataset changes). */
/** Workspaces up to this many interactions + triples are read right after they open (prewarm). */
export const PREWARM_MAX_ROWS = 2_000_000;
const PREWARM_DELAY_MS = 300;

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
