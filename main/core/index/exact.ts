/**
 * Exact inner-product search over float32 vectors of a fixed dimension. Vectors live in one
 * contiguous Float32Array (slot-major); removal swaps the last slot into the hole; an id → slot
 * map finds vectors by id. For L2-normalized vectors the inner product is the cosine.
 */
import { KnowrecError } from '../errors';
import { topK } from '../topk';
import type { Exclusion, SearchHit, VectorIndex } from './types';
import { checkFinite, normalizeInPlace, prepareQuery, splitQueries } from './vectors';

export interface ExactIndexOptions {
  /** Slots to allocate up front (grows by doubling). Default 1024. */
  readonly initialCapacity?: number;
  /** L2-normalize vectors on add and queries on search (default false: they already are). */
  readonly normalize?: boolean;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export class ExactIndex implements VectorIndex {
  readonly dim: number;
  private readonly normalize: boolean;
  private data: Float32Array;
  private slotIds: Int32Array;
  private n = 0;
  private readonly slotOf = new Map<number, number>();
  /** Reused per query: scores and the exclusion mask over slots. */
  private scoreBuf = new Float32Array(0);
  private maskBuf = new Uint8Array(0);

  constructor(dim: number, opts: ExactIndexOptions = {}) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new KnowrecError('config', `Vector dimension must be a whole number ≥ 1, got ${dim}`, {}, 'pass the encoder dim, e.g. 384');
    }
    this.dim = dim;
    this.normalize = opts.normalize === true;
    const cap = Math.max(1, Math.floor(opts.initialCapacity ?? 1024));
    this.data = new Float32Array(cap * dim);
    this.slotIds = new Int32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** A copy of the vector stored for `id`, or undefined. */
  get(id: number): Float32Array | undefined {
    const s = this.slotOf.get(id);
    if (s === undefined) return undefined;
    return this.data.slice(s * this.dim, (s + 1) * this.dim);
  }

  /** Stored ids in slot order (the order of scoresFor without an id order). */
  ids(): Int32Array {
    return this.slotIds.slice(0, this.n);
  }

