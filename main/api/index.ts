/**
 * The one implementation of the Api, over the core modules. Electron's IPC handlers, the
 * browser bridge and tests all call an object made by `createApi`.
 *
 * The store is reached through `WorkspaceLike`, which `Workspace` (main/core/store) satisfies;
 * main/index.ts and the CLI pass the opener (e.g. `(p) => Workspace.openOrCreate(p)`). Jobs,
 * runs, labels and KG edits need the real Workspace; the method groups live in api-impl-*.ts.
 */
import { resolve } from 'node:path';
import { KnowrecError } from './core/errors';
import { KgIndex } from './core/kg';
import { Workspace } from './core/store';
import type { Dataset } from './core/types';
import { itemCardView, kgSearchView, kgSubgraphView } from './api-views';
import { ModelEnv } from './jobs/model-factory';
import { JobRunner } from './jobs/runner';
import { SqliteJobStore } from './jobs/job-worker-store';
import { workerExecutor } from './jobs/job-worker-host';
import { hasCheckpoint } from './jobs/job-worker-finetune';
import {
  defaultAdapterRootFor,
  defaultModelDirFor,
  guard,
  snapshotLoader,
  type ApiContext,
  type ApiImplOptions,
  type Opened,
  type TextTools,
} from './api-impl-context';
import { jobMethods } from './api-impl-jobs';
import { recommendMethods } from './api-impl-recommend';
import { runMethods } from './api-impl-runs';
import { kgEditMethods } from './api-impl-kg-edits';
import { labelMethods } from './api-impl-labels';
import { finetuneMethods } from './api-impl-finetune';
import { privacyMethods } from './api-impl-privacy';
import {
  API_VERSION,
  fail,
  ok,
  type Api,
  type ApiEvent,
  type ApiEvents,
  type ItemRow,
  type Page,
  type Result,
  type UserRow,
  type VersionInfo,
  type WorkspaceSummary,
} from './api';

export type { ApiImplOptions, OpenWorkspace, WorkspaceCounts, WorkspaceLike } from './api-impl-context';

/** The Api plus its events and lifecycle for its owner (the Electron main process or the bridge command). */
export interface ApiImpl extends Api, ApiEvents {
  /** Path of the open workspace, null when none is open. */
  currentPath(): string | null;
  close(): void;
}

export function createApi(options: ApiImplOptions): ApiImpl {
  let current: Opened | null = null;
  /** The startup workspace, opened once even when several calls arrive together. */
  let startup: Promise<Opened> | null = null;
  let closed = false;
  const listeners = new Set<(event: ApiEvent) => void>();
  const executor = options.executor ?? workerExecutor();
  let text: { env: ModelEnv | null; tools: Promise<TextTools> } | null = null;

  const emit = (event: ApiEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        // one listener's failure must not keep the event from the others
      }
    }
  };

  const closeOpened = (o: Opened): void => {
    o.runner?.close();
    o.ws.close();
  };

  const openAt = async (path: string): Promise<Opened> => {
    const abs = resolve(path);
    const ws = await options.open(abs);
    const o: Opened = { path: abs, ws, dataset: null, kg: null, hash: null, runner: null, memo: new Map() };
    if (ws instanceof Workspace) {
      try {
        o.runner = newRunner(o);
      } catch (e) {
        ws.close();
        throw e;
      }
    }
    return o;
  };

  const newRunner = (o: Opened): JobRunner =>
    new JobRunner({
      store: new SqliteJobStore(o.path),
      execute: executor,
      emit: (job) => emit({ type: 'job', job }),
      graceMs: options.cancelGraceMs,
      resumable: (job) => job.kind === 'finetune' && (job.state === 'cancelled' || job.state === 'failed') && job.spec?.kind === 'finetune' && hasCheckpoint(job.spec.outDir),
      onSettled: (job) => {
        if (job.kind === 'import' && job.state === 'done') void ctx.changed(o).catch(() => undefined);
      },
    });

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
          else closeOpened(o);
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
      const p = Promise.resolve().then(load);
      o.dataset = p;
      p.catch(() => {
        if (o.dataset === p) o.dataset = null;
      });
    }
    return o.dataset;
  };

  const kgOf = (o: Opened): Promise<KgIndex> => {
    if (o.kg === null) {
      const p = datasetOf(o).then((ds) => new KgIndex(ds));
      o.kg = p;
      p.catch(() => {
        if (o.kg === p) o.kg = null;
      });
    }
    return o.kg;
  };

  const modelDirFor = defaultModelDirFor(options);

  const ctx: ApiContext = {
    options,
    ensureOpen,
    datasetOf,
    kgOf,
    runner: (o) => {
      if (o.runner === null) throw new KnowrecError('internal', 'this workspace cannot run jobs', { file: o.path }, 'open a workspace .sqlite file');
      return o.runner;
    },
    snapshotFor: snapshotLoader(modelDirFor, options.modelDir),
    modelDirFor,
    adapterRootFor: defaultAdapterRootFor(options),
    summaryOf,
    emit,
    changed: async (o) => {
      o.dataset = null;
      o.kg = null;
      o.hash = null;
      o.memo.clear();
      if (current === o) emit({ type: 'workspace', summary: await summaryOf(o) });
    },
    textTools: (o) => {
      if (text === null) {
        if (options.encoder !== undefined) {
          text = { env: null, tools: options.encoder().then((encoder) => ({ encoder })) };
        } else {
          const env = new ModelEnv({ workspace: o.path });
          text = { env, tools: env.getEncoder().then((encoder) => ({ encoder, countTokens: env.countTokens() })) };
        }
        const mine = text;
        mine.tools.catch(() => {
          if (text === mine) text = null;
          void mine.env?.close();
        });
      }
      return text.tools;
    },
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
        if (current?.runner?.busy() === true) {
          throw new KnowrecError('config', 'a job is queued or running on the open workspace', { file: current.path }, 'wait for it to finish or cancel it, then open the other workspace');
        }
        const next = await openAt(request.path);
        const previous = current;
        current = next;
        if (previous !== null && previous.ws !== next.ws) closeOpened(previous);
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

    ...recommendMethods(ctx),
    ...jobMethods(ctx),
    ...kgEditMethods(ctx),
    ...runMethods(ctx),
    ...labelMethods(ctx),
    ...finetuneMethods(ctx),
    ...privacyMethods(ctx),

    onEvent: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    currentPath: () => current?.path ?? null,

    close: () => {
      closed = true;
      if (current !== null) closeOpened(current);
      current = null;
      listeners.clear();
      const t = text;
      text = null;
      if (t !== null) void t.tools.then(() => t.env?.close(), () => undefined);
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
