/**
 * Item-based k-nearest neighbours. Cosine similarity between item columns of the training
 * matrix (binary by default, or ratings), sim(i, j) = x_i·x_j / (‖x_i‖·‖x_j‖ + shrink), keeping the
 * top-k neighbours of each item. score(u, i) = Σ_{j ∈ N_k(i)} w_uj·sim(i, j) where w_uj is 1 (or
 * u's rating of j) for u's training items j.
 */
import { KnowrecError, throwIfAborted } from '../errors';
import { createRng } from '../random';
import { topK } from '../topk';
import type { Csr, FitContext, Scorer } from '../types';
import { scratch, sortContributions, type HistoryAttribution, type HistoryContribution, type RemovedTies } from './attribution';
import { dedupeRows, transpose } from './csr';
import { checkContext, checkUser, gather, notFitted } from './scorer';

export type KnnWeighting = 'binary' | 'rating';

export interface ItemKnnOptions {
  /** Neighbours kept per item; positive integer. Default 100. */
  readonly k?: number;
  /** Added to the cosine denominator; damps similarities resting on few co-occurrences. Default 0. */
  readonly shrink?: number;
  /** Use 1 for every interaction ('binary', default) or its rating ('rating'). */
  readonly weighting?: KnnWeighting;
  /**
   * Similarities counted over at most this many (seeded random) training items per user; the
   * co-occurrence count costs Σ_u n_u², so this bounds it by users × maxUserItems². Scores still
   * use the whole history. Default: every item (scale mode: scale.ts).
   */
  readonly maxUserItems?: number;
}

export const ITEMKNN_DEFAULTS = { k: 100, shrink: 0, weighting: 'binary' } as const;

export class ItemKnnScorer implements Scorer, HistoryAttribution {
  readonly name = 'itemknn';
  readonly k: number;
  readonly shrink: number;
  readonly weighting: KnnWeighting;
  readonly maxUserItems: number | undefined;
  private x: Csr | null = null;
  /** Transposed neighbourhoods: row j lists the items i with j ∈ N_k(i) and sim(i, j). */
  private reverse: Csr | null = null;

  constructor(opts: ItemKnnOptions = {}) {
    this.k = opts.k ?? ITEMKNN_DEFAULTS.k;
    this.shrink = opts.shrink ?? ITEMKNN_DEFAULTS.shrink;
    this.weighting = opts.weighting ?? ITEMKNN_DEFAULTS.weighting;
    this.maxUserItems = opts.maxUserItems;
    if (this.maxUserItems !== undefined && (!Number.isInteger(this.maxUserItems) || this.maxUserItems < 1)) {
      throw new KnowrecError('config', `itemknn: maxUserItems must be a positive integer, got ${this.maxUserItems}`, {}, 'e.g. maxUserItems: 50');
    }
    if (!Number.isInteger(this.k) || this.k < 1) {
      throw new KnowrecError('config', `itemknn: k must be a positive integer, got ${this.k}`, {}, 'e.g. k: 100');
    }
    if (!(this.shrink >= 0) || !Number.isFinite(this.shrink)) {
      throw new KnowrecError('config', `itemknn: shrink must be a number ≥ 0, got ${this.shrink}`, {}, 'e.g. shrink: 10');
    }
    if (this.weighting !== 'binary' && this.weighting !== 'rating') {
      throw new KnowrecError('config', `itemknn: weighting must be 'binary' or 'rating', got '${String(this.weighting)}'`);
    }
  }

  async fit(ctx: FitContext): Promise<void> {
    checkContext(ctx, this.name);
    const x = dedupeRows(ctx.trainCsr, this.weighting === 'binary');
    const xSim = this.maxUserItems !== undefined ? capRows(x, this.maxUserItems, ctx.seed) : x;
    const neighbours = sharedNeighbours(ctx.trainCsr, xSim, this, ctx.signal, (f) =>
      ctx.onProgress?.({ stage: 'itemknn', fraction: f }),
    );
    this.reverse = transpose(neighbours);
    this.x = x;
    ctx.onProgress?.({ stage: 'itemknn', fraction: 1 });
  }

