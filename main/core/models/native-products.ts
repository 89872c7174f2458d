/**
 * V·x for a large item matrix V (row-major n × dim) and a few vectors x at a time, computed in
 * native code (onnxruntime's GEMM on the matvec worker thread) while the caller waits
 * synchronously: the scorers' score() and their explanations' re-scores are synchronous, and on
 * catalogs of 100k+ items these products are most of their time (a 300k × 256 product takes
 * 0.2–0.4 s in a JavaScript loop here, about 30 ms natively).
 *
 * The caller posts the vectors into a shared buffer and sleeps on a shared flag (Atomics.wait);
 * the worker runs the product, writes it after the vectors and raises the flag. Each matrix is
 * copied to the worker once, on its first product. One worker serves every matrix of the thread.
 *
 * Below NATIVE_PRODUCTS_MIN_FLOATS (n·dim) nothing is native: products() answers null and the
 * caller keeps its own loop, so small catalogs (every unit test, ml-100k, S) compute exactly as
 * before. Above it every product is native, so a model's numbers never depend on timing:
 *   - float32 sums (a JavaScript loop sums in float64): about 1e-7 of a score apart;
 *   - the same vector gives the same floats whatever it is computed with: onnxruntime's GEMM
 *     takes another path for a single row (summing in another order), so one vector is sent
 *     with a zero row beside it, and any batch of two or more rows gives every row the same bits
 *     (checked in test/unit/native-products.test.ts).
 * When the worker cannot answer (it failed to start, a product failed, or no answer came within
 * the wait), the handle says so (problem) and answers null from then on: the caller's own loop.
 */
import { launchWorker, workerEntry, type LaunchedWorker } from '../worker-launcher';
import { CTL_DONE, CTL_SLOTS, CTL_STATUS, STATUS_OK, type ToProducts } from './native-products-protocol';

/** From this many floats (n·dim) products are native: 16 MB of float32, e.g. 16k items × 256 dims. */
export const NATIVE_PRODUCTS_MIN_FLOATS = 4 * 1024 * 1024;
/** How long a caller waits for the first product of a matrix (the worker may be starting), and for later ones. */
const FIRST_WAIT_MS = 120_000;
const WAIT_MS = 60_000;

let minFloats = NATIVE_PRODUCTS_MIN_FLOATS;
/** While true every handle answers null (the callers' JavaScript loops): benchmarks/explain-latency.ts times both on one fit. */
let paused = false;

/** Pauses native products (benchmarks only: a model's numbers then change kind, see the module comment). */
export function pauseNativeProducts(on: boolean): void {
  paused = on;
}

/** Sets the size from which handles made from now on are native (tests and benchmarks); returns the previous one. */
export function setNativeProductsMinFloats(n: number): number {
  const before = minFloats;
  minFloats = n;
  return before;
}

interface Shared {
  readonly worker: LaunchedWorker<ToProducts>;
  readonly ctlBuf: SharedArrayBuffer;
  readonly ctl: Int32Array;
  io: SharedArrayBuffer | null;
  seq: number;
  /** Why this worker answers no more (it ended, or a product went unanswered). */
  broken: string | null;
}

let shared: Shared | null = null;
let nextId = 1;

/** The thread's worker, started on first use; after it broke, a fresh one. */
function products(): Shared {
  if (shared !== null && shared.broken === null) return shared;
  const ctlBuf = new SharedArrayBuffer(4 * CTL_SLOTS);
  const s: Shared = {
    worker: launchWorker<ToProducts, never>(workerEntry(__dirname, 'matvec-worker'), undefined, {
      onMessage: () => undefined,
      onEnd: (end) => {
        s.broken ??= end.kind === 'error' ? `the products worker failed: ${end.error.message}` : `the products worker exited (code ${end.code})`;
      },
    }),
    ctlBuf,
    ctl: new Int32Array(ctlBuf),
    io: null,
    seq: 0,
    broken: null,
  };
  // an idle worker never keeps the process (or the thread that started it) alive
  s.worker.unref();
  shared = s;
  return s;
}

/** Matrices of handles that were garbage-collected are dropped from the worker. */
const dropped = new FinalizationRegistry<{ id: number; owner: Shared }>(({ id, owner }) => {
  if (owner.broken === null) owner.worker.post({ type: 'drop', id });
});

/** Native products with one item matrix (see the module comment). */
export class ItemProducts {
  /** The matrix's id in the worker (0: not sent yet) and the worker holding it. */
  private id = 0;
  private owner: Shared | null = null;
  private why: string | null = null;

  /** Above the size switch when the handle was made (decided once: a model's numbers never change kind). */
  private readonly large: boolean;

  constructor(private readonly mat: Float32Array, readonly n: number, readonly dim: number) {
    this.large = n > 0 && dim > 0 && n * dim >= minFloats;
  }

  /** True when products() computes natively (a large matrix, and no failure so far). */
  get native(): boolean {
    return this.why === null && this.large;
  }

  /** Why products stopped being native, or null. */
  get problem(): string | null {
    return this.why;
  }

  /**
   * V·x_j for each vector (row i of V times x_j, float32 sums), one array of n scores per
   * vector; null when this handle is not native (the caller then computes them itself).
   */
  products(vecs: readonly ArrayLike<number>[]): Float32Array[] | null {
    if (!this.native || paused) return null;
    if (vecs.length === 0) return [];
    const { n, dim } = this;
    try {
      const s = this.send();
      const k = Math.max(2, vecs.length); // a lone vector goes with a zero row (see the module comment)
      const bytes = 4 * k * (dim + n);
      if (s.io === null || s.io.byteLength < bytes) s.io = new SharedArrayBuffer(bytes);
      const x = new Float32Array(s.io, 0, k * dim);
      x.fill(0);
      vecs.forEach((v, j) => {
        if (v.length !== dim) throw new Error(`a vector of ${v.length} dims for a matrix of ${dim}`);
        for (let d = 0; d < dim; d++) x[j * dim + d] = v[d];
      });
      const first = s.seq === 0;
      const seq = ++s.seq;
      s.worker.post({ type: 'run', id: this.id, k, seq, io: s.io, ctl: s.ctlBuf });
      const deadline = Date.now() + (first ? FIRST_WAIT_MS : WAIT_MS);
      for (;;) {
        const done = Atomics.load(s.ctl, CTL_DONE);
        if (done === seq) break;
        const left = deadline - Date.now();
        if (left <= 0) {
          s.broken = `no product came back within ${Math.round((first ? FIRST_WAIT_MS : WAIT_MS) / 1000)} s`;
          throw new Error(s.broken);
        }
        Atomics.wait(s.ctl, CTL_DONE, done, Math.min(left, 1000));
      }
      if (Atomics.load(s.ctl, CTL_STATUS) !== STATUS_OK) throw new Error('the native product failed');
      const io = s.io;
      return vecs.map((_, j) => new Float32Array(io, 4 * (k * dim + j * n), n).slice());
    } catch (e) {
      this.why = e instanceof Error ? e.message : String(e);
      return null;
    }
  }

  /** Sends the matrix to the worker once (a copy, transferred). */
  private send(): Shared {
    const s = products();
    if (s.broken !== null) throw new Error(s.broken);
    if (this.owner === s) return s;
    this.id = nextId++;
    this.owner = s;
    const copy = this.mat.slice(0, this.n * this.dim);
    s.worker.post({ type: 'add', id: this.id, mat: copy, n: this.n, dim: this.dim }, [copy.buffer]);
    dropped.register(this, { id: this.id, owner: s });
    return s;
  }
}
