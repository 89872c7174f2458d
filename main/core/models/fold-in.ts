/**
 * Fold-in attribution for the factor models (BPR, kg-embed): score(u, i) = p_u·q_i, where the
 * user factor p_u came out of training and cannot be split over the history directly. Instead the
 * user's factor is re-solved from the history by a ridge fold-in
 *     p̂ = A⁻¹ b,   A = Σ_{j∈H} q_j q_jᵀ + λI,   b = Σ_{j∈H} q_j
 * (least squares of "1" on each history item's factor q_j; neither model has an item bias, so
 * there is nothing to subtract from the target), and the history item j's part of the score is
 * what the score loses when j leaves the fold-in:
 *     score without R = p_u·q_i + (p̂_{−R} − p̂)·q_i
 * — the fold-in's DELTA applied to the trained p_u, so that with nothing removed the score is the
 * trained score exactly. One item out is the rank-1 downdate A − q_j q_jᵀ (Sherman–Morrison):
 *     p̂_{−j} − p̂ = −A⁻¹q_j · (1 − q_jᵀp̂) / (1 − q_jᵀA⁻¹q_j),
 * O(d²) per item once A⁻¹ of the user is known, so the contribution of j to score(u, i) is
 *     (1 − q_jᵀp̂) / (1 − q_jᵀA⁻¹q_j) · q_jᵀA⁻¹q_i
 * (exactly score − score without j). A set R is removed by successive rank-1 downdates while it is
 * at most half the history, else by a fresh solve over the items kept (the same λ; equal in exact
 * arithmetic).
 *
 * λ: both models put an L2 weight reg/2·‖p_u‖² on the user's factor in every BPR step of one of
 * the user's positives, |H_u| steps per epoch; the fold-in's loss ½Σ_j (1 − p·q_j)² takes the
 * same total, λ_u = reg·|H_u| (reg floored at FOLD_IN_MIN_REG so that A stays well conditioned
 * when reg is 0). λ_u is the full history's and stays fixed when items are removed, so a removal
 * is exactly a downdate of the same system.
 *
 * Limits: the fold-in is a linear surrogate of the BPR-trained user factor, not a retraining: the
 * item factors q (learned with the user in the data) are kept, and the trained p_u itself is never
 * re-solved; a contribution is the surrogate's change, which is exact for the surrogate only.
 */
import { KnowrecError } from '../errors';
import type { Csr } from '../types';
import { scratch, sortContributions, type HistoryContribution, type RescoreAt } from './attribution';
import { dot, invertSpd, largestRowNorm, multiMatVec } from './linalg';
import { ItemProducts, type Column } from './native-products';

/** Floor of the per-step L2 weight used for λ (a model trained with reg 0 still gets a ridge). */
export const FOLD_IN_MIN_REG = 1e-4;

/** The fold-in's ridge λ_u for a model with L2 weight `reg` and a history of `n` items. */
export function foldInLambda(reg: number, n: number): number {
  return Math.max(reg, FOLD_IN_MIN_REG) * Math.max(n, 1);
}

/** A fresh fold-in: A⁻¹ (d×d, row-major) and p̂ = A⁻¹·Σ_j q_j over `items`. */
export function solveFoldIn(q: Float32Array, dim: number, items: ArrayLike<number>, lambda: number): { p: Float64Array; inv: Float64Array } {
  const a = new Float64Array(dim * dim);
  const b = new Float64Array(dim);
  for (let t = 0; t < items.length; t++) {
    const o = items[t] * dim;
    for (let r = 0; r < dim; r++) {
      const qr = q[o + r];
      b[r] += qr;
      const row = r * dim;
      for (let c = 0; c <= r; c++) a[row + c] += qr * q[o + c];
    }
  }
  for (let r = 0; r < dim; r++) a[r * dim + r] += lambda;
  const inv = invertSpd(a, dim);
  return { p: matVec(inv, b, dim), inv };
}

/** One user's fold-in. */
interface UserFold {
  readonly user: number;
  readonly items: Int32Array;
  readonly lambda: number;
  readonly inv: Float64Array;
  readonly p: Float64Array;
  /** Per history item: (1 − q_jᵀp̂) / (1 − q_jᵀA⁻¹q_j), its leave-one-out factor. */
  readonly loo: Float64Array;
}

/** Fold-in attribution over fixed item factors; remembers the last user's solve. */
export class FoldIn {
  private last: UserFold | null = null;
  /** max_i ‖q_i‖, computed on first use (rescoreAt). */
  private largestNorm: number | null = null;
  /** The prepared user's z_r = A⁻¹q_r and Q·z_r per history item r (prepareWithout). */
  private prepared: { readonly user: number; readonly z: Map<number, { readonly z: Float64Array; readonly qz: Column }> } | null = null;
  readonly nItems: number;
  /** Q·x natively on large catalogs (native-products.ts); also the factor models' own scores. */
  readonly products: ItemProducts;

