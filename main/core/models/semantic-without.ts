/**
 * semantic's scores without some history items (SemanticScorer.scoreWithout) as a low-rank
 * update, for the explanations' repeated counterfactuals of one user. With s the user-sentence
 * vector, m = Σ_j w_j v_j the weighted item mean and V the item vectors (rows v_i):
 *     score without R = V·q_R / ‖q_R‖,   q_R = β·s + (1 − β)·m_R/‖m_R‖,   m_R = m − Σ_{r∈R} w_r v_r,
 * so  V·q_R = β·(V·s) + (1 − β)/‖m_R‖·(V·m − Σ_{r∈R} w_r·(V·v_r))
 * and the norms are taken in the vectors' dimension. With V·s, V·m and V·v_r of the prepared
 * items kept for the user (computed together, one pass over V for up to eight vectors), a
 * removal set costs O(items·|R|) instead of a full items × dim product and the item mean again.
 * V·v_r depends on the item only, so those columns are also kept across users (least recently
 * used dropped first, COLUMN_CACHE_BYTES in all).
 *
 * On catalogs above native-products.ts's size switch the products are computed natively (float32
 * sums; the straightforward path's full product is native there too).
 *
 * Equal to the straightforward computation in exact arithmetic; in floating point it differs by
 * rounding (the straightforward path rounds the unit query vector to float32 first): about 1e-7
 * of a score, tested within 1e-6 (test/unit/models-without-lowrank.test.ts). Where the subtraction
 * would cancel, the set is left to the caller (null): sets of more than half the user's history
 * items, and sets that take nearly all of the mean's weight (recency weights 2^(−age/half-life)
 * can put almost all of it on a few recent items): ‖m_R‖ below CANCEL_RATIO·‖m‖ (with native
 * float32 columns CANCEL_RATIO_FLOAT32: within about 6e-7 of a score, tested within 1e-6 in
 * test/unit/native-products.test.ts).
 */
import { scratch, type RescoreAt } from './attribution';
import { multiMatVec } from './linalg';
import type { Column, ItemProducts } from './native-products';

/**
 * Below this ‖m_R‖ / ‖m‖ the subtraction has lost too many digits: recompute instead. The
 * products' rounding error, about ε·‖m‖, becomes ε·‖m‖/‖m_R‖ of a score after it: float64
 * columns (JavaScript, ε ≈ 1e-16) allow 1e-4, float32 ones (native, ε ≈ 6e-8) 0.1, which keeps
 * the update within about 6e-7 of the straightforward scores.
 */
const CANCEL_RATIO = 1e-4;
const CANCEL_RATIO_FLOAT32 = 0.1;

/** Bytes of V·v_r columns kept across users (about 100 columns of a 300k-item catalog). */
export const COLUMN_CACHE_BYTES = 256 * 1024 * 1024;

/** The user's weighted item mean and what it is made of (SemanticScorer.historyMean). */
export interface MeanParts {
  readonly items: readonly number[];
  readonly weights: readonly number[];
  readonly m: Float64Array;
  /** The user-sentence vector. */
  readonly s: Float32Array;
}

interface UserBase {
  readonly m: Float64Array;
  readonly s: Float64Array;
  /** V·s and V·m. */
  readonly vs: Column;
  readonly vm: Column;
  /** ‖m‖. */
  readonly mNorm: number;
  /** History item → its total weight in the mean (summed over repeated entries). */
  readonly weight: ReadonlyMap<number, number>;
}

export class SemanticRemovals {
  private user = -1;
  private base: UserBase | null = null;
  /** Prepared history item → V·v_r (the current user's). */
  private readonly products = new Map<number, Column>();
  /**
   * V·v_r does not depend on the user: columns computed for earlier users, least recently used
   * first (Map order), up to `maxColumns`. A popular item cited for many users is computed once.
   */
  private readonly columns = new Map<number, Column>();
  private readonly maxColumns: number;
  /** Columns computed, and found kept from an earlier user. */
  readonly columnCounts = { computed: 0, reused: 0 };

  /** @param native products computed natively on large catalogs (float32 columns; the cache counts 8 bytes a value all the same) */
  constructor(
    private readonly mat: Float32Array,
    private readonly dim: number,
    private readonly nItems: number,
    private readonly native: ItemProducts | null = null,
    cacheBytes = COLUMN_CACHE_BYTES,
  ) {
    this.maxColumns = Math.floor(cacheBytes / (8 * Math.max(1, nItems)));
  }

