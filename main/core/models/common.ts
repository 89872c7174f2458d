/**
 * Helpers shared by the scorers: checks on the fit context and on score requests, binarised
 * training rows, and gathering a subset of a full score vector.
 */
import { KnowrecError } from '../errors';
import type { Csr, FitContext } from '../types';

/** Throws unless the context's matrix agrees with its declared sizes. */
export function checkContext(ctx: FitContext, model: string): void {
  const m = ctx.trainCsr;
  if (!Number.isInteger(ctx.nUsers) || ctx.nUsers < 0 || !Number.isInteger(ctx.nItems) || ctx.nItems < 0) {
    throw new KnowrecError('validation', `${model}: nUsers=${ctx.nUsers}, nItems=${ctx.nItems} must be non-negative integers`);
  }
  if (m.nRows !== ctx.nUsers || m.nCols !== ctx.nItems) {
    throw new KnowrecError(
      'validation',
      `${model}: trainCsr is ${m.nRows}×${m.nCols}, expected ${ctx.nUsers}×${ctx.nItems}`,
      {},
      'build it with toCsr(train, nUsers, nItems)',
    );
  }
}

/**
 * User × item matrix with duplicate (user, item) entries merged. `binary` sets every value to
 * 1; otherwise a merged entry keeps the largest value. Columns stay sorted within a row.
 */
export function dedupeRows(m: Csr, binary: boolean): Csr {
  const indptr = new Int32Array(m.nRows + 1);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  let o = 0;
  for (let r = 0; r < m.nRows; r++) {
    const a = m.indptr[r];
    const b = m.indptr[r + 1];
    for (let p = a; p < b; p++) {
      const c = m.indices[p];
      const v = binary ? 1 : m.values[p];
      if (o > indptr[r] && indices[o - 1] === c) {
        if (v > values[o - 1]) values[o - 1] = v;
        continue;
      }
      indices[o] = c;
      values[o] = v;
      o++;
    }
    indptr[r + 1] = o;
  }
  return { nRows: m.nRows, nCols: m.nCols, indptr, indices: indices.slice(0, o), values: values.slice(0, o) };
}

/** Transpose of a CSR matrix (columns sorted within each output row). */
export function transpose(m: Csr): Csr {
  const nnz = m.indices.length;
  const indptr = new Int32Array(m.nCols + 1);
  for (let p = 0; p < nnz; p++) indptr[m.indices[p] + 1]++;
  for (let c = 0; c < m.nCols; c++) indptr[c + 1] += indptr[c];
  const fill = indptr.slice(0, m.nCols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
      const q = fill[m.indices[p]]++;
      indices[q] = r;
      values[q] = m.values[p];
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, values };
}

/** Throws unless `user` is a valid row of a fitted model. */
export function checkUser(model: string, user: number, nUsers: number): void {
  if (!Number.isInteger(user) || user < 0 || user >= nUsers) {
    throw new KnowrecError('validation', `${model}: user ${user} is outside 0..${nUsers - 1}`, {}, 'pass a dense user index from the fitted dataset');
  }
}

export function notFitted(model: string): KnowrecError {
  return new KnowrecError('internal', `${model}: score() was called before fit()`, {}, 'call and await fit(ctx) first');
}

/** `full[items[j]]` for each j, or `full` itself when `items` is undefined. */
export function gather(model: string, full: Float32Array, items: Int32Array | undefined): Float32Array {
  if (items === undefined) return full;
  const n = full.length;
  const out = new Float32Array(items.length);
  for (let j = 0; j < items.length; j++) {
    const it = items[j];
    if (it < 0 || it >= n) {
      throw new KnowrecError('validation', `${model}: item ${it} is outside 0..${n - 1}`, {}, 'pass dense item indices');
    }
    out[j] = full[it];
  }
  return out;
}

/** Lets pending events (such as an abort) run; used between epochs of long fits. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
