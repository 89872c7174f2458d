/**
 * Worker-thread side of WorkerEncoder: loads an OnnxEncoder and serves encode requests,
 * posting progress after every batch and honouring cancel messages between batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KnowrecError } from '../errors';
import { OnnxEncoder } from './encoder';
import type { FromWorker, SerializedError, ToWorker, WorkerEncoderConfig } from './worker-protocol';

function serialize(e: unknown): SerializedError {
  if (e instanceof KnowrecError) return { code: e.code, message: e.message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

async function serve(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('worker-entry must run inside a worker thread');
  const post = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);
  const config = (workerData as { config: WorkerEncoderConfig }).config;
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
    post({ type: 'init-error', error: serialize(e) });
    return;
  }
  const jobs = new Map<number, AbortController>();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'cancel') {
      jobs.get(msg.id)?.abort();
      return;
    }
    const ctrl = new AbortController();
    jobs.set(msg.id, ctrl);
    encoder
      .encode(msg.texts, {
        signal: ctrl.signal,
        onProgress: (done, total) => post({ type: 'progress', id: msg.id, done, total }),
      })
      .then(
        (vectors) => post({ type: 'result', id: msg.id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer)),
        (e: unknown) => post({ type: 'error', id: msg.id, error: serialize(e) }),
      )
      .finally(() => jobs.delete(msg.id));
  });
  post({ type: 'ready', modelId: encoder.modelId, dim: encoder.dim, provider: encoder.provider });
}

void serve();