  /**
   * @param q item factors, nItems × dim row-major (read, not copied: keep them fixed)
   * @param history the training rows (deduplicated, one entry per history item)
   * @param reg the model's L2 weight per step (see foldInLambda)
   */
  constructor(private readonly q: Float32Array, readonly dim: number, private readonly history: Csr, readonly reg: number) {
    this.nItems = Math.floor(q.length / dim);
    this.products = new ItemProducts(q, this.nItems, dim);
  }

  /** The fold-in's λ_u of the user. */
  lambda(user: number): number {
    return this.fold(user).lambda;
  }

  /** Exact for the fold-in: score − score without j, per history item j, largest first (zeros dropped). */
  attribute(user: number, item: number): HistoryContribution[] {
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) {
      throw new KnowrecError('validation', `fold-in: item ${item} is outside 0..${this.nItems - 1}`, {}, 'pass a dense item index');
    }
    const f = this.fold(user);
    const d = this.dim;
    const qi = new Float64Array(d);
    for (let k = 0; k < d; k++) qi[k] = this.q[item * d + k];
    const w = matVec(f.inv, qi, d);
    const out: HistoryContribution[] = [];
    for (let t = 0; t < f.items.length; t++) out.push({ item: f.items[t], weight: f.loo[t] * this.dotQ(f.items[t], w) });
    return sortContributions(out);
  }

  /** p̂_{−R} − p̂ for the history items in `removed` (others ignored); null when none is in the history. */
  shift(user: number, removed: ReadonlySet<number>): Float64Array | null {
    const f = this.fold(user);
    const gone: number[] = [];
    const kept: number[] = [];
    for (const j of f.items) (removed.has(j) ? gone : kept).push(j);
    if (gone.length === 0) return null;
    const d = this.dim;
    const next = gone.length <= kept.length ? this.downdate(f, gone, kept) : null;
    const p = next ?? solveFoldIn(this.q, d, kept, f.lambda).p;
    for (let k = 0; k < d; k++) p[k] -= f.p[k];
    return p;
  }

  /**
   * The history items about to be removed from `user` (alone and together, an explanation's
   * counterfactuals): z_r = A⁻¹q_r and Q·z_r are computed for them in one pass over Q and kept,
   * so that scoreWithout of those items is a low-rank update. By Woodbury the shift without a set
   * R lies in the span of its z_r:
   *     p̂_{−R} − p̂ = Z·c,   c = (I − K)⁻¹(t − K·1) − 1,   K = UᵀZ,  t = Uᵀp̂
   * (U = [q_r], Z = [z_r]), so Q·(p̂_{−R} − p̂) = Σ_r c_r·(Q·z_r): O(items·|R|) instead of a
   * downdate and an items × dim product. Equal in exact arithmetic; rounding apart.
   */
  prepareWithout(user: number, items: readonly number[]): void {
    const f = this.fold(user);
    if (this.prepared?.user !== user) this.prepared = { user, z: new Map() };
    const z = this.prepared.z;
    const hist = new Set(f.items);
    const need = [...new Set(items)].filter((r) => hist.has(r) && !z.has(r));
    if (need.length === 0) return;
    const d = this.dim;
    const zs = need.map((r) => matVec(f.inv, Float64Array.from(this.q.subarray(r * d, (r + 1) * d)), d));
    const qz = this.products.products(zs) ?? multiMatVec(this.q, this.nItems, d, zs);
    need.forEach((r, j) => z.set(r, { z: zs[j], qz: qz[j] }));
  }

  /** `trained` (the model's full scores of the user) plus the fold-in's shift without `removed`, in a new array or `into` (attribution.ts scratch). */
  scoreWithout(user: number, removed: ReadonlySet<number>, trained: Float32Array, into?: Float32Array): Float32Array {
    const fast = this.prepared?.user === user ? this.scoreWithoutPrepared(user, removed, trained, into) : null;
    if (fast !== null) return fast;
    const out = Float32Array.from(trained);
    const delta = this.shift(user, removed);
    if (delta === null) return out;
    const qd = this.products.product(delta);
    if (qd !== null) for (let i = 0; i < out.length; i++) out[i] = trained[i] + qd[i];
    else for (let i = 0; i < out.length; i++) out[i] = trained[i] + this.dotQ(i, delta);
    return out;
  }

  /**
   * The re-scores without `removed` item by item (attribution.ts RescoreAt), the same numbers as
   * scoreWithout: from the prepared Q·z_r when scoreWithout would use them (the same sums per
   * item), else trained_i + q_i·Δ with Δ = p̂_{−R} − p̂ (shift), scoreWithout's JavaScript sums;
   * null where scoreWithout would take a native product instead (its float32 sums are not
   * reproduced item by item). Every item moves by at most max_i‖q_i‖·‖Δ‖ (Cauchy–Schwarz), plus
   * the prepared columns' own float32 rounding ((dim + 2)·2⁻²⁴·‖q_i‖·‖z_r‖ each: the sums and
   * z_r's rounding to float32) when they are used.
   */
  rescoreAt(user: number, removed: ReadonlySet<number>, trained: Float32Array): RescoreAt | null {
    const d = this.dim;
    const w = (this.largestNorm ??= largestRowNorm(this.q, this.nItems, d));
    const wb = this.prepared?.user === user ? this.woodbury(user, removed) : null;
    if (wb !== null && wb !== 'none') {
      const delta = new Float64Array(d);
      let rounding = 0;
      wb.c.forEach((c, a) => {
        for (let x = 0; x < d; x++) delta[x] += c * wb.zs[a][x];
        rounding += Math.abs(c) * norm(wb.zs[a]);
      });
      const bound = w * (norm(delta) + (d + 2) * 2 ** -24 * rounding) * (1 + 1e-9);
      return { offset: 0, bound, exact: null, write: (items, into) => combine(trained, wb.qz, wb.c, items, into) };
    }
    if (wb !== 'none' && this.products.answering) return null;
    const delta = wb === 'none' ? null : this.shift(user, removed);
    const bound = delta === null ? 0 : norm(delta) * w * (1 + 1e-9);
    return {
      offset: 0,
      bound,
      exact: null,
      write: (items, into) => {
        if (delta === null) for (let t = 0; t < items.length; t++) into[items[t]] = trained[items[t]];
        else for (let t = 0; t < items.length; t++) into[items[t]] = trained[items[t]] + this.dotQ(items[t], delta);
      },
    };
  }

  /** scoreWithout from the prepared Q·z_r (see prepareWithout); null where the straightforward path is safer. */
  private scoreWithoutPrepared(user: number, removed: ReadonlySet<number>, trained: Float32Array, into?: Float32Array): Float32Array | null {
    const wb = this.woodbury(user, removed);
    if (wb === 'none') return Float32Array.from(trained);
    if (wb === null) return null;
    const out = scratch(into, trained.length);
    combine(trained, wb.qz, wb.c, null, out);
    return out;
  }

  /**
   * The prepared user's shift without `removed` as Σ_r c_r·z_r (see prepareWithout): c, the z_r
   * and Q·z_r of the removed history items; 'none' when none of them is in the history, null
   * where the straightforward path is safer.
   */
  private woodbury(user: number, removed: ReadonlySet<number>): { readonly c: Float64Array; readonly zs: Float64Array[]; readonly qz: Column[] } | 'none' | null {
    const f = this.fold(user);
    const gone = [...new Set(Array.from(f.items).filter((j) => removed.has(j)))];
    if (gone.length === 0) return 'none';
    if (2 * gone.length > f.items.length) return null; // as shift: past half the history, a fresh solve
    this.prepareWithout(user, gone);
    const z = this.prepared?.z;
    if (z === undefined) return null;
    const parts = gone.map((r) => z.get(r));
    if (parts.some((x) => x === undefined)) return null;
    const zs = parts.map((x) => x?.z ?? new Float64Array(0));
    const d = this.dim;
    const k = gone.length;
    // (I − K)·y = t − K·1, c = y − 1
    const g = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      const qa = this.q.subarray(gone[a] * d, (gone[a] + 1) * d);
      let t = 0;
      for (let x = 0; x < d; x++) t += qa[x] * f.p[x];
      rhs[a] = t;
      for (let b = 0; b < k; b++) {
        let kab = 0;
        for (let x = 0; x < d; x++) kab += qa[x] * zs[b][x];
        g[a * k + b] = (a === b ? 1 : 0) - kab;
        rhs[a] -= kab;
      }
    }
    const y = solveSmall(g, rhs, k);
    if (y === null) return null;
    return { c: y.map((v) => v - 1), zs, qz: parts.map((x): Column => x?.qz ?? new Float64Array(0)) };
  }

  /** p̂ without `gone` by successive Sherman–Morrison downdates of A⁻¹; null if one is not safe. */
  private downdate(f: UserFold, gone: readonly number[], kept: readonly number[]): Float64Array | null {
    const d = this.dim;
    const m = f.inv.slice();
    const qr = new Float64Array(d);
    for (const r of gone) {
      for (let k = 0; k < d; k++) qr[k] = this.q[r * d + k];
      const c = matVec(m, qr, d);
      let s = 0;
      for (let k = 0; k < d; k++) s += qr[k] * c[k];
      const den = 1 - s;
      if (!(den > 1e-9)) return null; // A − Σqqᵀ ⪰ λI keeps den > 0; rounding aside, resolve fresh
      for (let x = 0; x < d; x++) {
        const cx = c[x] / den;
        for (let y = 0; y < d; y++) m[x * d + y] += cx * c[y];
      }
    }
    const b = new Float64Array(d);
    for (const j of kept) for (let k = 0; k < d; k++) b[k] += this.q[j * d + k];
    return matVec(m, b, d);
  }

  private fold(user: number): UserFold {
    if (this.last?.user === user) return this.last;
    const h = this.history;
    if (!Number.isInteger(user) || user < 0 || user >= h.nRows) {
      throw new KnowrecError('validation', `fold-in: user ${user} is outside 0..${h.nRows - 1}`, {}, 'pass a dense user index');
    }
    const items = h.indices.slice(h.indptr[user], h.indptr[user + 1]);
    const lambda = foldInLambda(this.reg, items.length);
    const { p, inv } = solveFoldIn(this.q, this.dim, items, lambda);
    const loo = new Float64Array(items.length);
    const qj = new Float64Array(this.dim);
    for (let t = 0; t < items.length; t++) {
      for (let k = 0; k < this.dim; k++) qj[k] = this.q[items[t] * this.dim + k];
      const c = matVec(inv, qj, this.dim);
      let lev = 0;
      let fit = 0;
      for (let k = 0; k < this.dim; k++) {
        lev += qj[k] * c[k];
        fit += qj[k] * p[k];
      }
      loo[t] = (1 - fit) / (1 - lev);
    }
    this.last = { user, items, lambda, inv, p, loo };
    return this.last;
  }

  private dotQ(item: number, v: Float64Array): number {
    const o = item * this.dim;
    let s = 0;
    for (let k = 0; k < this.dim; k++) s += this.q[o + k] * v[k];
    return s;
  }
}