  score(user: number, items?: Int32Array): Float32Array {
    return gather(this.name, this.scoreWithout(user, new Set()), items);
  }

  /** Exact: score(u, i) = Σ_j w_uj·sim(i, j), one term per history item j with i among j's reverse neighbours. */
  attribute(user: number, item: number): HistoryContribution[] {
    const { x, rev } = this.fitted(user);
    const out: HistoryContribution[] = [];
    for (let p = x.indptr[user]; p < x.indptr[user + 1]; p++) {
      const j = x.indices[p];
      for (let q = rev.indptr[j]; q < rev.indptr[j + 1]; q++) {
        if (rev.indices[q] === item) out.push({ item: j, weight: x.values[p] * rev.values[q] });
      }
    }
    return sortContributions(out);
  }

  /** Exact: the removed items' terms left out. */
  scoreWithout(user: number, removed: ReadonlySet<number>, _ties?: RemovedTies, into?: Float32Array): Float32Array {
    const { x, rev } = this.fitted(user);
    const out = scratch(into, x.nCols).fill(0);
    for (let p = x.indptr[user]; p < x.indptr[user + 1]; p++) {
      const j = x.indices[p];
      if (removed.has(j)) continue;
      const w = x.values[p];
      for (let q = rev.indptr[j]; q < rev.indptr[j + 1]; q++) out[rev.indices[q]] += w * rev.values[q];
    }
    return out;
  }

  private fitted(user: number): { x: Csr; rev: Csr } {
    const x = this.x;
    const rev = this.reverse;
    if (x === null || rev === null) throw notFitted(this.name);
    checkUser(this.name, user, x.nRows);
    return { x, rev };
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    return { k: this.k, shrink: this.shrink, weighting: this.weighting, ...(this.maxUserItems !== undefined ? { maxUserItems: this.maxUserItems } : {}) };
  }
}

/**
 * Item × item CSR: row i holds i's top-k most similar other items (similarity > 0), best first.
 * Co-occurrences are accumulated sparsely, item by item, through the item × user transpose.
 */
