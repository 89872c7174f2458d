/**
 * Entry of the KG index worker thread (kg-index-loader.ts): opens the workspace, reads what the
 * KG index needs (Workspace.loadKgDataset: no users, no interactions), builds the index with every
 * entity label, posts it packed (kg-cache.ts, one buffer moved) with the stamp it was built from,
 * saves it beside the workspace for the next session (best effort), and ends.
 */
import { workerData } from 'node:worker_threads';
import { toApiError } from '../api/result';
import { KgIndex } from '../core/kg';
import { kgCachePath, packKgIndex, writeKgCache } from '../core/kg/kg-cache';
import { Workspace } from '../core/store';
import { onStop, workerPort } from '../core/worker-launcher';
import type { FromKgIndexWorker } from './kg-index-loader';

const port = workerPort('kg-index-worker');
onStop(port, () => undefined);
const post = (m: FromKgIndexWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

async function main(): Promise<void> {
  const { path, save } = workerData as { path: string; save: boolean };
  let bytes: Uint8Array;
  let stamp: string;
  const ws = Workspace.open(path);
  try {
    stamp = ws.kgStamp();
    const { dataset, popularity } = ws.loadKgDataset();
    bytes = packKgIndex(new KgIndex(dataset, { popularity }).parts(), stamp);
  } finally {
    ws.close();
  }
  const saved = save ? await writeKgCache(kgCachePath(path), bytes).then(() => null, (e: unknown) => (e instanceof Error ? e.message : String(e))) : null;
  post({ type: 'done', bytes, stamp, saveError: saved }, [bytes.buffer as ArrayBuffer]);
}

main()
  .catch((e: unknown) => post({ type: 'failed', error: toApiError(e) }))
  .finally(() => port.close());
