/**
 * Opening a dataset for a job: from a registry name (imported into a workspace, which is reused
 * on later runs), from a folder of RecBole atomic files (`--data DIR`), or from an existing
 * workspace file. Files are checked (sums, reading, validation) before a workspace is written.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KnowrecError } from '../core/errors';
import { ensureDir, fsyncDir, pidAlive, userCacheDir } from '../core/files';
import { findDataset, loadAtomicFolder, loadRegistryDataset, type ImportReport } from '../core/data';
import { Workspace, type AttributePolicy, type PseudonymKey } from '../core/store';
import type { Dataset, Progress } from '../core/types';
import { addExtraKgs } from './kg-import';

export interface OpenDatasetOptions {
  /** Registry name, e.g. `ml-100k`. */
  readonly dataset?: string;
  /** Folder of RecBole atomic files, or the folder holding `<dataset>/`. */
  readonly dataDir?: string;
  /** Workspace file. Default for registry datasets: `<cache>/knowrec/workspaces/<name>.sqlite`. */
  readonly workspace?: string;
  /** Re-import even when the workspace already holds the dataset. */
  readonly reimport?: boolean;
  /**
   * Add the registry KGs of the dataset's entry (extraKgs, e.g. DBpedia film facts for ml-100k)
   * beside its own KG when the workspace does not hold them yet and their files are found
   * (the demo does). Default false.
   */
  readonly extraKgs?: boolean;
  /** Store pseudonyms instead of user ids (default: as the workspace already does). */
  readonly pseudonymize?: boolean;
  /** The pseudonym key (kept outside the workspace), needed to pseudonymize. */
  readonly pseudonymKey?: PseudonymKey;
  /** Quasi-identifiers to drop or generalize (default: the workspace's policy). */
  readonly attributes?: AttributePolicy;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export interface OpenedDataset {
  readonly dataset: Dataset;
  /** Workspace file the dataset was loaded from (null when read straight from files). */
  readonly workspace: string | null;
  readonly report: ImportReport | null;
  /** True when this call imported the files (false when an existing workspace was reused). */
  readonly imported: boolean;
}

/** Default workspace path for a registry dataset. */
export function defaultWorkspacePath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'workspaces', `${name}.sqlite`);
}

export function openDataset(opts: OpenDatasetOptions): OpenedDataset {
  if (opts.dataset === undefined && opts.dataDir === undefined && opts.workspace === undefined) {
    throw new KnowrecError('config', 'No dataset given', {}, 'pass --dataset NAME (e.g. ml-100k), --data DIR or --workspace FILE');
  }
  // A folder of files that is not a registry dataset: read it directly.
  if (opts.dataDir !== undefined && (opts.dataset === undefined || !isRegistryName(opts.dataset))) {
    const dir = resolve(opts.dataDir);
    const name = opts.dataset ?? basename(dir);
    const loaded = loadAtomicFolder(dir, name, { onProgress: opts.onProgress, signal: opts.signal });
    if (opts.workspace === undefined) return { ...loaded, workspace: null, imported: true };
    return importInto(opts.workspace, loaded, opts);
  }
  const name = opts.dataset;
  const path = opts.workspace ?? (name !== undefined ? defaultWorkspacePath(name) : undefined);
  if (path === undefined) throw new KnowrecError('internal', 'no workspace path');
  const abs = resolve(path);
  // Checked (resolved, verified, read, validated) before any file is created or written.
  const load = (n: string): LoadedDataset => loadRegistryDataset(n, { dataDir: opts.dataDir, onProgress: opts.onProgress, signal: opts.signal });
  if (!existsSync(abs)) {
    if (name === undefined) throw new KnowrecError('not-found', 'no workspace file at this path', { file: abs }, 'check the path, or import a dataset with --dataset NAME');
    return importInto(abs, load(name), opts);
  }
  const ws = Workspace.open(abs, keyOption(opts));
  try {
    const held = ws.getMeta('dataset');
    const hasData = ws.summary().interactions > 0;
    if (name !== undefined && (opts.reimport === true || !hasData || held !== name)) {
      const loaded = load(name);
      ws.importDataset(loaded.dataset, { report: loaded.report, onProgress: opts.onProgress, signal: opts.signal, pseudonymize: opts.pseudonymize, attributes: opts.attributes });
      withExtraKgs(ws, name, opts);
      return { dataset: ws.loadDataset(), workspace: ws.path, report: loaded.report, imported: true };
    }
    if (!hasData) {
      throw new KnowrecError('not-found', 'the workspace holds no dataset', { file: ws.path }, 'import one with --dataset NAME');
    }
    if (held !== null) withExtraKgs(ws, held, opts);
    opts.onProgress?.({ stage: 'load', message: ws.path });
    return { dataset: ws.loadDatasetRecordingHash(), workspace: ws.path, report: ws.importReport(), imported: false };
  } finally {
    ws.close();
  }
}

