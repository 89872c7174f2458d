/** Messages between native-products.ts and its worker thread (matvec-worker.ts). */

// Slots of the shared control array (Int32Array, given to the worker in workerData.ctl).
/** The last request answered (its seq). */
export const CTL_DONE = 0;
/** How the last request went: STATUS_OK or STATUS_FAILED. */
export const CTL_STATUS = 1;
/** 0 while the worker loads, LIVE once it serves, DEAD when it can serve no more. */
export const CTL_STATE = 2;
export const CTL_SLOTS = 3;
export const STATUS_OK = 0;
export const STATUS_FAILED = 1;
export const STATE_LIVE = 1;
export const STATE_DEAD = 2;

/** workerData of the products worker. */
export interface ProductsWorkerData {
  readonly ctl: SharedArrayBuffer;
}

export type ToProducts =
  /** Keep this matrix (row-major n × dim, the worker's own copy) as `id`. */
  | { readonly type: 'add'; readonly id: number; readonly mat: Float32Array; readonly n: number; readonly dim: number }
  /** Forget matrix `id`. */
  | { readonly type: 'drop'; readonly id: number }
  /**
   * P = X·Vᵀ for the k vectors X at the start of `io` (float32, k × dim); P (k × n, row j is V·x_j)
   * is written after them. Then CTL_STATUS is set and CTL_DONE becomes `seq`.
   */
  | { readonly type: 'run'; readonly id: number; readonly k: number; readonly seq: number; readonly io: SharedArrayBuffer };
