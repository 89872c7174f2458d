/**
 * The KG index of a workspace without the dataset: read from the cache file beside the workspace
 * (`<workspace>.kgindex`, kg-cache.ts) when it was built from the workspace's current KG
 * (Workspace.kgStamp), else built in a worker thread (kg-index-worker.ts) from the items and the
 * KG alone (the interactions only counted per item, in SQL) and saved there for the next session.
 * The Api's thread only reads the packed index's header (its strings stay packed until asked);
 * the other calls keep answering meanwhile.
 */
import type { ApiError } from '../api/contract';
import { fromApiError } from '../api/result';
import { KnowrecError } from '../core/errors';
import { KgIndex } from '../core/kg';
import { kgCachePath, packKgIndex, readKgCache, removeDeadKgTemps, unpackKgIndex, writeKgCache } from '../core/kg/kg-cache';
import { Workspace } from '../core/store';
import { launchWorker, workerEntry } from '../core/worker-launcher';

/** The worker's answer: the packed index (and whether saving it failed), or the error. */
export type FromKgIndexWorker =
  | { readonly type: 'done'; readonly bytes: Uint8Array; readonly stamp: string; readonly saveError: string | null }
  | { readonly type: 'failed'; readonly error: ApiError };

export interface KgIndexLoadOptions {
  /** Save the built index beside the workspace (default true). */
  readonly save?: boolean;
  /** The worker's entry file (tests). */
  readonly script?: string;
}

/** Where the index came from, for logs and benchmarks. */
export type KgIndexSource = 'cache' | 'built';

/**
 * The KG index of the workspace at `path` whose KG stamp is `stamp`: from the cache file when its
 * stamp matches, else built in a worker (and saved unless `save` is false).
 */
export async function loadKgIndexCached(path: string, stamp: string, options: KgIndexLoadOptions = {}): Promise<{ kg: KgIndex; source: KgIndexSource }> {
  removeDeadKgTemps(kgCachePath(path));
  const cached = await readKgCache(kgCachePath(path), stamp);
  // the views' calls are answered between parsing the file and building the index
  await new Promise((r) => setImmediate(r));
  if (cached !== null) return { kg: new KgIndex(cached), source: 'cache' };
  const bytes = await buildInWorker(path, options);
  const unpacked = unpackKgIndex(bytes);
  if (unpacked === null) throw new KnowrecError('internal', 'the KG index built in a worker thread could not be read back', { file: path }, 'try again; if it keeps failing, report it');
  return { kg: new KgIndex(unpacked.parts), source: 'built' };
}

function buildInWorker(path: string, options: KgIndexLoadOptions): Promise<Uint8Array> {
  const script = options.script ?? workerEntry(__dirname, 'kg-index-worker');
  return new Promise((resolve, reject) => {
    let settled = false;
    const w = launchWorker<never, FromKgIndexWorker>(script, { path, save: options.save !== false }, {
      onMessage: (msg) => {
        settled = true;
        void w.close(0);
        if (msg.type === 'failed') {
          reject(fromApiError(msg.error));
          return;
        }
        if (msg.saveError !== null) process.stderr.write(`knowrec: the KG index could not be saved beside the workspace (built again next time): ${msg.saveError}\n`);
        resolve(msg.bytes);
      },
      onEnd: (end) => {
        if (settled) return;
        const why = end.kind === 'error' ? end.error.message : `it exited with code ${end.code}`;
        reject(new KnowrecError('internal', `building the KG index in a worker thread failed: ${why}`, { file: path }, 'try again; if it keeps failing, report it'));
      },
    });
  });
}

/** The packed KG index of an open workspace and the stamp it was built from (what the worker builds). */
export function packWorkspaceKgIndex(ws: Workspace): { bytes: Uint8Array; stamp: string } {
  // the stamp and the KG read from one snapshot; then built outside the transaction
  const { stamp, dataset, popularity } = ws.withKgStamp((stamp) => ({ stamp, ...ws.loadKgDataset() }));
  const packed = packKgIndex(new KgIndex(dataset, { popularity }).parts(), stamp);
  // a small result may sit in Node's shared buffer pool, which cannot be moved to another thread
  const bytes = packed.byteOffset === 0 && packed.byteLength === packed.buffer.byteLength ? packed : new Uint8Array(packed);
  return { bytes, stamp };
}

/**
 * Builds the KG index of the workspace at `path` on this thread and saves it beside it: the end
 * of an import, so that the first session's KG explorer reads it instead of waiting for a build.
 */
export async function saveKgIndexCache(path: string): Promise<void> {
  const ws = Workspace.open(path);
  let bytes: Uint8Array;
  try {
    bytes = packWorkspaceKgIndex(ws).bytes;
  } finally {
    ws.close();
  }
  await writeKgCache(kgCachePath(path), bytes);
}

/** The Api's loadKgIndex option as the app and `knowrec serve` pass it. */
export function loadKgIndexForApi(path: string, stamp: string): Promise<KgIndex> {
  return loadKgIndexCached(path, stamp).then((r) => r.kg);
}
