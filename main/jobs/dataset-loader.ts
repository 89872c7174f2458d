/**
 * Loads a workspace's dataset (the KG edits applied, as Workspace.loadDataset) in a worker thread
 * (dataset-worker.ts), so that the thread of the Api (Electron's main process) keeps answering
 * the views while 10M interactions are read: only the calls that need the whole dataset in
 * memory (KG explorer, fits, recommend) wait for it. The typed arrays are moved, not copied; the
 * item and user records come as one JSON string, parsed on arrival (cheaper than a structured
 * clone of every object).
 */
import type { ApiError } from '../api/contract';
import { fromApiError } from '../api/result';
import { KnowrecError } from '../core/errors';
import type { Dataset } from '../core/types';
import { launchWorker, workerEntry } from '../core/worker-launcher';

/**
 * The dataset as posted across threads: the records (name, users, items, KG vocabulary) as one
 * JSON string, since copying a string and JSON.parse on the receiving thread block it far less
 * than a structured clone of 100k+ objects; the columns as typed arrays (moved); the per-item
 * entity lists as one offsets + values pair.
 */
export interface PackedDataset {
  readonly records: string;
  readonly interactions: Dataset['interactions'];
  readonly triples: Pick<Dataset['kg'], 'head' | 'relation' | 'tail' | 'derived'>;
  readonly linkOffsets: Int32Array;
  readonly links: Int32Array;
}

interface Records {
  readonly name: string;
  readonly users: Dataset['users'];
  readonly items: Dataset['items'];
  readonly entityIds: Dataset['kg']['entityIds'];
  readonly entityNames: Dataset['kg']['entityNames'];
  readonly relationNames: Dataset['kg']['relationNames'];
}

/** The worker's answer: the dataset, or the error as the Api reports it (toApiError, hint kept). */
export type FromDatasetWorker = { readonly type: 'done'; readonly packed: PackedDataset } | { readonly type: 'hashed' } | { readonly type: 'failed'; readonly error: ApiError };

/** `ds` packed for posting, and the buffers to move with it (each once). */
export function packDataset(ds: Dataset): { packed: PackedDataset; transfer: ArrayBuffer[] } {
  const linkOffsets = new Int32Array(ds.itemEntities.length + 1);
  ds.itemEntities.forEach((a, i) => (linkOffsets[i + 1] = linkOffsets[i] + a.length));
  const links = new Int32Array(linkOffsets[ds.itemEntities.length]);
  ds.itemEntities.forEach((a, i) => links.set(a, linkOffsets[i]));
  const x = ds.interactions;
  const kg = ds.kg;
  const records: Records = { name: ds.name, users: ds.users, items: ds.items, entityIds: kg.entityIds, entityNames: kg.entityNames, relationNames: kg.relationNames };
  const buffers = new Set<ArrayBuffer>([x.user, x.item, x.rating, x.timestamp, kg.head, kg.relation, kg.tail, kg.derived, linkOffsets, links].map((a) => a.buffer as ArrayBuffer));
  const triples = { head: kg.head, relation: kg.relation, tail: kg.tail, derived: kg.derived };
  return { packed: { records: JSON.stringify(records), interactions: x, triples, linkOffsets, links }, transfer: [...buffers] };
}

export function unpackDataset(p: PackedDataset): Dataset {
  const r = JSON.parse(p.records) as Records;
  const n = p.linkOffsets.length - 1;
  const itemEntities = Array.from({ length: n }, (_, i) => p.links.subarray(p.linkOffsets[i], p.linkOffsets[i + 1]));
  return {
    name: r.name,
    userIds: r.users.map((u) => u.id),
    itemIds: r.items.map((it) => it.id),
    users: r.users,
    items: r.items,
    interactions: p.interactions,
    kg: { entityIds: r.entityIds, entityNames: r.entityNames, relationNames: r.relationNames, ...p.triples },
    itemEntities,
  };
}

/** The dataset of the workspace file at `path`, read in a worker thread (its hash recorded when the workspace does not know it). */
export function loadDatasetInWorker(path: string, script: string = workerEntry(__dirname, 'dataset-worker')): Promise<Dataset> {
  return runDatasetWorker(path, false, script).then((msg) => {
    if (msg.type !== 'done') throw new KnowrecError('internal', 'the dataset worker sent no dataset', { file: path }, 'try again; if it keeps failing, report it');
    return unpackDataset(msg.packed);
  });
}

/**
 * Reads the dataset of the workspace at `path` in a worker thread only to record its data hash
 * there (core/store/data-stamp.ts), for a workspace that does not know it (imported before
 * hashes were recorded): the Api starts it after such a workspace opens, so that the
 * Recommendations view need not load the dataset to tell whether the model was fitted on it.
 */
export async function recordDataHashInWorker(path: string, script: string = workerEntry(__dirname, 'dataset-worker')): Promise<void> {
  await runDatasetWorker(path, true, script);
}

function runDatasetWorker(path: string, hashOnly: boolean, script: string): Promise<Exclude<FromDatasetWorker, { type: 'failed' }>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const w = launchWorker<never, FromDatasetWorker>(script, { path, hashOnly }, {
      onMessage: (msg) => {
        settled = true;
        void w.close(0);
        if (msg.type === 'failed') reject(fromApiError(msg.error));
        else resolve(msg);
      },
      onEnd: (end) => {
        if (settled) return;
        const why = end.kind === 'error' ? end.error.message : `it exited with code ${end.code}`;
        reject(new KnowrecError('internal', `loading the dataset in a worker thread failed: ${why}`, { file: path }, 'try again; if it keeps failing, report it'));
      },
    });
  });
}
