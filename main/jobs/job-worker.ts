/**
 * Entry of the job worker thread: runs one job (workerData.spec) and reports progress, curve
 * points and the outcome to the runner. A 'cancel' message aborts the job's signal.
 */
import { workerData } from 'node:worker_threads';
import { toApiError } from '../api/result';
import { onStop, workerPort } from '../core/worker-launcher';
import type { FromJobWorker, JobWorkerData, ToJobWorker } from './job-worker-spec';
import { runTask } from './job-worker-tasks';

const port = workerPort('job-worker');
const { spec } = workerData as JobWorkerData;
const controller = new AbortController();
const post = (m: FromJobWorker): void => port.postMessage(m);

port.on('message', (m: ToJobWorker) => {
  if (m.type === 'cancel') controller.abort();
});
onStop(port, () => controller.abort());

runTask(spec, {
  signal: controller.signal,
  progress: (fraction, message, parts) => post({ type: 'progress', fraction, message, parts }),
  curve: (point) => post({ type: 'curve', point }),
}).then(
  (result) => {
    post({ type: 'done', result });
    port.close();
  },
  (e: unknown) => {
    post({ type: 'error', error: toApiError(e) });
    port.close();
  },
);