  add(ids: Int32Array | readonly number[], vecs: readonly Float32Array[] | Float32Array): void {
    const m = ids.length;
    const dim = this.dim;
    const flat = vecs instanceof Float32Array;
    if (flat ? vecs.length !== m * dim : vecs.length !== m) {
      const got = flat ? `${vecs.length} floats` : `${vecs.length} vectors`;
      throw new KnowrecError('validation', `add() got ${m} ids but ${got} (dim ${dim})`, {}, 'pass one vector of length dim per id');
    }
    // validate everything before changing anything
    for (let i = 0; i < m; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < INT32_MIN || id > INT32_MAX) {
        throw new KnowrecError('validation', `Vector id ${id} is not a 32-bit integer`, {}, 'use dense item indices as ids');
      }
      const v = flat ? vecs.subarray(i * dim, (i + 1) * dim) : vecs[i];
      if (v.length !== dim) {
        throw new KnowrecError('validation', `Vector for id ${id} has length ${v.length}, expected ${dim}`, {}, 'encode with the same model as the index');
      }
      checkFinite(v, `Vector for id ${id}`);
    }
    for (let i = 0; i < m; i++) {
      const id = ids[i];
      let s = this.slotOf.get(id);
      if (s === undefined) {
        s = this.n++;
        this.ensureCapacity(this.n);
        this.slotIds[s] = id;
        this.slotOf.set(id, s);
      }
      const v = flat ? vecs.subarray(i * dim, (i + 1) * dim) : vecs[i];
      this.data.set(v, s * dim);
      if (this.normalize) normalizeInPlace(this.data, s * dim, dim);
    }
  }

  remove(ids: Int32Array | readonly number[]): number {
    let removed = 0;
    const dim = this.dim;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const s = this.slotOf.get(id);
      if (s === undefined) continue;
      const last = this.n - 1;
      if (s !== last) {
        const moved = this.slotIds[last];
        this.data.copyWithin(s * dim, last * dim, (last + 1) * dim);
        this.slotIds[s] = moved;
        this.slotOf.set(moved, s);
      }
      this.slotOf.delete(id);
      this.n = last;
      removed++;
    }
    return removed;
  }

  /** Removes every vector. */
  clear(): void {
    this.slotOf.clear();
    this.n = 0;
  }

  search(
    queries: readonly Float32Array[] | Float32Array,
    k: number,
    exclude?: (queryIndex: number) => Exclusion | undefined,
  ): SearchHit[] {
    const qs = splitQueries(queries, this.dim, this.normalize);
    const n = this.n;
    const kk = Math.max(0, Math.min(Math.floor(k), n));
    if (this.scoreBuf.length < n) {
      this.scoreBuf = new Float32Array(Math.max(n, this.slotIds.length));
      this.maskBuf = new Uint8Array(this.scoreBuf.length);
    }
    const scores = this.scoreBuf.subarray(0, n);
    const mask = this.maskBuf.subarray(0, n);
    const out: SearchHit[] = [];
    for (let q = 0; q < qs.length; q++) {
      if (kk === 0) {
        out.push({ ids: new Int32Array(0), scores: new Float32Array(0) });
        continue;
      }
      this.scoreSlots(qs[q], scores);
      const ex = exclude?.(q);
      const useMask = ex !== undefined && this.fillMask(ex, mask);
      const slots = topK(scores, kk, useMask ? mask : undefined);
      out.push(this.resolveTies(slots, scores, useMask ? mask : undefined));
    }
    return out;
  }

  /**
   * Inner products of `query` with stored vectors: in slot order (see ids()) when `order` is
   * omitted, else out[j] for id order[j], `missing` (default NaN) where that id is absent.
   */
  scoresFor(query: Float32Array, order?: ArrayLike<number>, missing = Number.NaN): Float32Array {
    const q = prepareQuery(query, this.dim, this.normalize);
    const all = new Float32Array(this.n);
    this.scoreSlots(q, all);
    if (order === undefined) return all;
    const out = new Float32Array(order.length);
    for (let j = 0; j < order.length; j++) {
      const s = this.slotOf.get(order[j]);
      out[j] = s === undefined ? missing : all[s];
    }
    return out;
  }

  /**
   * Dense scores by id: out[id] for 0 ≤ id < length, `missing` (default NaN) where the id is
   * absent (e.g. one score per item index for a Scorer).
   */
  scoresById(query: Float32Array, length: number, missing = Number.NaN): Float32Array {
    const q = prepareQuery(query, this.dim, this.normalize);
    const all = new Float32Array(this.n);
    this.scoreSlots(q, all);
    const out = new Float32Array(length).fill(missing);
    for (let s = 0; s < this.n; s++) {
      const id = this.slotIds[s];
      if (id >= 0 && id < length) out[id] = all[s];
    }
    return out;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.slotIds.length) return;
    let cap = this.slotIds.length;
    while (cap < slots) cap *= 2;
    const data = new Float32Array(cap * this.dim);
    data.set(this.data.subarray(0, this.n * this.dim));
    this.data = data;
    const ids = new Int32Array(cap);
    ids.set(this.slotIds);
    this.slotIds = ids;
  }

  /** out[s] = <q, vector in slot s> for every slot. */
  private scoreSlots(q: Float32Array, out: Float32Array): void {
    const dim = this.dim;
    const data = this.data;
    const tail = dim & 3;
    const body = dim - tail;
    for (let s = 0, base = 0; s < this.n; s++, base += dim) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let d = 0; d < body; d += 4) {
        a0 += q[d] * data[base + d];
        a1 += q[d + 1] * data[base + d + 1];
        a2 += q[d + 2] * data[base + d + 2];
        a3 += q[d + 3] * data[base + d + 3];
      }
      for (let d = body; d < dim; d++) a0 += q[d] * data[base + d];
      out[s] = a0 + a1 + a2 + a3;
    }
  }

  /** Marks excluded slots in `mask`; false when nothing stored is excluded. */
  private fillMask(ex: Exclusion, mask: Uint8Array): boolean {
    mask.fill(0);
    let any = false;
    if (ex instanceof Uint8Array) {
      const ids = this.slotIds;
      for (let s = 0; s < this.n; s++) {
        const id = ids[s];
        if (id >= 0 && id < ex.length && ex[id] !== 0) {
          mask[s] = 1;
          any = true;
        }
      }
    } else {
      for (const id of ex) {
        const s = this.slotOf.get(id);
        if (s !== undefined) {
          mask[s] = 1;
          any = true;
        }
      }
    }
    return any;
  }

  /**
   * Maps slots to ids, ordered by score then id. topK breaks ties by slot, which depends on the
   * add/remove history; when a tie straddles the k-th place, the lower ids win instead.
   */
  private resolveTies(slots: Int32Array, scores: Float32Array, mask: Uint8Array | undefined): SearchHit {
    const kk = slots.length;
    let chosen: number[] = Array.from(slots);
    if (kk > 0) {
      const edge = scores[slots[kk - 1]];
      let inside = 0;
      for (let j = 0; j < kk; j++) if (scores[slots[j]] === edge) inside++;
      const tied: number[] = [];
      for (let s = 0; s < this.n; s++) {
        if (scores[s] === edge && (mask === undefined || mask[s] === 0)) tied.push(s);
      }
      if (tied.length > inside) {
        tied.sort((a, b) => this.slotIds[a] - this.slotIds[b]);
        chosen = chosen.filter((s) => scores[s] !== edge).concat(tied.slice(0, inside));
      }
    }
    chosen.sort((a, b) => scores[b] - scores[a] || this.slotIds[a] - this.slotIds[b]);
    const ids = new Int32Array(chosen.length);
    const sc = new Float32Array(chosen.length);
    for (let j = 0; j < chosen.length; j++) {
      ids[j] = this.slotIds[chosen[j]];
      sc[j] = scores[chosen[j]];
    }
    return { ids, scores: sc };
  }
}
