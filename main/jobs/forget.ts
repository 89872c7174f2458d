/**
 * Forgetting a user everywhere KnowRec keeps their data, for the CLI's `forget-user` and the
 * Api's `forgetUser`:
 * - the workspace: every row about the user, then the freed space overwritten and the WAL
 *   emptied (main/core/store/privacy.ts);
 * - every serving snapshot of the dataset it knows (the folders given, those a fit from this
 *   workspace recorded): the user's entry removed, the snapshot marked stale (snapshot.ts);
 * - the dataset's adapter versions in the roots given or recorded: marked stale, never used again
 *   (main/core/train/versions.ts); they hold no user id, but their weights saw the user's data.
 * Files outside the workspace go first: when one cannot be rewritten the user is still in the
 * workspace and the command can be run again.
 */
import { resolve } from 'node:path';
import { KnowrecError } from '../core/errors';
import { Workspace, type ForgetReport } from '../core/store';
import { markAdapterVersionsStale } from '../core/train/versions';
import { forgetInSnapshot } from './snapshot';

/** Workspace meta keys: JSON lists of the snapshot folders / adapter roots written from the workspace. */
export const SNAPSHOTS_META_KEY = 'serving_snapshots';
export const ADAPTER_ROOTS_META_KEY = 'adapter_roots';
const MAX_RECORDED = 50;

/** The folders recorded under `key` in the workspace (absolute paths). */
export function recordedFolders(ws: Pick<Workspace, 'getMeta'>, key: string): string[] {
  const v = ws.getMeta(key);
  if (v === null) return [];
  try {
    const list = JSON.parse(v) as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Records in the workspace file that a snapshot (or adapter root) fitted from it lies in `dir`. */
export function recordFolder(workspace: string, key: string, dir: string): void {
  const ws = Workspace.open(workspace);
  try {
    const abs = resolve(dir);
    const list = recordedFolders(ws, key).filter((d) => d !== abs);
    ws.setMeta(key, JSON.stringify([...list, abs].slice(-MAX_RECORDED)));
  } finally {
    ws.close();
  }
}

export interface ForgetEverywhereOptions {
  /** Snapshot folders to reach besides those recorded in the workspace (the default folder, the Api's). */
  readonly modelDirs?: readonly string[];
  /** Adapter version roots of the dataset. */
  readonly adapterRoots?: readonly string[];
}

export interface ForgetOutcome extends ForgetReport {
  /** Snapshot folders and adapter versions marked stale (fitted with the user's data). */
  readonly stale: readonly string[];
}

export const FORGOTTEN_REASON = 'fitted with the data of a user who has since been forgotten';

/** What forgetting needs of a workspace (the store's Workspace, the Api's WorkspaceLike). */
export type ForgetTarget = Pick<Workspace, 'users' | 'getMeta' | 'path'>;

export function forgetUserEverywhere(ws: ForgetTarget, user: string, opts: ForgetEverywhereOptions = {}): ForgetOutcome {
  const found = ws.users.find(user);
  if (found === null) {
    throw new KnowrecError('not-found', `no user "${user}" in the workspace`, { file: ws.path }, 'give a user id as listed by the workspace (or the original id of a pseudonymized one)');
  }
  const dataset = ws.getMeta('dataset');
  const stale: string[] = [];
  let entries = 0;
  if (dataset !== null) {
    const dirs = new Set([...(opts.modelDirs ?? []), ...recordedFolders(ws, SNAPSHOTS_META_KEY)].map((d) => resolve(d)));
    for (const dir of dirs) {
      const n = forgetInSnapshot(dir, dataset, [found.id, user], FORGOTTEN_REASON);
      if (n === null) continue;
      entries += n;
      stale.push(dir);
    }
  }
  const roots = new Set([...(opts.adapterRoots ?? []), ...recordedFolders(ws, ADAPTER_ROOTS_META_KEY)].map((r) => resolve(r)));
  for (const root of roots) stale.push(...markAdapterVersionsStale(root, FORGOTTEN_REASON));
  const report = ws.users.forget(user);
  return { ...report, removed: { ...report.removed, snapshot_entries: entries }, stale };
}