  /** Keeps V·s, V·m (once per user) and V·v_r of the user's history items among `items`. */
  prepare(user: number, parts: () => MeanParts, items: readonly number[]): void {
    if (user === this.user && this.base !== null) {
      this.addProducts(this.base.weight, items, []);
      return;
    }
    const p = parts();
    const weight = new Map<number, number>();
    p.items.forEach((j, k) => weight.set(j, (weight.get(j) ?? 0) + p.weights[k]));
    const s = Float64Array.from(p.s);
    this.user = user;
    this.base = null;
    this.products.clear();
    const [vs, vm] = this.addProducts(weight, items, [s, p.m]);
    this.base = { m: p.m, s, weight, vs, vm, mNorm: Math.hypot(...p.m) };
  }

  /** V·v_r of the history items among `items` not kept yet, computed in one pass with V·x of `extra` (returned). */
  private addProducts(weight: ReadonlyMap<number, number>, items: readonly number[], extra: readonly Float64Array[]): Column[] {
    const need: number[] = [];
    for (const r of new Set(items)) {
      if (!weight.has(r) || this.products.has(r)) continue;
      const kept = this.columns.get(r);
      if (kept === undefined) need.push(r);
      else {
        // the same numbers as computing it again (each product is summed on its own, in the same order)
        this.columns.delete(r);
        this.columns.set(r, kept);
        this.products.set(r, kept);
        this.columnCounts.reused++;
      }
    }
    if (need.length + extra.length === 0) return [];
    const vectors = [...extra, ...need.map((r) => Float64Array.from(this.mat.subarray(r * this.dim, (r + 1) * this.dim)))];
    const out: Column[] = this.native?.products(vectors) ?? multiMatVec(this.mat, this.nItems, this.dim, vectors);
    this.columnCounts.computed += need.length;
    need.forEach((r, j) => {
      this.products.set(r, out[extra.length + j]);
      this.keep(r, out[extra.length + j]);
    });
    return out.slice(0, extra.length);
  }

  /** Adds a column to the cross-user cache, dropping the least recently used beyond its size. */
  private keep(r: number, column: Column): void {
    if (this.maxColumns < 1) return;
    this.columns.set(r, column);
    while (this.columns.size > this.maxColumns) {
      const oldest = this.columns.keys().next();
      if (oldest.done === true) break;
      this.columns.delete(oldest.value);
    }
  }

  /** Columns kept across users (for tests and benchmarks). */
  get keptColumns(): number {
    return this.columns.size;
  }

  /**
   * The scores without `removed` for blend `blend`, or null when the user is not the prepared
   * one or the set is more than half the history (the caller then recomputes). History items of
   * the set not prepared yet are added first.
   */
  scoreWithout(user: number, blend: number, removed: ReadonlySet<number>, into?: Float32Array): Float32Array | null {
    const st = this.removal(user, blend, removed);
    if (st === null) return null;
    const out = scratch(into, this.nItems);
    fill(st, null, out);
    return out;
  }

  /**
   * scoreWithout item by item (attribution.ts RescoreAt), the same sums per item; null where
   * scoreWithout is. `query`: the unit query vector of the full scores. Every item moves by at
   * most max_i‖v_i‖ (`largestNorm`) times ‖q_R − query‖ plus the float32 rounding of the full
   * scores' and of the kept columns' sums ((dim + 2)·2⁻²⁴·‖v_i‖·‖x‖ per column of x).
   */
  rescoreAt(user: number, blend: number, removed: ReadonlySet<number>, query: Float32Array, largestNorm: number): RescoreAt | null {
    const st = this.removal(user, blend, removed);
    if (st === null || this.base === null) return null;
    const { s, mR } = st;
    const dim = this.dim;
    let diff = 0;
    let qq = 0;
    for (let d = 0; d < dim; d++) {
      diff += (st.scale * (blend * s[d] + st.a * mR[d]) - query[d]) ** 2;
      qq += query[d] * query[d];
    }
    // the columns' norms: ‖s‖, ‖m‖ and each removed item's ‖v_r‖ (unit item vectors at most largestNorm)
    const columns = blend * Math.hypot(...s) + Math.abs(st.a) * (this.base.mNorm + st.ws.reduce((t, w) => t + Math.abs(w) * largestNorm, 0));
    // a product's float32 sums and its vector's rounding to float32
    const gamma = (dim + 2) * 2 ** -24;
    const bound = largestNorm * (Math.sqrt(diff) + gamma * (Math.sqrt(qq) + st.scale * columns)) * (1 + 1e-9);
    return { offset: 0, bound, exact: null, write: (items, into) => fill(st, items, into) };
  }

