/**
 * The serving snapshot on disk: manifest + per-user top-K with explanations, written by the fit
 * job and read by `recommend` and the Api. No model code here, so readers (the Api) load nothing
 * heavy.
 *
 * Layout of DIR: `manifest.json` names the recommendations file it belongs to,
 * `recommendations-<pid>-<stamp>.json` (the first layout, without that field, used
 * `recommendations.json`: still read, replaced on the next save). A save writes the new
 * recommendations file (temporary file, fsync, rename, folder fsync), then replaces the manifest
 * the same way: that one rename swaps the model, so at every instant DIR holds a complete one.
 * The previous recommendations file is deleted after. Saves of one folder take turns through a
 * lock file (`.lock`, holding the pid; a dead holder's lock is taken over). Recovery (on load
 * and before a save) removes what a killed save left: temporary files, recommendations files the
 * manifest does not name, a dead holder's lock, and the temporary/old folders of the earlier
 * folder-swap layout (restoring the old folder when a kill came between its two renames).
 *
 * Forgetting a user (main/jobs/forget.ts) removes the user's entry from every snapshot of the
 * dataset it knows (the folders a fit from the workspace recorded in its meta, the default
 * folder, the Api's) and marks the snapshot stale: the other users' lists were fitted with the
 * forgotten user's data, so the manifest says so (`stale`) until the next fit replaces it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { acquireLock, ensureDir, recoverFolder, removeStaleTemps, userCacheDir, writeFileAtomic } from '../core/files';
import { join } from 'node:path';
import { KnowrecError } from '../core/errors';
import type { Explanation, HistoryLink, ReasonLang } from '../core/rank';
import { dataHash } from '../core/data/data-hash';
import type { UsersExplained } from './snapshot-users';

export const SNAPSHOT_FORMAT = 'knowrec-snapshot/1';

/**
 * An explanation as stored: fits write every field of Explanation; snapshots written before
 * attribution lack the history shares, lead, notAttributable and counterfactual.
 */
export type SnapshotExplanation = Omit<Explanation, 'history' | 'lead' | 'notAttributable' | 'counterfactual'> &
  Partial<Pick<Explanation, 'lead' | 'notAttributable' | 'counterfactual'>> & {
    readonly history: readonly (Omit<HistoryLink, 'share'> & { readonly share?: number | null })[];
  };

export interface SnapshotItem {
  readonly item: string;
  readonly title: string;
  readonly score: number;
  readonly explanation: SnapshotExplanation;
}

export interface SnapshotManifest {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly dataset: string;
  readonly data_sha256: string;
  readonly model: 'hybrid' | 'hybrid-ft';
  readonly protocol: { name: 'recbole'; seed: number; note: string };
  readonly k: number;
  readonly lang: ReasonLang;
  readonly users: number;
  readonly items: number;
  readonly params: Readonly<Record<string, Readonly<Record<string, number | string | boolean>>>>;
  readonly metrics: { readonly valid: Record<string, number>; readonly test: Record<string, number> };
  readonly fit_seconds: number;
  readonly created: string;
  /** Which users have recommendations, and why (snapshot-users.ts); absent before issue 11: every user. */
  readonly users_explained?: UsersExplained;
  /** Set when a user whose data the fit used was forgotten since (the user's entry is gone). */
  readonly stale?: { readonly since: string; readonly reason: string };
}

export interface Snapshot {
  readonly manifest: SnapshotManifest;
  readonly recommendations: Readonly<Record<string, readonly SnapshotItem[]>>;
}

/** Default snapshot folder of a registry dataset: `<cache>/knowrec/models/<name>`. */
export function defaultModelPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'models', name);
}

/** A content hash of the interactions and ids, so a snapshot can tell it was fitted on this data (core/data/data-hash.ts). */
export { dataHash };

const MANIFEST = 'manifest.json';
/** Held by a save, and by the recovery of a load (which skips cleaning when a save holds it). */
const LOCK = '.lock';
/** The recommendations file of the first layout (a manifest without `recommendations_file`). */
const LEGACY_RECOMMENDATIONS = 'recommendations.json';
const RECOMMENDATIONS = /^recommendations-\d+-[0-9a-z-]+\.json$/;

/** The manifest as stored: it also names its recommendations file. */
interface StoredManifest extends SnapshotManifest {
  readonly recommendations_file?: string;
}

/**
 * Writes the snapshot into DIR: a new recommendations file, then the manifest naming it (the one
 * rename that swaps the model), each fsync'd; the previous recommendations file goes after. Saves
 * of one folder take turns (a lock file in it).
 */
export function saveSnapshot(dir: string, snap: Snapshot): void {
  // serialise first: a snapshot that cannot be written touches nothing
  const name = `recommendations-${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.json`;
  const body = JSON.stringify(snap.recommendations);
  const stored: StoredManifest = { ...snap.manifest, recommendations_file: name };
  const manifest = `${JSON.stringify(stored, null, 2)}\n`;
  recoverFolder(dir);
  ensureDir(dir);
  const release = acquireLock(join(dir, LOCK));
  if (release === null) {
    throw new KnowrecError('internal', 'another save of this model has not finished for 30 s', { file: dir }, 'wait for the other fit to finish, then try again');
  }
  try {
    const previous = referencedFile(dir);
    cleanUp(dir, previous);
    writeFileAtomic(join(dir, name), body);
    try {
      writeFileAtomic(join(dir, MANIFEST), manifest);
    } catch (e) {
      rmSync(join(dir, name), { force: true });
      throw e;
    }
    if (previous !== null && previous !== '' && previous !== name) rmSync(join(dir, previous), { force: true });
  } finally {
    release();
  }
}