export interface LoadedDataset {
  readonly dataset: Dataset;
  readonly report: ImportReport;
}

/**
 * Stores a checked dataset in the workspace at `path`. An existing workspace takes it in one
 * transaction (a failure or a kill keeps its previous dataset). A new one is built as a
 * temporary file beside `path` and renamed into place once complete, so an error or a kill
 * leaves no file, never half a workspace (a dead writer's temporary file is removed by
 * removeStaleTemps, core/files.ts).
 */
export function importInto(path: string, loaded: LoadedDataset, opts: OpenDatasetOptions): OpenedDataset {
  const abs = resolve(path);
  removeDeadTemps(abs);
  const store = (ws: Workspace): void => {
    ws.importDataset(loaded.dataset, { report: loaded.report, onProgress: opts.onProgress, signal: opts.signal, pseudonymize: opts.pseudonymize, attributes: opts.attributes });
    withExtraKgs(ws, loaded.dataset.name, opts);
  };
  if (!existsSync(abs)) {
    ensureDir(dirname(abs));
    const tmp = `${abs}.${process.pid}.${Date.now()}.${randomBytes(4).toString('hex')}.tmp`;
    let ws: Workspace | null = null;
    try {
      ws = Workspace.create(tmp, keyOption(opts));
      store(ws);
      ws.close();
      ws = null;
      renameSync(tmp, abs);
      fsyncDir(dirname(abs));
    } catch (e) {
      ws?.close();
      for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
      throw e;
    }
  } else {
    const ws = Workspace.open(abs, keyOption(opts));
    try {
      store(ws);
    } finally {
      ws.close();
    }
  }
  const ws = Workspace.open(abs, keyOption(opts));
  try {
    return { dataset: ws.loadDataset(), workspace: ws.path, report: loaded.report, imported: true };
  } finally {
    ws.close();
  }
}

/** Removes the temporary workspaces (and their -wal/-shm/-journal files) that a killed import into `abs` left. */
function removeDeadTemps(abs: string): void {
  const dir = dirname(abs);
  if (!existsSync(dir)) return;
  const base = basename(abs);
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`${base}.`)) continue;
    const m = /^\.(\d+)\.\d+\.[0-9a-f]+\.tmp(?:-wal|-shm|-journal)?$/.exec(f.slice(base.length));
    if (m !== null && !pidAlive(Number(m[1]))) rmSync(join(dir, f), { force: true });
  }
}

/** The registry KGs of `name`'s entry, when asked for (OpenDatasetOptions.extraKgs). */
function withExtraKgs(ws: Workspace, name: string, opts: OpenDatasetOptions): void {
  if (opts.extraKgs !== true) return;
  for (const r of addExtraKgs(ws, name, { dataDir: opts.dataDir, onProgress: opts.onProgress, signal: opts.signal })) {
    opts.onProgress?.({
      stage: 'kg',
      message: `${r.name}: ${r.store.added.triples} triples added, ${r.link.linked} of ${r.link.items} items linked`,
      code: 'kgAdded',
      params: { name: r.name, triples: r.store.added.triples, linked: r.link.linked, items: r.link.items },
    });
  }
}

function isRegistryName(name: string): boolean {
  try {
    findDataset(name);
    return true;
  } catch {
    return false;
  }
}

function keyOption(opts: OpenDatasetOptions): { pseudonymKey?: PseudonymKey } {
  return opts.pseudonymKey === undefined ? {} : { pseudonymKey: opts.pseudonymKey };
}

/** The name of the dataset a workspace file holds (undefined when there is no file or no dataset). */
export function heldDatasetName(path: string | undefined): string | undefined {
  if (path === undefined || !existsSync(resolve(path))) return undefined;
  const ws = Workspace.open(resolve(path));
  try {
    return ws.summary().interactions > 0 ? (ws.getMeta('dataset') ?? undefined) : undefined;
  } finally {
    ws.close();
  }
}
