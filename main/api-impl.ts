/**
 * The one implementation of the Api, over the core modules. Electron's IPC handlers, the
 * browser bridge and tests all call an object made by `createApi`.
 *
 * The store is reached through `WorkspaceLike`, which `Workspace` (main/core/store) satisfies;
 * main/index.ts and the CLI pass the opener (e.g. `(p) => Workspace.openOrCreate(p)`).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KnowrecError } from './core/errors';
import { KgIndex } from './core/kg';
import type { Dataset } from './core/types';
import { itemCardView, kgSearchView, kgSubgraphView, recommendView } from './api-views';
import { dataHash, defaultModelPath, loadSnapshot, type Snapshot } from './jobs/snapshot';
import {
  API_VERSION,
  fail,
  ok,
  toApiError,
  type Api,
  type ItemRow,
  type ListItemsRequest,
  type ListUsersRequest,
  type Page,
  type Result,
  type UserRow,
  type VersionInfo,
  type WorkspaceSummary,
} from './api';

type MaybePromise<T> = T | Promise<T>;

/** What the store's summary() returns (WorkspaceSummary without the path). */
export type WorkspaceCounts = Omit<WorkspaceSummary, 'path'>;

/** The part of the store's Workspace the Api needs. */
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
   * Folder of the serving snapshot `recommend` reads (written by `knowrec fit --out DIR`).
   * Default: the dataset's default model folder, `defaultModelPath(<dataset name>)`.
   */
  readonly modelDir?: string;
}

/** The Api plus lifecycle for its owner (the Electron main process or the bridge command). */
export interface ApiImpl extends Api {
  /** Path of the open workspace, null when none is open. */
  currentPath(): string | null;
  close(): void;
}

interface Opened {
  readonly path: string;
  readonly ws: WorkspaceLike;
  dataset: Promise<Dataset> | null;
  kg: Promise<KgIndex> | null;
  /** Hash of the dataset's interactions, to tell whether a snapshot was fitted on it. */
  hash: string | null;
}

interface LoadedSnapshot {
  readonly dir: string;
  /** manifest.json's modification time when read; a refit replaces the folder. */
  readonly stamp: number;
  readonly snapshot: Snapshot;
}

