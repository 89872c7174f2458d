/**
 * One source's score statistics for the hybrid's features (features.ts): mean, std and the sorted
 * unseen scores (over every unseen item, or over a fixed sample of items in scale mode), and an
 * item's rank among the unseen items from them.
 */
import { upperBound } from './ranker';

/** NaN and −Infinity rank last, +Infinity first. */
export function finite(v: number): number {
  return Number.isFinite(v) ? v : v > 0 ? 3.4e38 : -3.4e38;
}

/**
 * Mean, std, largest value and ascending sorted values of one source's scores over the unseen
 * items (NaN and −Infinity rank last); with a sample (FeatureConfig.statsItems), over its unseen
 * items, and rankScale = unseen items per sampled unseen item. `sort` false: no sorted values
 * (null; ranks then come from ranksAbove), every other number the same to the last bit (the sums
 * run in item order either way).
 */
export function sourceStats(
  sc: Float32Array,
  seen: Uint8Array,
  nUnseen: number,
  sample: Int32Array | null,
  sort = true,
): { mean: number; std: number; max: number; sorted: Float32Array | null; rankScale: number } {
  let n = nUnseen;
  if (sample !== null) {
    n = 0;
    for (let t = 0; t < sample.length; t++) n += 1 - seen[sample[t]];
  }
  if (!sort && sample === null) return unsortedStats(sc, seen, n, nUnseen);
  const un = new Float32Array(n);
  let o = 0;
  let sum = 0;
  if (sample !== null) {
    for (let t = 0; t < sample.length; t++) {
      const i = sample[t];
      if (seen[i] === 1) continue;
      const v = finite(sc[i]);
      un[o++] = v;
      sum += v;
    }
  } else {
    for (let i = 0; i < sc.length; i++) {
      if (seen[i] === 1) continue;
      const v = finite(sc[i]);
      un[o++] = v;
      sum += v;
    }
  }
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (un[j] > max) max = un[j];
  const m = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let j = 0; j < n; j++) ss += (un[j] - m) * (un[j] - m);
  if (sort) un.sort();
  return { mean: m, std: n > 1 ? Math.sqrt(ss / n) : 0, max, sorted: sort ? un : null, rankScale: n > 0 ? nUnseen / n : 0 };
}

/** sourceStats over every unseen item without the sorted copy: the same sums in the same order, so the same numbers. */
function unsortedStats(sc: Float32Array, seen: Uint8Array, n: number, nUnseen: number): { mean: number; std: number; max: number; sorted: null; rankScale: number } {
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < sc.length; i++) {
    if (seen[i] === 1) continue;
    const v = finite(sc[i]);
    sum += v;
    const f = Math.fround(v);
    if (f > max) max = f;
  }
  const m = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let i = 0; i < sc.length; i++) {
    if (seen[i] === 1) continue;
    const d = Math.fround(finite(sc[i])) - m;
    ss += d * d;
  }
  return { mean: m, std: n > 1 ? Math.sqrt(ss / n) : 0, max, sorted: null, rankScale: n > 0 ? nUnseen / n : 0 };
}

/** Buckets per value in ranksAbove's lookup table. */
const BUCKETS_PER_VALUE = 4;

/**
 * Per value of `values`, the unseen items (of `sample` when given) whose score (as sourceStats
 * keeps it: finite, float32) is strictly above it: rankAbove over the sorted unseen scores,
 * without sorting them. One pass
 * over the items; for an item above the smallest value, the values below it are found by a
 * lookup table of equal-width buckets over the values' range (corrected to the exact position
 * by comparisons, so rounding in the table cannot change a count) and a binary search within.
 */
export function ranksAbove(sc: Float32Array, seen: Uint8Array, values: Float32Array, sample: Int32Array | null = null): Int32Array {
  const m = values.length;
  const out = new Int32Array(m);
  if (m === 0) return out;
  // a value's count depends on the value only: sorted values, each query found again by search
  const qs = Float64Array.from(values).sort();
  const low = qs[0];
  const high = qs[m - 1];
  // start[b]: the first value at or above bucket b's lower edge (any rounding is corrected below)
  const nb = BUCKETS_PER_VALUE * m;
  const width = (high - low) / nb;
  const scale = width > 0 && Number.isFinite(width) ? 1 / width : 0;
  const start = new Int32Array(nb + 2);
  for (let b = 0, p = 0; b <= nb + 1; b++) {
    const edge = low + b * width;
    while (p < m && qs[p] < edge) p++;
    start[b] = p;
  }
  // cnt[p]: items whose score is above exactly the p smallest values
  const cnt = new Int32Array(m + 1);
  const len = sample !== null ? sample.length : sc.length;
  for (let t = 0; t < len; t++) {
    const i = sample !== null ? sample[t] : t;
    if (seen[i] === 1) continue;
    let x = sc[i];
    if (x - x !== 0) x = Math.fround(finite(x)); // ±Infinity, NaN
    if (!(x > low)) continue;
    if (x > high) {
      cnt[m]++;
      continue;
    }
    // the first value ≥ x lies in [lo, hi]
    const b = Math.min(nb, Math.floor((x - low) * scale));
    let lo = start[b];
    let hi = start[b + 1];
    while (lo > 0 && qs[lo - 1] >= x) lo--;
    while (hi < m && qs[hi] < x) hi++;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (qs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    cnt[lo]++;
  }
  // above[p]: items above the value at sorted position p (tied values: the same count)
  const above = new Int32Array(m);
  for (let p = m - 1, acc = 0; p >= 0; p--) {
    acc += cnt[p + 1];
    above[p] = acc;
  }
  for (let k = 0; k < m; k++) {
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (qs[mid] < values[k]) lo = mid + 1;
      else hi = mid;
    }
    out[k] = above[lo];
  }
  return out;
}

/**
 * Unseen items of a source scoring strictly above `v`: from the sorted unseen scores, or with
 * sampled statistics exact within the source's top-N and estimated from the sample below it.
 */
export function rankAbove(sorted: Float32Array, top: Float32Array | null, rankScale: number | null, v: number): number {
  const fv = Math.fround(v);
  if (rankScale === null || top === null) return sorted.length - upperBound(sorted, fv);
  return sampledRank(top, rankScale, fv, () => sorted.length - upperBound(sorted, fv));
}

/**
 * rankAbove with sampled statistics, from the sampled unseen items strictly above the value
 * (`aboveInSample`, asked only below the top-N): the same number from a count as from the sort.
 */
export function sampledRank(top: Float32Array, rankScale: number, v: number, aboveInSample: () => number): number {
  const fv = Math.fround(v);
  // top is descending: the items above v are all in it when v is at least its last score
  if (top.length > 0 && fv >= top[top.length - 1]) {
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (top[mid] > fv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  return Math.max(top.length, Math.round(rankScale * aboveInSample()));
}
