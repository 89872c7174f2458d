/**
 * Statistics for comparing models on the same users: the Wilcoxon signed-rank test on paired
 * per-user values (normal approximation, as scipy's
 * `wilcoxon(a, b, zero_method='wilcox', correction=False, method='approx')`), Holm's step-down
 * correction for a family of tests, and seeded percentile-bootstrap 95% intervals.
 *
 * No statistics package is among the project's dependencies, so the normal tail is computed here
 * with the Chebyshev-fitted complementary error function (fractional error < 1.2e-7 everywhere).
 */
import { createRng } from '../random';

export interface WilcoxonResult {
  /** min(R+, R−): the smaller signed-rank sum, as scipy reports for the two-sided test. */
  readonly statistic: number;
  /** R+: rank sum of the pairs where a > b. */
  readonly rPlus: number;
  /** Pairs with a non-zero difference (zero differences are dropped, zero_method 'wilcox'). */
  readonly n: number;
  readonly z: number;
  /** Two-sided p-value; 1 when every difference is zero. */
  readonly p: number;
}

/** erfc(x) (Numerical Recipes' erfcc: Chebyshev fit, fractional error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Average ranks (1-based) of `values`, ties sharing the mean of their positions; also returns
 * the sizes of the tie groups of more than one value.
 */
export function averageRanks(values: ArrayLike<number>): { ranks: Float64Array; ties: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Float64Array(n);
  const ties: number[] = [];
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2; // mean of positions start+1 .. end
    for (let j = start; j < end; j++) ranks[order[j]] = rank;
    if (end - start > 1) ties.push(end - start);
    start = end;
  }
  return { ranks, ties };
}

/**
 * Wilcoxon signed-rank test of paired values a[i], b[i] (two-sided, normal approximation without
 * continuity correction). Zero differences are dropped before ranking; tied |differences| get
 * average ranks and the variance is reduced by Σ(t³ − t)/48 over tie groups of size t.
 */
export function wilcoxonSignedRank(a: ArrayLike<number>, b: ArrayLike<number>): WilcoxonResult {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const diffs: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    if (!Number.isFinite(d)) throw new RangeError(`pair ${i} is not finite`);
    if (d !== 0) diffs.push(d);
  }
  const n = diffs.length;
  if (n === 0) return { statistic: 0, rPlus: 0, n: 0, z: 0, p: 1 };
  const { ranks, ties } = averageRanks(diffs.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < n; i++) {
    if (diffs[i] > 0) rPlus += ranks[i];
    else rMinus += ranks[i];
  }
  const mean = (n * (n + 1)) / 4;
  let variance = n * (n + 1) * (2 * n + 1);
  for (const t of ties) variance -= 0.5 * t * (t * t - 1);
  const se = Math.sqrt(variance / 24);
  const statistic = Math.min(rPlus, rMinus);
  const z = se > 0 ? (statistic - mean) / se : 0;
  const p = Math.min(1, 2 * normalCdf(-Math.abs(z)));
  return { statistic, rPlus, n, z, p };
}

/**
 * Holm's step-down adjustment: sort p ascending, p_(j) · (m − j) for j = 0.., made monotone by a
 * running maximum and capped at 1. Returns the adjusted values in the input order.
 */
export function holm(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((_, i) => i).sort((i, j) => ps[i] - ps[j] || i - j);
  const out = new Array<number>(m).fill(1);
  let running = 0;
  for (let j = 0; j < m; j++) {
    const i = order[j];
    running = Math.max(running, Math.min(1, ps[i] * (m - j)));
    out[i] = running;
  }
  return out;
}

export interface BootstrapOptions {
  readonly seed: number;
  /** Resamples; default 1000. */
  readonly resamples?: number;
  /** Coverage of the interval; default 0.95. */
  readonly level?: number;
}

/** Linear-interpolated quantile q ∈ [0, 1] of sorted values (numpy's default 'linear'). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Percentile bootstrap over one set of n users: `resamples` draws of n users with replacement,
 * made once from a generator seeded with `seed` and shared by every statistic asked of it (so the
 * intervals of all metrics and models of a run come from the same resamples, and each costs a
 * gather instead of n random draws).
 */
export class Bootstrap {
  private readonly indices: Int32Array;
  private readonly b: number;
  private readonly level: number;

  constructor(
    readonly n: number,
    opts: BootstrapOptions,
  ) {
    this.b = opts.resamples ?? 1000;
    this.level = opts.level ?? 0.95;
    const rng = createRng(opts.seed);
    this.indices = new Int32Array(n * this.b);
    for (let j = 0; j < this.indices.length; j++) this.indices[j] = rng.int(n);
  }

  /**
   * Interval of the mean of `values` (one per user; NaN marks a user without a value, left out
   * of each resample's mean). [NaN, NaN] when no value is defined.
   */
  meanCi(values: ArrayLike<number>): [number, number] {
    if (values.length !== this.n) throw new RangeError(`expected ${this.n} values, got ${values.length}`);
    const means: number[] = [];
    const n = this.n;
    for (let r = 0; r < this.b; r++) {
      let s = 0;
      let c = 0;
      for (let j = r * n; j < (r + 1) * n; j++) {
        const v = values[this.indices[j]];
        if (v === v) {
          s += v;
          c++;
        }
      }
      if (c > 0) means.push(s / c);
    }
    if (means.length === 0) return [Number.NaN, Number.NaN];
    const sorted = Float64Array.from(means).sort();
    const alpha = (1 - this.level) / 2;
    return [quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha)];
  }
}

/** Percentile-bootstrap interval of the mean of `values` (a Bootstrap of its own). [NaN, NaN] for no values. */
export function bootstrapMeanCi(values: ArrayLike<number>, opts: BootstrapOptions): [number, number] {
  if (values.length === 0) return [Number.NaN, Number.NaN];
  return new Bootstrap(values.length, opts).meanCi(values);
}

/** Paired differences b[i] − a[i]. */
export function pairedDifferences(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = b[i] - a[i];
  return out;
}
