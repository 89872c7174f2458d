/**
 * EASE (Steck, 2019): a dense item-item weight matrix B with zero diagonal, in closed form.
 * G = XᵀX + λI over the binary user × item training matrix X, P = G⁻¹,
 * B[i][j] = −P[i][j] / P[j][j] (i ≠ j), B[j][j] = 0; the score of user u is x_u·B.
 * The inverse runs on onnxruntime's native kernels (native-linalg.ts).
 *
 * Above `maxItems` items (default 12,000: the dense matrices then need ~50·n² bytes at the peak of
 * the inverse, ~7 GB, and its n³ time passes minutes on two cores; see docs/model.md) B is learned
 * on the `maxItems` most interacted training items only (the head); the other items (the tail)
 * score below every head item for every user, and so are recommended only after the whole head.
 */
import { KnowrecError, throwIfAborted } from '../errors';
import type { Csr, FitContext, Scorer } from '../types';
import { scratch, sortContributions, type HistoryAttribution, type HistoryContribution, type RemovedTies } from './attribution';
import { dedupeRows } from './csr';
import { checkContext, checkUser, gather, notFitted } from './scorer';
import { invertSpdNative } from './native-linalg';

export interface EaseOptions {
  /** L2 regularisation λ added to the Gram matrix's diagonal; > 0. Default 500. */
  readonly lambda?: number;
  /** Dense B over at most this many (most interacted) items; ≥ 1. Default 12,000. */
  readonly maxItems?: number;
}

export const EASE_DEFAULTS = { lambda: 500, maxItems: 12_000 } as const;

export class EaseScorer implements Scorer, HistoryAttribution {
  readonly name = 'ease';
  readonly lambda: number;
  readonly maxItems: number;
  private b: Float32Array | null = null;
  /** Training rows over the head's columns (head positions, not item ids). */
  private x: Csr | null = null;
  /** Head size: B is nHead × nHead. */
  private nHead = 0;
  private nItems = 0;
  /** Head position → item id, and item id → head position (−1 in the tail); null: the head is every item. */
  private head: { readonly items: Int32Array; readonly pos: Int32Array } | null = null;
  /** The last user scored: Σ of B's rows over the whole history (scoreWithout subtracts the removed rows from it). */
  private last: { readonly user: number; readonly sum: Float64Array } | null = null;

  constructor(opts: EaseOptions = {}) {
    this.lambda = opts.lambda ?? EASE_DEFAULTS.lambda;
    if (!(this.lambda > 0) || !Number.isFinite(this.lambda)) {
      throw new KnowrecError('config', `ease: lambda must be a positive number, got ${this.lambda}`, {}, 'e.g. lambda: 500');
    }
    this.maxItems = opts.maxItems ?? EASE_DEFAULTS.maxItems;
    if (!Number.isInteger(this.maxItems) || this.maxItems < 1) {
      throw new KnowrecError('config', `ease: maxItems must be a positive integer, got ${this.maxItems}`, {}, 'e.g. maxItems: 12000');
    }
  }

  async fit(ctx: FitContext): Promise<void> {
    checkContext(ctx, this.name);
    this.last = null;
    const full = dedupeRows(ctx.trainCsr, true);
    this.head = ctx.nItems > this.maxItems ? headItems(full, ctx.nItems, this.maxItems) : null;
    const x = this.head === null ? full : restrictColumns(full, this.head.pos, this.maxItems);
    const n = x.nCols;
    const progress = (fraction: number, message: string, code: string, params?: Readonly<Record<string, number>>): void => ctx.onProgress?.({ stage: 'ease', fraction, message, code, params });
    if (this.head === null) progress(0, 'gram matrix', 'gram');
    else progress(0, `gram matrix of the ${n} most interacted of ${ctx.nItems} items`, 'gramHead', { n, of: ctx.nItems });
    const g = sharedGram(ctx.trainCsr, x, n);
    throwIfAborted(ctx.signal);
    const p = await invertSpdNative(g, n, {
      shift: this.lambda,
      signal: ctx.signal,
      onProgress: (f) => progress(0.05 + 0.9 * f, 'inverse', 'inverse'),
    });
    this.b = weightsFromInverse(p, n);
    this.x = x;
    this.nHead = n;
    this.nItems = ctx.nItems;
    this.last = null; // again: a call during the fit may have kept a sum from the old weights
    progress(1, 'done', 'done');
  }