/** x with g·x = rhs (k × k, row-major; Gaussian elimination with partial pivoting); null when g is near singular. */
function solveSmall(g: Float64Array, rhs: Float64Array, k: number): Float64Array | null {
  const a = g.slice();
  const b = rhs.slice();
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r * k + c]) > Math.abs(a[piv * k + c])) piv = r;
    if (!(Math.abs(a[piv * k + c]) > 1e-9)) return null;
    if (piv !== c) {
      for (let x = 0; x < k; x++) [a[c * k + x], a[piv * k + x]] = [a[piv * k + x], a[c * k + x]];
      [b[c], b[piv]] = [b[piv], b[c]];
    }
    for (let r = c + 1; r < k; r++) {
      const f = a[r * k + c] / a[c * k + c];
      if (f === 0) continue;
      for (let x = c; x < k; x++) a[r * k + x] -= f * a[c * k + x];
      b[r] -= f * b[c];
    }
  }
  const out = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let s = b[r];
    for (let x = r + 1; x < k; x++) s -= a[r * k + x] * out[x];
    out[r] = s / a[r * k + r];
  }
  return out;
}

/**
 * trained_i + Σ_a c_a·qz_a[i] into out[i], for every item (`items` null) or the listed ones: one to
 * three columns (an explanation's sets) unrolled, the same sums in the same order either way.
 */