  /** The per-removal pieces of scoreWithout (null where it answers null). */
  private removal(user: number, blend: number, removed: ReadonlySet<number>): Removal | null {
    if (user !== this.user || this.base === null) return null;
    const { weight } = this.base;
    const gone = [...removed].filter((r) => weight.has(r));
    if (2 * gone.length > weight.size) return null;
    this.addProducts(weight, gone, []);
    const { m, s, vs, vm } = this.base;
    const dim = this.dim;
    const mR = Float64Array.from(m);
    for (const r of gone) {
      const w = weight.get(r) ?? 0;
      const o = r * dim;
      for (let d = 0; d < dim; d++) mR[d] -= w * this.mat[o + d];
    }
    let keptWeight = 0;
    for (const [j, w] of weight) if (!removed.has(j)) keptWeight += Math.abs(w);
    let mNorm = 0;
    if (keptWeight > 0) for (let d = 0; d < dim; d++) mNorm += mR[d] * mR[d];
    mNorm = Math.sqrt(mNorm);
    const float32 = vm instanceof Float32Array || gone.some((r) => this.products.get(r) instanceof Float32Array);
    if (keptWeight > 0 && mNorm < (float32 ? CANCEL_RATIO_FLOAT32 : CANCEL_RATIO) * this.base.mNorm) return null;
    const a = mNorm > 0 ? (1 - blend) / mNorm : 0;
    let qNorm = 0;
    for (let d = 0; d < dim; d++) qNorm += (blend * s[d] + a * mR[d]) ** 2;
    qNorm = Math.sqrt(qNorm);
    const scale = qNorm > 0 ? 1 / qNorm : 0;
    const ws = gone.map((r) => weight.get(r) ?? 0);
    const ps = gone.map((r): Column => this.products.get(r) ?? new Float64Array(this.nItems));
    return { blend, scale, a, ws, ps, vs, vm, s, mR };
  }

  /** Forgets the kept user and the columns kept across users. */
  clear(): void {
    this.user = -1;
    this.base = null;
    this.products.clear();
    this.columns.clear();
  }
}

/** One removal's pieces: V·q_R/‖q_R‖ = scale·(blend·V·s + a·(V·m − Σ_r w_r·V·v_r)), a = (1 − blend)/‖m_R‖. */
interface Removal {
  readonly blend: number;
  readonly scale: number;
  readonly a: number;
  readonly ws: readonly number[];
  readonly ps: readonly Column[];
  readonly vs: Column;
  readonly vm: Column;
  readonly s: Float64Array;
  readonly mR: Float64Array;
}

/**
 * The removal's scores into out[i], for every item (`items` null) or the listed ones: one to
 * three removed items (an explanation's sets) unrolled, the same sums in the same order either way.
 */
function fill(st: Removal, items: Int32Array | null, out: Float32Array): void {
  const { blend, scale, a, ws, ps, vs, vm } = st;
  const n = items === null ? out.length : items.length;
  const [p0, p1, p2] = ps;
  const [w0, w1, w2] = ws;
  if (ps.length === 1) for (let t = 0; t < n; t++) { const i = items === null ? t : items[t]; out[i] = scale * (blend * vs[i] + a * (vm[i] - w0 * p0[i])); }
  else if (ps.length === 2) for (let t = 0; t < n; t++) { const i = items === null ? t : items[t]; out[i] = scale * (blend * vs[i] + a * (vm[i] - w0 * p0[i] - w1 * p1[i])); }
  else if (ps.length === 3) for (let t = 0; t < n; t++) { const i = items === null ? t : items[t]; out[i] = scale * (blend * vs[i] + a * (vm[i] - w0 * p0[i] - w1 * p1[i] - w2 * p2[i])); }
  else {
    for (let t = 0; t < n; t++) {
      const i = items === null ? t : items[t];
      let v = vm[i];
      for (let g = 0; g < ps.length; g++) v -= ws[g] * ps[g][i];
      out[i] = scale * (blend * vs[i] + a * v);
    }
  }
}
