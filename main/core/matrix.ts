import type { Csr, Interactions } from './types';

/** Number of interactions. */
export function interactionCount(x: Interactions): number {
  return x.user.length;
}

/** An empty interaction set. */
export function emptyInteractions(): Interactions {
  return { user: new Int32Array(0), item: new Int32Array(0), rating: new Float32Array(0), timestamp: new Float64Array(0) };
}

/** Rows of `x` selected by `idx`, in that order. */
export function selectInteractions(x: Interactions, idx: ArrayLike<number>): Interactions {
  const n = idx.length;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const rating = new Float32Array(n);
  const timestamp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = idx[i];
    user[i] = x.user[j];
    item[i] = x.item[j];
    rating[i] = x.rating[j];
    timestamp[i] = x.timestamp[j];
  }
  return { user, item, rating, timestamp };
}

/** Concatenation of interaction sets. */
export function concatInteractions(parts: readonly Interactions[]): Interactions {
  const n = parts.reduce((s, p) => s + p.user.length, 0);
  const out = {
    user: new Int32Array(n),
    item: new Int32Array(n),
    rating: new Float32Array(n),
    timestamp: new Float64Array(n),
  };
  let o = 0;
  for (const p of parts) {
    out.user.set(p.user, o);
    out.item.set(p.item, o);
    out.rating.set(p.rating, o);
    out.timestamp.set(p.timestamp, o);
    o += p.user.length;
  }
  return out;
}

/**
 * User × item CSR matrix of interactions (values = rating). Duplicate (user, item) pairs are
 * kept as separate entries; columns within a row are sorted ascending.
 */
export function toCsr(x: Interactions, nUsers: number, nItems: number): Csr {
  return buildCsr(x.user, x.item, x.rating, nUsers, nItems);
}

/** Item × user CSR (the transpose view). */
export function toCsc(x: Interactions, nUsers: number, nItems: number): Csr {
  return buildCsr(x.item, x.user, x.rating, nItems, nUsers);
}

/**
 * Positions 0..n−1 of `rows` grouped by row with a counting sort: row r's positions are
 * order[indptr[r]] … order[indptr[r + 1] − 1], ascending within the row.
 */
export function groupByRow(rows: Int32Array, nRows: number): { readonly indptr: Int32Array; readonly order: Int32Array } {
  const n = rows.length;
  const indptr = new Int32Array(nRows + 1);
  for (let i = 0; i < n; i++) indptr[rows[i] + 1]++;
  for (let r = 0; r < nRows; r++) indptr[r + 1] += indptr[r];
  const fill = indptr.slice(0, nRows);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[rows[i]]++] = i;
  return { indptr, order };
}

function buildCsr(
  rows: Int32Array,
  cols: Int32Array,
  vals: Float32Array,
  nRows: number,
  nCols: number,
): Csr {
  const nnz = rows.length;
  const { indptr, order } = groupByRow(rows, nRows);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let p = 0; p < nnz; p++) {
    indices[p] = cols[order[p]];
    values[p] = vals[order[p]];
  }
  // sort columns within each row (insertion sort: rows are short)
  for (let r = 0; r < nRows; r++) {
    const a = indptr[r];
    const b = indptr[r + 1];
    for (let i = a + 1; i < b; i++) {
      const c = indices[i];
      const v = values[i];
      let j = i - 1;
      while (j >= a && indices[j] > c) {
        indices[j + 1] = indices[j];
        values[j + 1] = values[j];
        j--;
      }
      indices[j + 1] = c;
      values[j + 1] = v;
    }
  }
  return { nRows, nCols, indptr, indices, values };
}

/** Column indices of row `r`. */
export function rowIndices(m: Csr, r: number): Int32Array {
  return m.indices.subarray(m.indptr[r], m.indptr[r + 1]);
}

/** Values of row `r`. */
export function rowValues(m: Csr, r: number): Float32Array {
  return m.values.subarray(m.indptr[r], m.indptr[r + 1]);
}

/** The first position in ascending `a` whose value is not below `v` (a.length when none). */
export function lowerBound(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The distinct values of some int lists, ascending (sorted and deduplicated: for short lists). */
export function sortedUnion(lists: readonly Int32Array[]): Int32Array {
  const all = new Int32Array(lists.reduce((a, t) => a + t.length, 0));
  let o = 0;
  for (const t of lists) {
    all.set(t, o);
    o += t.length;
  }
  all.sort();
  let c = 0;
  for (let j = 0; j < all.length; j++) if (j === 0 || all[j] !== all[j - 1]) all[c++] = all[j];
  return all.slice(0, c);
}

/** A growable list of int32 values (doubling its buffer). */
export class IntList {
  private buf: Int32Array;
  private n = 0;
  constructor(capacity: number) {
    this.buf = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }
  sortAscending(): void {
    this.buf.subarray(0, this.n).sort();
  }
  view(): Int32Array {
    return this.buf.subarray(0, this.n);
  }
}