function combine(trained: Float32Array, qz: readonly Column[], c: Float64Array, items: Int32Array | null, out: Float32Array): void {
  const k = c.length;
  const n = items === null ? trained.length : items.length;
  const [q0, q1, q2] = qz;
  const [c0, c1, c2] = [c[0], k > 1 ? c[1] : 0, k > 2 ? c[2] : 0];
  if (k === 1) for (let t = 0; t < n; t++) { const i = items === null ? t : items[t]; out[i] = trained[i] + c0 * q0[i]; }
  else if (k === 2) for (let t = 0; t < n; t++) { const i = items === null ? t : items[t]; out[i] = trained[i] + c0 * q0[i] + c1 * q1[i]; }
  else if (k === 3) for (let t = 0; t < n; t++) { const i = items === null ? t : items[t]; out[i] = trained[i] + c0 * q0[i] + c1 * q1[i] + c2 * q2[i]; }
  else {
    for (let t = 0; t < n; t++) {
      const i = items === null ? t : items[t];
      let s = trained[i];
      for (let a = 0; a < k; a++) s += c[a] * qz[a][i];
      out[i] = s;
    }
  }
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return Math.sqrt(s);
}

function matVec(m: Float64Array, v: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let r = 0; r < d; r++) out[r] = dot(m, r * d, v, 0, d);
  return out;
}
