/**
 * The serving snapshot on disk: manifest + per-user top-K with explanations, written by the fit
 * job and read by `recommend` and the Api. Saving is atomic: the snapshot is written to a
 * temporary folder beside DIR and swapped in by renames, so a crash mid-save leaves the previous
 * model intact. No model code here, so readers (the Api) load nothing heavy.
 *
 * Forgetting a user (main/jobs/forget.ts) removes the user's entry from every snapshot of the
 * dataset it knows (the folders a fit from the workspace recorded in its meta, the default
 * folder, the Api's) and marks the snapshot stale: the other users' lists were fitted with the
 * forgotten user's data, so the manifest says so (`stale`) until the next fit replaces it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFolderAtomic } from '../core/files';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KnowrecError } from '../core/errors';
import type { Explanation, ReasonLang } from '../core/rank';
import type { Dataset } from '../core/types';

export const SNAPSHOT_FORMAT = 'knowrec-snapshot/1';

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
  /** Set when a user whose data the fit used was forgotten since (the user's entry is gone). */
  readonly stale?: { readonly since: string; readonly reason: string };
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

/** Writes the snapshot into DIR through a temporary folder and renames (atomic swap). */
export function saveSnapshot(dir: string, snap: Snapshot): void {
  writeFolderAtomic(dir, (tmp) => {
    writeFileSync(join(tmp, 'recommendations.json'), JSON.stringify(snap.recommendations));
    // the manifest goes last: a folder with a manifest is complete
    writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(snap.manifest, null, 2)}\n`);
  });
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

/**
 * Removes the entries of `ids` from the snapshot in `dir` and marks it stale (atomic rewrite).
 * Null when `dir` holds no snapshot of `dataset`; else the number of entries removed.
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
  if (removed === 0 && snap.manifest.stale !== undefined) return 0;
  const manifest: SnapshotManifest = { ...snap.manifest, users: snap.manifest.users - removed, stale: { since: new Date().toISOString(), reason } };
  saveSnapshot(dir, { manifest, recommendations });
  return removed;
}

/** A line on a stale snapshot for people (null when it is not stale). */
export function staleNote(m: SnapshotManifest): string | null {
  return m.stale === undefined ? null : `the model is stale since ${m.stale.since}: ${m.stale.reason}; refit to replace it`;
}