  score(user: number, items?: Int32Array): Float32Array {
    return gather(this.name, this.sumRows(user, null), items);
  }

  /** Exact: score(u, i) = Σ_j x_uj·B[j][i], one term per history item j. */
  attribute(user: number, item: number): HistoryContribution[] {
    const b = this.b;
    const x = this.x;
    if (b === null || x === null) throw notFitted(this.name);
    checkUser(this.name, user, x.nRows);
    const n = this.nHead;
    const target = this.head === null ? item : this.head.pos[item];
    const out: HistoryContribution[] = [];
    if (target < 0) return out;
    const id = (h: number): number => (this.head === null ? h : this.head.items[h]);
    for (let p = x.indptr[user]; p < x.indptr[user + 1]; p++) out.push({ item: id(x.indices[p]), weight: b[x.indices[p] * n + target] });
    return sortContributions(out);
  }

  /**
   * Exact: the removed items' rows of B subtracted (from the last user's full sum when it is at
   * hand and fewer rows are removed than kept, else the kept rows summed; in float64 either way).
   */
  scoreWithout(user: number, removed: ReadonlySet<number>, _ties?: RemovedTies, into?: Float32Array): Float32Array {
    return this.sumRows(user, removed, into);
  }

  /**
   * The summed scores as float32 at their items (in `into` when it fits); with a head, tail items
   * one below the user's lowest head score.
   */
  private spread(sum: Float64Array, into?: Float32Array): Float32Array {
    const out = scratch(into, this.nItems);
    const head = this.head;
    if (head === null) {
      out.set(sum);
      return out;
    }
    let low = Infinity;
    for (let h = 0; h < sum.length; h++) low = Math.min(low, Math.fround(sum[h]));
    out.fill(low - 1);
    for (let h = 0; h < sum.length; h++) out[head.items[h]] = sum[h];
    return out;
  }

  /** Σ of B's rows over the user's history items, leaving out `removed` (summed in float64). */
  private sumRows(user: number, removed: ReadonlySet<number> | null, into?: Float32Array): Float32Array {
    const b = this.b;
    const x = this.x;
    if (b === null || x === null) throw notFitted(this.name);
    checkUser(this.name, user, x.nRows);
    const n = this.nHead;
    const head = this.head;
    const gone = (p: number): boolean => removed !== null && removed.has(head === null ? x.indices[p] : head.items[x.indices[p]]);
    const a = x.indptr[user];
    const e = x.indptr[user + 1];
    let nGone = 0;
    for (let p = a; p < e; p++) if (gone(p)) nGone++;
    const last = this.last?.user === user ? this.last.sum : null;
    let sum: Float64Array;
    if (last !== null && 2 * nGone < e - a) {
      sum = last.slice();
      for (let p = a; p < e; p++) {
        if (!gone(p)) continue;
        const row = x.indices[p] * n;
        for (let j = 0; j < n; j++) sum[j] -= b[row + j];
      }
    } else {
      sum = new Float64Array(n);
      for (let p = a; p < e; p++) {
        if (gone(p)) continue;
        const row = x.indices[p] * n;
        for (let j = 0; j < n; j++) sum[j] += b[row + j];
      }
      if (nGone === 0) this.last = { user, sum: sum.slice() };
    }
    return this.spread(sum, into);
  }

