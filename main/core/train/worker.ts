/**
 * Adapter training off the calling thread: a worker_threads Worker runs trainAdapter; the caller
 * gets per-epoch progress and can cancel through its AbortSignal (a 'cancel' message; the worker
 * stops between batches and the last per-epoch checkpoint stays). Same signature as trainAdapter.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KnowrecError, cancelled } from '../errors';
import { Adapter } from './adapter';
import type { TrainData, TrainOptions, TrainResult } from './trainer';
import type { FromTrainWorker, ToTrainWorker } from './worker-protocol';

/** The worker entry file and the Node flags it needs (tsx's require hook for a .ts entry). */
export function trainWorkerLaunch(script?: string): { file: string; execArgv: string[] } {
  const file =
    script ?? (existsSync(join(__dirname, 'worker-entry.ts')) ? join(__dirname, 'worker-entry.ts') : join(__dirname, 'worker-entry.js'));
  if (!file.endsWith('.ts')) return { file, execArgv: [] };
  return { file, execArgv: ['--require', createRequire(__filename).resolve('tsx/cjs')] };
}

export function trainAdapterInWorker(data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  if (opts.signal?.aborted === true) return Promise.reject(cancelled());
  const { file, execArgv } = trainWorkerLaunch();
  const worker = new Worker(file, { execArgv });
  return new Promise<TrainResult>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = (): void => worker.postMessage({ type: 'cancel' } satisfies ToTrainWorker);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: FromTrainWorker) => {
      if (msg.type === 'epoch') {
        // a cancel posted from onEpoch reaches the worker before this ack (messages keep order)
        void Promise.resolve(opts.onEpoch?.(msg.record)).finally(() => {
          if (!settled) worker.postMessage({ type: 'ack' } satisfies ToTrainWorker);
        });
      } else if (msg.type === 'done') {
        const { config, weights, ...rest } = msg.result;
        finish(() => resolve({ ...rest, adapter: new Adapter(config, weights) }));
      } else if (msg.type === 'error') {
        const err = msg.error.code === 'cancelled' ? cancelled() : new KnowrecError(msg.error.code, 'training worker error');
        if (msg.error.code !== 'cancelled') err.message = msg.error.message;
        finish(() => reject(err));
      }
    });
    worker.on('error', (e) => finish(() => reject(new KnowrecError('internal', `the training worker failed: ${e.message}`, { file }, 'check that tsx is installed (npm install)'))));
    worker.on('exit', (code) => finish(() => reject(new KnowrecError('internal', `the training worker exited (code ${code})`, { file }))));
    const { seed, params, checkpointPath, resumeFrom } = opts;
    worker.postMessage({ type: 'start', data, options: { seed, params, checkpointPath, resumeFrom } } satisfies ToTrainWorker);
  });
}
