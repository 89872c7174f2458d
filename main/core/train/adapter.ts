/**
 * The adapter: two light towers on frozen sentence vectors (d = 384 for all-MiniLM-L6-v2).
 * Each tower is a residual linear map followed by L2 normalisation:
 *   low-rank (default, rank r > 0):  y = x + A·(B·x),  A: d×r (starts at 0), B: r×d (small random)
 *   full (rank 0):                   y = x + D·x,      D: d×d (starts at 0)
 * so W = I + A·B (or I + D) starts as the identity and the untrained adapter reproduces the frozen
 * scores exactly. The user tower maps user vectors, the item tower item vectors; score = ⟨ŷ_u, ŷ_i⟩.
 * Weight decay pulls A, B (or D) towards 0, i.e. W towards I.
 *
 * All parameters live in one Float64Array: [user tower | item tower], each tower [A | B] or [D].
 * forwardTower / backwardTower are the hand-written forward and backward passes used by the loss.
 */
import { KnowrecError } from '../errors';
import type { Rng } from '../random';

export interface AdapterConfig {
  readonly dim: number;
  /** Rank of the residual A·B; 0 = full d×d matrix. */
  readonly rank: number;
}

export type Tower = 'user' | 'item';

export const ADAPTER_DEFAULT_RANK = 32;

export function towerSize(c: AdapterConfig): number {
  return c.rank === 0 ? c.dim * c.dim : 2 * c.dim * c.rank;
}

export function checkAdapterConfig(c: AdapterConfig): void {
  if (!Number.isInteger(c.dim) || c.dim < 1) throw new KnowrecError('config', `adapter: dim must be a positive integer, got ${c.dim}`);
  if (!Number.isInteger(c.rank) || c.rank < 0 || c.rank > c.dim) {
    throw new KnowrecError('config', `adapter: rank must be an integer in 0..${c.dim}, got ${c.rank}`, {}, `use 0 for a full ${c.dim}×${c.dim} matrix, or e.g. 32`);
  }
}

/** Scratch of one tower pass over one vector, kept for the backward pass. */
export interface TowerCache {
  /** B·x (low-rank), length r. */
  readonly h: Float64Array;
  /** Unit output ŷ, length d. */
  readonly y: Float64Array;
  /** ‖y‖ before normalisation. */
  norm: number;
}

export function towerCache(c: AdapterConfig): TowerCache {
  return { h: new Float64Array(Math.max(1, c.rank)), y: new Float64Array(c.dim), norm: 0 };
}

export class Adapter {
  readonly config: AdapterConfig;
  readonly params: Float64Array;

  constructor(config: AdapterConfig, params?: Float64Array) {
    checkAdapterConfig(config);
    this.config = { dim: config.dim, rank: config.rank };
    const n = 2 * towerSize(config);
    if (params !== undefined && params.length !== n) {
      throw new KnowrecError('validation', `adapter: ${params.length} parameters given, expected ${n} for dim ${config.dim}, rank ${config.rank}`, {},
        'the file was written for another configuration; train again');
    }
    this.params = params ?? new Float64Array(n);
  }

  /** The identity adapter with B drawn from N(0, scale²/d) (low-rank; A stays 0, so W = I). */
  static init(config: AdapterConfig, rng: Rng, scale = 1): Adapter {
    const a = new Adapter(config);
    if (config.rank > 0) {
      const { dim: d, rank: r } = config;
      const s = scale / Math.sqrt(d);
      for (const t of ['user', 'item'] as const) {
        const o = a.offset(t) + d * r;
        for (let p = 0; p < r * d; p++) a.params[o + p] = s * rng.normal();
      }
    }
    return a;
  }

  offset(t: Tower): number {
    return t === 'user' ? 0 : towerSize(this.config);
  }

  clone(): Adapter {
    return new Adapter(this.config, Float64Array.from(this.params));
  }

  /** Projects `n` row vectors (n×d, from `x`) through a tower; returns unit rows (n×d). */
  projectAll(t: Tower, x: Float32Array, n = x.length / this.config.dim): Float32Array {
    const d = this.config.dim;
    const out = new Float32Array(n * d);
    const cache = towerCache(this.config);
    for (let i = 0; i < n; i++) {
      forwardTower(this, t, x, i * d, cache);
      for (let j = 0; j < d; j++) out[i * d + j] = cache.y[j];
    }
    return out;
  }
}

/**
 * ŷ = normalize(x + A(Bx)) (or x + Dx) for the vector at x[xo .. xo+d). Fills cache; a zero
 * output stays zero (norm 0).
 */
export function forwardTower(a: Adapter, t: Tower, x: ArrayLike<number>, xo: number, cache: TowerCache): void {
  const { dim: d, rank: r } = a.config;
  const p = a.params;
  const o = a.offset(t);
  const y = cache.y;
  if (r > 0) {
    const h = cache.h;
    const bo = o + d * r;
    for (let k = 0; k < r; k++) {
      let s = 0;
      const row = bo + k * d;
      for (let j = 0; j < d; j++) s += p[row + j] * x[xo + j];
      h[k] = s;
    }
    for (let i = 0; i < d; i++) {
      let s = x[xo + i];
      const row = o + i * r;
      for (let k = 0; k < r; k++) s += p[row + k] * h[k];
      y[i] = s;
    }
  } else {
    for (let i = 0; i < d; i++) {
      let s = x[xo + i];
      const row = o + i * d;
      for (let j = 0; j < d; j++) s += p[row + j] * x[xo + j];
      y[i] = s;
    }
  }
  let n2 = 0;
  for (let i = 0; i < d; i++) n2 += y[i] * y[i];
  const norm = Math.sqrt(n2);
  cache.norm = norm;
  if (norm > 0) for (let i = 0; i < d; i++) y[i] /= norm;
}

/**
 * Backward of forwardTower: given dL/dŷ (length d), adds dL/dθ of this tower into `grad`
 * (same layout as params). `scratch` needs length ≥ d + r.
 */
export function backwardTower(
  a: Adapter,
  t: Tower,
  x: ArrayLike<number>,
  xo: number,
  cache: TowerCache,
  dyHat: Float64Array,
  grad: Float64Array,
  scratch: Float64Array,
): void {
  const { dim: d, rank: r } = a.config;
  if (cache.norm === 0) return;
  const p = a.params;
  const o = a.offset(t);
  const y = cache.y;
  // through the normalisation: dy = (dŷ − ŷ⟨ŷ, dŷ⟩) / ‖y‖
  let dot = 0;
  for (let i = 0; i < d; i++) dot += y[i] * dyHat[i];
  const dy = scratch;
  for (let i = 0; i < d; i++) dy[i] = (dyHat[i] - y[i] * dot) / cache.norm;
  if (r > 0) {
    const h = cache.h;
    const dh = scratch.subarray(d, d + r);
    dh.fill(0);
    for (let i = 0; i < d; i++) {
      const g = dy[i];
      if (g === 0) continue;
      const row = o + i * r;
      for (let k = 0; k < r; k++) {
        grad[row + k] += g * h[k];
        dh[k] += p[row + k] * g;
      }
    }
    const bo = o + d * r;
    for (let k = 0; k < r; k++) {
      const g = dh[k];
      if (g === 0) continue;
      const row = bo + k * d;
      for (let j = 0; j < d; j++) grad[row + j] += g * x[xo + j];
    }
  } else {
    for (let i = 0; i < d; i++) {
      const g = dy[i];
      if (g === 0) continue;
      const row = o + i * d;
      for (let j = 0; j < d; j++) grad[row + j] += g * x[xo + j];
    }
  }
}