/** The recommendations file the manifest in DIR names: '' without a manifest, null when it cannot be read. */
function referencedFile(dir: string): string | null {
  const mf = join(dir, MANIFEST);
  if (!existsSync(mf)) return '';
  try {
    const m = JSON.parse(readFileSync(mf, 'utf8')) as StoredManifest;
    return m.recommendations_file ?? LEGACY_RECOMMENDATIONS;
  } catch {
    return null;
  }
}

/**
 * Under the lock: temporary files of dead writers and the recommendations files other than
 * `current`, the one the manifest names (referencedFile).
 */
function cleanUp(dir: string, current: string | null): string[] {
  const done = removeStaleTemps(dir);
  if (current === null) return done; // an unreadable manifest: nothing is provably unreferenced
  for (const name of readdirSync(dir)) {
    if (name === current || (name !== LEGACY_RECOMMENDATIONS && !RECOMMENDATIONS.test(name))) continue;
    rmSync(join(dir, name), { force: true });
    done.push(name);
  }
  return done;
}

/**
 * Removes what killed saves left in and beside DIR (see the file comment); returns the names.
 * Inside DIR only when no save is running (the lock is free, or its holder is dead).
 */
export function recoverSnapshot(dir: string): string[] {
  const done = recoverFolder(dir);
  if (!existsSync(dir)) return done;
  const release = acquireLock(join(dir, LOCK), { waitMs: 0 });
  if (release === null) return done;
  try {
    done.push(...cleanUp(dir, referencedFile(dir)));
  } finally {
    release();
  }
  return done;
}

/** Reads the snapshot in DIR (after recovering from a killed save; a read-only folder is read as it is). */
export function loadSnapshot(dir: string): Snapshot {
  try {
    recoverSnapshot(dir);
  } catch {
    // recovery is housekeeping: a folder we may not write is still read
  }
  const mf = join(dir, MANIFEST);
  for (let attempt = 1; ; attempt++) {
    if (!existsSync(mf)) {
      throw new KnowrecError('not-found', 'no fitted model here (manifest.json is missing)', { file: dir }, 'run `knowrec fit --dataset NAME --out DIR` first');
    }
    const { recommendations_file: file = LEGACY_RECOMMENDATIONS, ...manifest } = JSON.parse(readFileSync(mf, 'utf8')) as StoredManifest;
    if (manifest.format !== SNAPSHOT_FORMAT) {
      throw new KnowrecError('validation', `unknown model format '${String(manifest.format)}'`, { file: mf }, `refit with this version (expects ${SNAPSHOT_FORMAT})`);
    }
    if (file !== LEGACY_RECOMMENDATIONS && !RECOMMENDATIONS.test(file)) {
      throw new KnowrecError('validation', 'the manifest names no recommendations file of this folder', { file: mf }, 'refit the model');
    }
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (e) {
      // a save swapped the model between the two reads: read the new manifest
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (attempt < 3) continue;
      throw new KnowrecError('not-found', 'the model\'s recommendations file is missing', { file: join(dir, file) }, 'refit the model');
    }
    return { manifest, recommendations: JSON.parse(text) as Record<string, SnapshotItem[]> };
  }
}

/**
 * Removes the entries of `ids` (the ids of ONE forgotten user: its id and the name it was asked
 * by) from the snapshot in `dir` and marks it stale (atomic rewrite); the manifest's user counts
 * drop by that one user, listed in the snapshot or not. Null when `dir` holds no snapshot of
 * `dataset`; else the number of entries removed.
 */
export function forgetInSnapshot(dir: string, dataset: string, ids: readonly string[], reason: string): number | null {
  if (!existsSync(join(dir, 'manifest.json'))) return null;
  const snap = loadSnapshot(dir);
  if (snap.manifest.dataset !== dataset) return null;
  const recommendations: Record<string, readonly SnapshotItem[]> = { ...snap.recommendations };
  let removed = 0;
  for (const id of new Set(ids)) {
    if (Object.prototype.hasOwnProperty.call(recommendations, id)) {
      delete recommendations[id];
      removed++;
    }
  }
  if (removed === 0 && snap.manifest.stale !== undefined && snap.manifest.users_explained === undefined) return 0;
  const explained = snap.manifest.users_explained;
  // one user of the dataset leaves whether or not the snapshot held their list (a sampled fit holds a few)
  const left = explained !== undefined ? 1 : removed;
  const manifest: SnapshotManifest = {
    ...snap.manifest,
    users: Math.max(0, snap.manifest.users - left),
    ...(explained !== undefined ? { users_explained: { ...explained, count: explained.count - removed, of: Math.max(0, explained.of - left) } } : {}),
    stale: { since: new Date().toISOString(), reason },
  };
  saveSnapshot(dir, { manifest, recommendations });
  return removed;
}

/** A line on a stale snapshot for people (null when it is not stale). */
export function staleNote(m: SnapshotManifest): string | null {
  return m.stale === undefined ? null : `the model is stale since ${m.stale.since}: ${m.stale.reason}; refit to replace it`;
}
