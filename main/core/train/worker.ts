/**
 * Adapter training off the calling thread: a worker thread (train-worker.ts) runs trainAdapter;
 * the caller gets per-epoch progress and can cancel through its AbortSignal (a 'cancel' message;
 * the worker stops between batches and the last per-epoch checkpoint stays). Same signature as
 * trainAdapter.
 */
import { KnowrecError, cancelled } from '../errors';
import { launchWorker, reviveError, workerEntry, type WorkerEnd } from '../worker-launcher';
import { Adapter } from './adapter';
import type { TrainData, TrainOptions, TrainResult } from './trainer';
import type { FromTrainWorker, ToTrainWorker } from './worker-protocol';

function endError(end: WorkerEnd, file: string): KnowrecError {
  if (end.kind === 'error') {
    return new KnowrecError('internal', `the training worker failed: ${end.error.message}`, { file }, 'check that tsx is installed (npm install)');
  }
  return new KnowrecError('internal', `the training worker exited (code ${end.code})`, { file });
}

export function trainAdapterInWorker(data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  if (opts.signal?.aborted === true) return Promise.reject(cancelled());
  const file = workerEntry(__dirname, 'train-worker');
  return new Promise<TrainResult>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.close();
      f();
    };
    const onMessage = (msg: FromTrainWorker): void => {
      if (msg.type === 'epoch') {
        // a cancel posted from onEpoch reaches the worker before this ack (messages keep order)
        void Promise.resolve(opts.onEpoch?.(msg.record)).finally(() => {
          if (!settled) worker.post({ type: 'ack' });
        });
      } else if (msg.type === 'done') {
        const { config, weights, ...rest } = msg.result;
        finish(() => resolve({ ...rest, adapter: new Adapter(config, weights) }));
      } else {
        finish(() => reject(reviveError(msg.error)));
      }
    };
    const worker = launchWorker<ToTrainWorker, FromTrainWorker>(file, undefined, {
      onMessage,
      onEnd: (end) => finish(() => reject(endError(end, file))),
    });
    const onAbort = (): void => worker.post({ type: 'cancel' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const { seed, params, checkpointPath, resumeFrom } = opts;
    worker.post({ type: 'start', data, options: { seed, params, checkpointPath, resumeFrom } });
  });
}
