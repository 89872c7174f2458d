/**
 * Entry of the item-products worker thread (native-products.ts's other side): keeps copies of
 * large item matrices as onnxruntime tensors and answers V·x for a few vectors at a time with one
 * native GEMM (MLAS, multi-threaded). The caller waits for the answer synchronously (Atomics.wait
 * on the shared control array of workerData), so this thread never posts results: it writes them
 * into the shared buffer of the request and raises the flag. Messages are served in order, so a
 * matrix added just before a request is ready when the request runs. The control array also says
 * when this thread is loaded (STATE_LIVE) and when it can serve no more (STATE_DEAD), which the
 * caller reads while it waits.
 */
import { workerData } from 'node:worker_threads';
import { ort } from '../ort';
import { onStop, workerPort } from '../worker-launcher';
import { gemmSession } from './native-matmul';
import { CTL_DONE, CTL_STATE, CTL_STATUS, STATE_DEAD, STATE_LIVE, STATUS_FAILED, STATUS_OK, type ProductsWorkerData, type ToProducts } from './native-products-protocol';

const port = workerPort('matvec-worker');
const ctl = new Int32Array((workerData as ProductsWorkerData).ctl);
const matrices = new Map<number, { tensor: ort.Tensor; n: number; dim: number }>();

/** Tells a waiting caller that this thread serves no more (it then stops waiting). */
function dead(): void {
  Atomics.store(ctl, CTL_STATE, STATE_DEAD);
  Atomics.notify(ctl, CTL_STATE);
  Atomics.notify(ctl, CTL_DONE);
}
process.on('uncaughtException', () => {
  dead();
  process.exit(1);
});

/** Requests run one at a time, in the order they came. */
let queue: Promise<void> = Promise.resolve();

port.on('message', (m: ToProducts | { readonly type: string }) => {
  const msg = m as ToProducts;
  if (msg.type === 'add') {
    try {
      matrices.set(msg.id, { tensor: new ort.Tensor('float32', msg.mat, [msg.n, msg.dim]), n: msg.n, dim: msg.dim });
    } catch {
      // a request for it then fails (no such matrix): the caller computes it itself
    }
  } else if (msg.type === 'drop') {
    matrices.delete(msg.id);
  } else if (msg.type === 'run') {
    queue = queue.then(() => run(msg));
  }
});
// Nothing to abort: a request is one native call, and the caller waits for it.
onStop(port, () => undefined);
Atomics.store(ctl, CTL_STATE, STATE_LIVE);
Atomics.notify(ctl, CTL_STATE);

async function run(msg: Extract<ToProducts, { type: 'run' }>): Promise<void> {
  let status = STATUS_FAILED;
  try {
    const mat = matrices.get(msg.id);
    if (mat === undefined) throw new Error(`matrix ${msg.id} is not kept`);
    const x = new Float32Array(msg.k * mat.dim);
    x.set(new Float32Array(msg.io, 0, msg.k * mat.dim));
    // S = U·Qᵀ: the vectors times the item matrix's rows
    const s = await gemmSession();
    const r = await s.run({ U: new ort.Tensor('float32', x, [msg.k, mat.dim]), Q: mat.tensor });
    new Float32Array(msg.io, 4 * msg.k * mat.dim, msg.k * mat.n).set(r.S.data as Float32Array);
    status = STATUS_OK;
  } catch {
    status = STATUS_FAILED;
  }
  Atomics.store(ctl, CTL_STATUS, status);
  Atomics.store(ctl, CTL_DONE, msg.seq);
  Atomics.notify(ctl, CTL_DONE);
}
