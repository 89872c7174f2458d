/**
 * V·x for a large item matrix V (row-major n × dim) and a few vectors x at a time, computed in
 * native code (onnxruntime's GEMM on the matvec worker thread) while the caller waits
 * synchronously: the scorers' score() and their explanations' re-scores are synchronous, and on
 * catalogs of 100k+ items these products are most of their time (a 300k × 256 product takes
 * 0.2–0.4 s in a JavaScript loop here, about 30 ms natively).
 *
 * The caller posts the vectors into a shared buffer and sleeps on a shared flag (Atomics.wait);
 * the worker runs the product, writes it after the vectors and raises the flag. Each matrix is
 * copied to the worker once, on its first product. One worker serves every matrix of the thread
 * (a thread that scores, e.g. the Api's or a job's, starts its own, with its own copies).
 *
 * Below NATIVE_PRODUCTS_MIN_FLOATS (n·dim) nothing is native: products() answers null and the
 * caller keeps its own loop, so small catalogs (every unit test, ml-100k, S) compute exactly as
 * before. Above it every product is native, so a model's numbers never depend on timing:
 *   - float32 sums (a JavaScript loop sums in float64): about 1e-7 of a score apart;
 *   - the same vector gives the same floats whatever it is computed with: onnxruntime's GEMM
 *     takes another path for a single row (summing in another order), so one vector is sent
 *     with a zero row beside it, and any batch of two or more rows gives every row the same bits
 *     (checked in test/unit/native-products.test.ts).
 * When the worker cannot answer (it did not load within START_WAIT_MS, it failed, or a product
 * came back neither within WAIT_MS nor at all), the thread stops using it (the worker is asked to
 * end) and every handle answers null from then on: the callers' JavaScript loops, float64 sums,
 * so from then on a model's numbers differ from its earlier ones by that rounding. The reason is
 * kept (nativeProductsProblem, ItemProducts.problem); a product onnxruntime failed on turns its
 * matrix's handle back to JavaScript alone.
 */
import { performance } from 'node:perf_hooks';
import { KnowrecError } from '../errors';
import { launchWorker, workerEntry, type LaunchedWorker } from '../worker-launcher';
import {
  CTL_DONE, CTL_SLOTS, CTL_STATE, CTL_STATUS, STATE_DEAD, STATE_LIVE, STATUS_OK,
  type ProductsWorkerData, type ToProducts,
} from './native-products-protocol';

/** From this many floats (n·dim) products are native: 16 MB of float32, e.g. 16k items × 256 dims. */
export const NATIVE_PRODUCTS_MIN_FLOATS = 4 * 1024 * 1024;
/** How long a caller waits for the worker to load (once per thread), and for each product. */
const START_WAIT_MS = 60_000;
const WAIT_MS = 60_000;

let minFloats = NATIVE_PRODUCTS_MIN_FLOATS;
/** While true every handle answers null (the callers' JavaScript loops): benchmarks/explain-latency.ts times both on one fit. */
let paused = false;

/** Sets the size from which handles made from now on are native (tests and benchmarks); returns the previous one. */
export function setNativeProductsMinFloats(n: number): number {
  const before = minFloats;
  minFloats = n;
  return before;
}

/** Pauses native products (benchmarks only: a model's numbers then change kind, see the module comment). */
export function pauseNativeProducts(on: boolean): void {
  paused = on;
}

/** V·x kept per item or user: float64 sums in JavaScript (multiMatVec), float32 when native (products). */
export type Column = Float32Array | Float64Array;

interface Shared {
  readonly worker: LaunchedWorker<ToProducts>;
  readonly ctl: Int32Array;
  io: SharedArrayBuffer | null;
  seq: number;
}

let shared: Shared | null = null;
/**
 * Why this thread computes no product natively any more: the worker did not start, ended, or left
 * a product unanswered. Set once; no other worker is started then (each start would cost a wait).
 */
let unavailable: string | null = null;
let nextId = 1;

/** Why products are not native in this thread (the worker failed), or null. */
export function nativeProductsProblem(): string | null {
  return unavailable;
}

/**
 * A model's `nativeProducts` param where its products stopped being native (ItemProducts.problem):
 * what an analyst reads in a run's params and results files, instead of a slower fit whose
 * scores moved by float rounding without a word.
 */
export function nativeProductsParam(problem: string | null): { readonly nativeProducts?: string } {
  return problem === null ? {} : { nativeProducts: `off: ${problem}; products in JavaScript from then on (slower; scores differ from the native ones by float rounding, ~1e-7)` };
}