export function createApi(options: ApiImplOptions): ApiImpl {
  let current: Opened | null = null;
  /** The startup workspace, opened once even when several calls arrive together. */
  let startup: Promise<Opened> | null = null;
  let closed = false;

  const openAt = async (path: string): Promise<Opened> => {
    const abs = resolve(path);
    const ws = await options.open(abs);
    return { path: abs, ws, dataset: null, kg: null, hash: null };
  };

  const ensureOpen = async (): Promise<Opened> => {
    if (closed) throw new KnowrecError('internal', 'The Api was closed', {}, 'restart the workbench');
    if (current !== null) return current;
    if (options.workspacePath === null) {
      throw new KnowrecError('not-found', 'No workspace is open', {}, 'start with --workspace FILE, or open a workspace file');
    }
    if (startup === null) {
      const path = options.workspacePath;
      startup = openAt(path).then(
        (o) => {
          if (current === null) current = o;
          else o.ws.close();
          return current;
        },
        (e: unknown) => {
          startup = null; // let a later call retry (the file may have been fixed)
          throw e;
        },
      );
    }
    return startup;
  };

  const summaryOf = async (o: Opened): Promise<WorkspaceSummary> => ({ path: o.path, ...(await o.ws.summary()) });

  const datasetOf = (o: Opened): Promise<Dataset> => {
    const load = o.ws.loadDataset?.bind(o.ws);
    if (load === undefined) {
      return Promise.reject(new KnowrecError('internal', 'This workspace cannot list its contents', { file: o.path }, 'update the workbench'));
    }
    if (o.dataset === null) {
      o.dataset = Promise.resolve().then(load);
      o.dataset.catch(() => {
        o.dataset = null;
      });
    }
    return o.dataset;
  };

  const kgOf = (o: Opened): Promise<KgIndex> => {
    if (o.kg === null) {
      o.kg = datasetOf(o).then((ds) => new KgIndex(ds));
      o.kg.catch(() => {
        o.kg = null;
      });
    }
    return o.kg;
  };

  let loaded: LoadedSnapshot | null = null;
  const snapshotFor = (dataset: string): LoadedSnapshot => {
    const dir = resolve(options.modelDir ?? defaultModelPath(dataset));
    let stamp: number;
    try {
      stamp = statSync(resolve(dir, 'manifest.json')).mtimeMs;
    } catch {
      const how = options.modelDir === undefined ? `knowrec fit --dataset ${dataset}` : `knowrec fit --dataset ${dataset} --out ${dir}`;
      throw new KnowrecError('not-found', `no fitted model for dataset ${dataset} (no manifest.json)`, { file: dir }, `run \`${how}\` first, then ask again`);
    }
    if (loaded === null || loaded.dir !== dir || loaded.stamp !== stamp) loaded = { dir, stamp, snapshot: loadSnapshot(dir) };
    return loaded;
  };

  const guard = async <T>(work: () => Promise<T>): Promise<Result<T>> => {
    try {
      return ok(await work());
    } catch (e) {
      return { ok: false, error: toApiError(e) };
    }
  };

  return {
    version: async (): Promise<Result<VersionInfo>> =>
      ok({
        app: options.appVersion,
        api: API_VERSION,
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        platform: process.platform,
      }),

    workspaceSummary: () => guard(async () => summaryOf(await ensureOpen())),

    openWorkspace: async (request) => {
      if (closed) return fail('internal', 'The Api was closed', 'restart the workbench');
      return guard(async () => {
        if (startup !== null) await startup.catch(() => undefined);
        const next = await openAt(request.path);
        const previous = current;
        current = next;
        if (previous !== null && previous.ws !== next.ws) previous.ws.close();
        return summaryOf(next);
      });
    },

    listItems: (request) =>
      guard(async () => {
        const o = await ensureOpen();
        if (o.ws.listItems !== undefined) return o.ws.listItems(request);
        const ds = await datasetOf(o);
        const needle = request.query?.trim().toLowerCase() ?? '';
        const rows: ItemRow[] = ds.items
          .filter((it) => needle === '' || it.id.toLowerCase().includes(needle) || it.title.toLowerCase().includes(needle))
          .map((it) => ({ id: it.id, title: it.title }));
        return pageOf(rows, request.offset, request.limit);
      }),

    listUsers: (request) =>
      guard(async () => {
        const o = await ensureOpen();
        if (o.ws.listUsers !== undefined) return o.ws.listUsers(request);
        const ds = await datasetOf(o);
        const rows: UserRow[] = ds.users.map((u) => ({ id: u.id, attributes: u.attributes }));
        return pageOf(rows, request.offset, request.limit);
      }),

    kgSearch: (request) => guard(async () => kgSearchView(await kgOf(await ensureOpen()), request.query, request.limit)),

    kgSubgraph: (request) => guard(async () => kgSubgraphView(await kgOf(await ensureOpen()), request)),

    kgItem: (request) =>
      guard(async () => {
        const o = await ensureOpen();
        const [kg, ds] = await Promise.all([kgOf(o), datasetOf(o)]);
        return itemCardView(kg, ds, request.item);
      }),

    recommend: (request) =>
      guard(async () => {
        const o = await ensureOpen();
        const ds = await datasetOf(o);
        const { dir, snapshot } = snapshotFor(ds.name);
        o.hash ??= dataHash(ds);
        return recommendView({ snapshot, dir, dataset: ds, dataSha256: o.hash, user: request.user, k: request.k });
      }),

    currentPath: () => current?.path ?? null,

    close: () => {
      closed = true;
      current?.ws.close();
      current = null;
    },
  };
}

function pageOf<T>(all: readonly T[], offset: number, limit: number): Page<T> {
  return { offset, limit, total: all.length, rows: all.slice(offset, offset + limit) };
}

/**
 * The workspace path given on the command line as `--workspace FILE` or `--workspace=FILE`,
 * or null when absent. Throws a 'config' KnowrecError when the flag has no value.
 */
export function workspacePathFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--workspace=')) {
      const value = arg.slice('--workspace='.length);
      if (value !== '') return value;
    } else if (arg === '--workspace') {
      const value = argv[i + 1];
      if (value !== undefined && value !== '' && !value.startsWith('--')) return value;
    } else {
      continue;
    }
    throw new KnowrecError('config', '--workspace needs a file path', {}, 'pass --workspace path/to/workspace.sqlite');
  }
  return null;
}
