/**
 * Entry of the training worker thread (trainAdapterInWorker's other side): runs trainAdapter on
 * the data it is sent, posts one 'epoch' message per epoch and waits for the caller's 'ack' before
 * the next epoch (so a cancel sent while handling an epoch always lands before the next one
 * starts), and posts 'done' (weights) or 'error' at the end. A 'cancel' message aborts between
 * batches (the last checkpoint stays valid).
 */
import { isStop, onStop, serializeError, workerPort } from '../worker-launcher';
import { trainAdapter, type EpochRecord } from './trainer';
import type { FromTrainWorker, ToTrainWorker } from './worker-protocol';

const port = workerPort('train-worker');
const ctrl = new AbortController();
const post = (msg: FromTrainWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);
let acked: (() => void) | null = null;
const waitForAck = (): Promise<void> => new Promise((resolve) => { acked = resolve; });
const release = (): void => {
  const f = acked;
  acked = null;
  f?.();
};

onStop(port, () => {
  ctrl.abort();
  release();
});
port.on('message', (msg: ToTrainWorker) => {
  if (isStop(msg)) return;
  if (msg.type === 'cancel') {
    ctrl.abort();
    release();
    return;
  }
  if (msg.type === 'ack') {
    release();
    return;
  }
  const onEpoch = (record: EpochRecord): Promise<void> => {
    const p = waitForAck();
    post({ type: 'epoch', record });
    return p;
  };
  trainAdapter(msg.data, { ...msg.options, signal: ctrl.signal, onEpoch }).then(
    ({ adapter, ...rest }) => {
      const weights = adapter.params;
      post({ type: 'done', result: { ...rest, config: adapter.config, weights } }, [weights.buffer as ArrayBuffer]);
    },
    (e: unknown) => post({ type: 'error', error: serializeError(e) }),
  );
});