/** The thread's worker, started on first use and waited for until it has loaded. */
function products(): Shared {
  if (unavailable !== null) throw new Error(unavailable);
  if (shared !== null) return shared;
  const ctlBuf = new SharedArrayBuffer(4 * CTL_SLOTS);
  const data: ProductsWorkerData = { ctl: ctlBuf };
  const s: Shared = {
    worker: launchWorker<ToProducts, never>(workerEntry(__dirname, 'matvec-worker'), data, {
      onMessage: () => undefined,
      onEnd: (end) => giveUp(s, end.kind === 'error' ? `the products worker failed: ${end.error.message}` : `the products worker exited (code ${end.code})`),
    }),
    ctl: new Int32Array(ctlBuf),
    io: null,
    seq: 0,
  };
  // an idle worker never keeps the process (or the thread that started it) alive
  s.worker.unref();
  shared = s;
  const why = waitFor(s.ctl, CTL_STATE, STATE_LIVE, START_WAIT_MS, { dead: 'the products worker failed while loading', late: `the products worker did not load within ${START_WAIT_MS / 1000} s` });
  if (why !== null) throw giveUp(s, why);
  return s;
}

/**
 * Sleeps until ctl[slot] is `want` (null), or says why not: the worker is dead, `ms` passed, or
 * the thread may not block (Atomics.wait throws on a browser-like main thread).
 */
function waitFor(ctl: Int32Array, slot: number, want: number, ms: number, why: { readonly dead: string; readonly late: string }): string | null {
  const deadline = performance.now() + ms;
  for (;;) {
    const now = Atomics.load(ctl, slot);
    if (now === want) return null;
    const left = deadline - performance.now();
    if (Atomics.load(ctl, CTL_STATE) === STATE_DEAD) return why.dead;
    if (left <= 0) return why.late;
    try {
      Atomics.wait(ctl, slot, now, Math.min(left, 1000));
    } catch {
      return 'this thread may not wait (Atomics.wait is not allowed here)';
    }
  }
}

/** Stops using the worker for good in this thread (it is asked to end); returns the reason as an Error. */
function giveUp(s: Shared, why: string): Error {
  unavailable ??= why;
  if (shared === s) {
    shared = null;
    void s.worker.close();
  }
  return new Error(why);
}

/** Matrices of handles that were garbage-collected are dropped from the worker. */
const dropped = new FinalizationRegistry<{ id: number; owner: Shared }>(({ id, owner }) => {
  if (shared === owner) owner.worker.post({ type: 'drop', id });
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
    return this.why === null && this.large && unavailable === null;
  }

  /** True when products() answers natively now (native, and native products not paused). */
  get answering(): boolean {
    return this.native && !paused;
  }

  /** Why products stopped being native for this matrix, or null (see also nativeProductsProblem). */
  get problem(): string | null {
    return this.why ?? (this.large ? unavailable : null);
  }

  /**
   * V·x_j for each vector (row i of V times x_j, float32 sums), one array of n scores per
   * vector; null when this handle is not native (the caller then computes them itself).
   */
  products(vecs: readonly ArrayLike<number>[]): Float32Array[] | null {
    if (!this.native || paused) return null;
    if (vecs.length === 0) return [];
    const { n, dim } = this;
    if (vecs.some((v) => v.length !== dim)) {
      throw new KnowrecError('internal', `native products: a vector of ${vecs.find((v) => v.length !== dim)?.length} dims for a matrix of ${dim}`);
    }
    let s: Shared;
    try {
      s = this.send();
    } catch {
      return null; // the worker is unavailable (nativeProductsProblem says why): the caller's loop
    }
    const k = Math.max(2, vecs.length); // a lone vector goes with a zero row (see the module comment)
    const bytes = 4 * k * (dim + n);
    if (s.io === null || s.io.byteLength < bytes) s.io = new SharedArrayBuffer(bytes);
    const io = s.io;
    const x = new Float32Array(io, 0, k * dim);
    x.fill(0);
    vecs.forEach((v, j) => {
      for (let d = 0; d < dim; d++) x[j * dim + d] = v[d];
    });
    s.seq = (s.seq % 0x7fffffff) + 1;
    const seq = s.seq;
    s.worker.post({ type: 'run', id: this.id, k, seq, io });
    const why = waitFor(s.ctl, CTL_DONE, seq, WAIT_MS, { dead: 'the products worker failed', late: `no product came back within ${WAIT_MS / 1000} s` });
    if (why !== null) {
      // a request left unanswered: this worker is not asked again (it could still write into io)
      giveUp(s, why);
      return null;
    }
    if (Atomics.load(s.ctl, CTL_STATUS) !== STATUS_OK) {
      this.why = 'onnxruntime could not compute the product';
      return null;
    }
    return vecs.map((_, j) => new Float32Array(io, 4 * (k * dim + j * n), n).slice());
  }

  /** V·x for one vector (products() of it alone), or null when this handle is not native. */
  product(vec: ArrayLike<number>): Float32Array | null {
    return this.products([vec])?.[0] ?? null;
  }

  /** Sends the matrix to the worker once (a copy, transferred). */
  private send(): Shared {
    const s = products();
    if (this.owner === s) return s;
    this.id = nextId++;
    this.owner = s;
    const copy = this.mat.slice(0, this.n * this.dim);
    s.worker.post({ type: 'add', id: this.id, mat: copy, n: this.n, dim: this.dim }, [copy.buffer]);
    dropped.register(this, { id: this.id, owner: s });
    return s;
  }
}
