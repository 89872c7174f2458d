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
import type { Dataset } from '../core/types';
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
import type { ApiImplOptions, WorkspaceLike } from './options';

export type { ApiImplOptions, MaybePromise, OpenWorkspace, WorkspaceCounts, WorkspaceLike } from './options';

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
  /**
   * The recording of the data hash off this thread (options.recordDataHash), started on first
   * ask when the workspace does not know the hash; null when it knows it or there is no such option.
   */
  dataHashJob(o: Opened): Promise<void> | null;
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
        else void this.dataHashJob(o);
        if (!small && (this.options.loadKgIndex === undefined || o.ws.kgStamp === undefined)) return;
        const kg = await this.kgOf(o);
        // what the explorer's first search and draw make once (search text, id maps), made here in
        // small steps, the views' calls answered between them (an index restored from the cache
        // file needs none: it reads its packed lists)
        await kg.prepare(() => new Promise((r) => setImmediate(r)));
      })().catch(() => undefined); // an empty workspace: the views say so when asked
    }, PREWARM_DELAY_MS);
    timer.unref();
  }

  dataHashJob(o: Opened): Promise<void> | null {
    const running = o.memo.get(DATA_HASH_JOB) as Promise<void> | undefined;
    if (running !== undefined) return running;
    const record = this.options.recordDataHash;
    const known = o.ws.dataHashState?.();
    if (record === undefined || known === undefined || known.sha256 !== null || known.differsFrom !== null) return null;
    // a failure leaves it to the view (it hashes the loaded dataset)
    const job = record(o.path).catch(() => undefined);
    o.memo.set(DATA_HASH_JOB, job);
    return job;
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

/** The memo key of the background recording of the data hash (a Promise<void>; see data-match.ts). */
const DATA_HASH_JOB = 'dataHashJob';

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