export function topNeighbours(
  x: Csr,
  k: number,
  shrink: number,
  signal?: AbortSignal,
  onProgress?: (fraction: number) => void,
): Csr {
  const nItems = x.nCols;
  const xt = transpose(x);
  const norm = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let s = 0;
    for (let p = xt.indptr[i]; p < xt.indptr[i + 1]; p++) s += xt.values[p] * xt.values[p];
    norm[i] = Math.sqrt(s);
  }
  const acc = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  const seen = new Uint8Array(nItems);
  const candSim = new Float64Array(nItems);
  const indptr = new Int32Array(nItems + 1);
  let indices = new Int32Array(Math.min(nItems * k, 1 << 20));
  let values = new Float32Array(indices.length);
  let nnz = 0;
  for (let i = 0; i < nItems; i++) {
    if ((i & 63) === 0) {
      throwIfAborted(signal);
      onProgress?.(i / nItems);
    }
    let nTouched = 0;
    for (let p = xt.indptr[i]; p < xt.indptr[i + 1]; p++) {
      const u = xt.indices[p];
      const wi = xt.values[p];
      for (let q = x.indptr[u]; q < x.indptr[u + 1]; q++) {
        const j = x.indices[q];
        if (seen[j] === 0) {
          seen[j] = 1;
          touched[nTouched++] = j;
        }
        acc[j] += wi * x.values[q];
      }
    }
    // candidates in item order, so that topK's ties (lower position first) go to the lower item
    touched.subarray(0, nTouched).sort();
    let nCand = 0;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t];
      const dotij = acc[j];
      acc[j] = 0;
      seen[j] = 0;
      if (j === i) continue;
      const sim = dotij / (norm[i] * norm[j] + shrink);
      if (sim > 0) {
        touched[nCand] = j;
        candSim[nCand] = sim;
        nCand++;
      }
    }
    const best = topK(candSim.subarray(0, nCand), k);
    if (nnz + best.length > indices.length) {
      const cap = Math.max(indices.length * 2, nnz + best.length);
      const ni = new Int32Array(cap);
      ni.set(indices.subarray(0, nnz));
      const nv = new Float32Array(cap);
      nv.set(values.subarray(0, nnz));
      indices = ni;
      values = nv;
    }
    for (let b = 0; b < best.length; b++) {
      indices[nnz] = touched[best[b]];
      values[nnz] = candSim[best[b]];
      nnz++;
    }
    indptr[i + 1] = nnz;
  }
  return { nRows: nItems, nCols: nItems, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/** Neighbours computed at least this deep once per training matrix, so a k grid shares them. */
const SHARED_K = 200;

/** The last neighbour lists built (SHARED_K or more deep), for the next fit on the same data. */
let lastNeighbours: {
  readonly key: WeakRef<Csr>;
  readonly shrink: number;
  readonly weighting: KnnWeighting;
  readonly maxUserItems: number | undefined;
  readonly k: number;
  readonly m: Csr;
} | null = null;

/**
 * topNeighbours(x, k, shrink), computed max(k, SHARED_K) deep and kept for the next fit on the
 * same `train` object with the same shrink and weighting, then cut to each row's first k.
 */
function sharedNeighbours(
  train: Csr,
  x: Csr,
  o: { readonly k: number; readonly shrink: number; readonly weighting: KnnWeighting; readonly maxUserItems: number | undefined },
  signal?: AbortSignal,
  onProgress?: (fraction: number) => void,
): Csr {
  const last = lastNeighbours;
  const hit = last !== null && last.key.deref() === train && last.shrink === o.shrink && last.weighting === o.weighting && last.maxUserItems === o.maxUserItems && last.k >= o.k;
  if (!hit) {
    lastNeighbours = null;
    const k = Math.max(o.k, SHARED_K);
    lastNeighbours = { key: new WeakRef(train), shrink: o.shrink, weighting: o.weighting, maxUserItems: o.maxUserItems, k, m: topNeighbours(x, k, o.shrink, signal, onProgress) };
  }
  return firstPerRow((lastNeighbours as { m: Csr }).m, o.k);
}

/** Each row's first k entries. */
function firstPerRow(m: Csr, k: number): Csr {
  const indptr = new Int32Array(m.nRows + 1);
  for (let r = 0; r < m.nRows; r++) indptr[r + 1] = indptr[r] + Math.min(k, m.indptr[r + 1] - m.indptr[r]);
  const indices = new Int32Array(indptr[m.nRows]);
  const values = new Float32Array(indptr[m.nRows]);
  for (let r = 0; r < m.nRows; r++) {
    const len = indptr[r + 1] - indptr[r];
    indices.set(m.indices.subarray(m.indptr[r], m.indptr[r] + len), indptr[r]);
    values.set(m.values.subarray(m.indptr[r], m.indptr[r] + len), indptr[r]);
  }
  return { nRows: m.nRows, nCols: m.nCols, indptr, indices, values };
}

/** Each row's entries, or a seeded random `cap` of them (kept in column order) where it has more. */
export function capRows(x: Csr, cap: number, seed: number): Csr {
  const rng = createRng(seed);
  const indptr = new Int32Array(x.nRows + 1);
  for (let r = 0; r < x.nRows; r++) indptr[r + 1] = indptr[r] + Math.min(cap, x.indptr[r + 1] - x.indptr[r]);
  const indices = new Int32Array(indptr[x.nRows]);
  const values = new Float32Array(indptr[x.nRows]);
  for (let r = 0; r < x.nRows; r++) {
    const a = x.indptr[r];
    const n = x.indptr[r + 1] - a;
    const pick = n <= cap ? Int32Array.from({ length: n }, (_, j) => j) : rng.shuffle(Int32Array.from({ length: n }, (_, j) => j)).slice(0, cap).sort();
    pick.forEach((j, o) => {
      indices[indptr[r] + o] = x.indices[a + j];
      values[indptr[r] + o] = x.values[a + j];
    });
  }
  return { nRows: x.nRows, nCols: x.nCols, indptr, indices, values };
}
