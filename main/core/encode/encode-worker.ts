/**
 * Entry of the encoder worker thread (WorkerEncoder's other side): loads an OnnxEncoder and serves
 * encode requests, posting progress after every batch and honouring cancel messages between
 * batches.
 */
import { workerData } from 'node:worker_threads';
import { isStop, onStop, serializeError, workerPort } from '../worker-launcher';
import { OnnxEncoder } from './encoder';
import type { FromWorker, ToWorker, WorkerEncoderConfig } from './worker-protocol';

async function serve(): Promise<void> {
  const port = workerPort('encode-worker');
  const post = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);
  const config = (workerData as { config: WorkerEncoderConfig }).config;
  const jobs = new Map<number, AbortController>();
  onStop(port, () => {
    for (const c of jobs.values()) c.abort();
  });
  let encoder: OnnxEncoder;
  try {
    encoder = await OnnxEncoder.create({
      ...config,
      logger: {
        info: (message) => post({ type: 'log', level: 'info', message }),
        warn: (message) => post({ type: 'log', level: 'warn', message }),
      },
    });
  } catch (e) {
    post({ type: 'init-error', error: serializeError(e) });
    return;
  }
  port.on('message', (msg: ToWorker) => {
    if (isStop(msg)) return;
    if (msg.type === 'cancel') {
      jobs.get(msg.id)?.abort();
      return;
    }
    const ctrl = new AbortController();
    jobs.set(msg.id, ctrl);
    encoder
      .encode(msg.texts, {
        signal: ctrl.signal,
        role: msg.role,
        onProgress: (done, total) => post({ type: 'progress', id: msg.id, done, total }),
      })
      .then(
        (vectors) => post({ type: 'result', id: msg.id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer)),
        (e: unknown) => post({ type: 'error', id: msg.id, error: serializeError(e) }),
      )
      .finally(() => jobs.delete(msg.id));
  });
  post({ type: 'ready', modelId: encoder.modelId, cacheKey: encoder.cacheKey, dim: encoder.dim, provider: encoder.provider, asymmetric: encoder.asymmetric, languages: encoder.languages });
}

void serve();