  /** B[i][j], the learned weight from item i to item j (0 when either is outside the head). */
  weight(i: number, j: number): number {
    if (this.b === null) throw notFitted(this.name);
    const hi = this.head === null ? i : this.head.pos[i];
    const hj = this.head === null ? j : this.head.pos[j];
    return hi < 0 || hj < 0 ? 0 : this.b[hi * this.nHead + hj];
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    const out: Record<string, number> = { lambda: this.lambda };
    if (this.maxItems !== EASE_DEFAULTS.maxItems) out.maxItems = this.maxItems;
    if (this.head !== null) out.headItems = this.nHead;
    return out;
  }
}

/** The `count` most interacted items of x (ties: lower id first), as position ↔ id maps. */
function headItems(x: Csr, nItems: number, count: number): { items: Int32Array; pos: Int32Array } {
  const pop = new Int32Array(nItems);
  for (let p = 0; p < x.indices.length; p++) pop[x.indices[p]]++;
  const order = Array.from({ length: nItems }, (_, i) => i).sort((a, b) => pop[b] - pop[a] || a - b);
  const items = Int32Array.from(order.slice(0, count)).sort();
  const pos = new Int32Array(nItems).fill(-1);
  for (let h = 0; h < items.length; h++) pos[items[h]] = h;
  return { items, pos };
}

/** x's entries in head columns, renumbered to head positions (sorted, since items are). */
function restrictColumns(x: Csr, pos: Int32Array, nHead: number): Csr {
  const indptr = new Int32Array(x.nRows + 1);
  const indices = new Int32Array(x.indices.length);
  let o = 0;
  for (let u = 0; u < x.nRows; u++) {
    for (let p = x.indptr[u]; p < x.indptr[u + 1]; p++) {
      const h = pos[x.indices[p]];
      if (h >= 0) indices[o++] = h;
    }
    indptr[u + 1] = o;
  }
  return { nRows: x.nRows, nCols: nHead, indptr, indices: indices.slice(0, o), values: new Float32Array(o).fill(1) };
}

/**
 * The Gram matrix last built from each training matrix, for the next fit on it (a λ grid shares
 * one XᵀX). Keyed weakly by the caller's CSR: when the fit context goes, so does its n² doubles.
 */
const grams = new WeakMap<Csr, { readonly n: number; readonly g: Float64Array }>();

/** XᵀX of `x` (the binarised `train`, or its head columns), reused by later fits on `train`. */
function sharedGram(train: Csr, x: Csr, n: number): Float64Array {
  const hit = grams.get(train);
  if (hit !== undefined && hit.n === n) return hit.g;
  grams.delete(train);
  const g = gram(x, n);
  grams.set(train, { n, g });
  return g;
}

/** XᵀX (both triangles) of a binary user × item matrix, accumulated sparsely user by user. */
export function gram(x: Csr, n: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let u = 0; u < x.nRows; u++) {
    const a = x.indptr[u];
    const b = x.indptr[u + 1];
    // columns are sorted, so indices[q] ≤ indices[p] for q ≤ p: lower triangle
    for (let p = a; p < b; p++) {
      const row = x.indices[p] * n;
      for (let q = a; q <= p; q++) g[row + x.indices[q]] += 1;
    }
  }
  // upper triangle from the lower, in 64 × 64 tiles (a plain column walk misses the cache)
  const T = 64;
  for (let bi = 0; bi < n; bi += T) {
    for (let bj = 0; bj <= bi; bj += T) {
      const iEnd = Math.min(bi + T, n);
      for (let i = bi; i < iEnd; i++) {
        const jEnd = Math.min(bj + T, i);
        for (let j = bj; j < jEnd; j++) g[j * n + i] = g[i * n + j];
      }
    }
  }
  return g;
}

/** B = I − P·diag(1/diag(P)), i.e. B[i][j] = −P[i][j]/P[j][j] off the diagonal and 0 on it. */
function weightsFromInverse(p: Float64Array, n: number): Float32Array {
  const inv = new Float64Array(n);
  for (let j = 0; j < n; j++) inv[j] = 1 / p[j * n + j];
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const r = i * n;
    for (let j = 0; j < n; j++) b[r + j] = -p[r + j] * inv[j];
    b[r + i] = 0;
  }
  return b;
}
