/**
 * Entry of the dataset worker thread (dataset-loader.ts): opens the workspace, loads its dataset
 * with the KG edits applied, posts it (typed arrays moved) or the error, and ends. The data's
 * hash is recorded in the workspace when it does not know it (Workspace.loadDatasetRecordingHash);
 * `hashOnly` does only that, and posts no dataset.
 */
import { workerData } from 'node:worker_threads';
import { toApiError } from '../api/result';
import { Workspace } from '../core/store';
import { onStop, workerPort } from '../core/worker-launcher';
import { packDataset, type FromDatasetWorker } from './dataset-loader';

const port = workerPort('dataset-worker');
// the load is one synchronous call: a stop closes the port, and the answer goes nowhere
onStop(port, () => undefined);
const post = (m: FromDatasetWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

try {
  const { path, hashOnly } = workerData as { path: string; hashOnly?: boolean };
  const ws = Workspace.open(path);
  try {
    const ds = ws.loadDatasetRecordingHash();
    if (hashOnly === true) {
      post({ type: 'hashed' });
    } else {
      const { packed, transfer } = packDataset(ds);
      post({ type: 'done', packed }, transfer);
    }
  } finally {
    ws.close();
  }
} catch (e) {
  post({ type: 'failed', error: toApiError(e) });
}
port.close();
