/**
 * One source's score statistics for the hybrid's features (features.ts): mean, std and the sorted
 * unseen scores (over every unseen item, or over a fixed sample of items in scale mode), and an
 * item's rank among the unseen items from them.
 */
import { lowerBound } from '../matrix';
import type { Csr } from '../types';
import { upperBound } from './ranker';

/** NaN and −Infinity rank last, +Infinity first. */
export function finite(v: number): number {
  return Number.isFinite(v) ? v : v > 0 ? 3.4e38 : -3.4e38;
}

/**
 * Mean, std, largest value and ascending sorted values of one source's scores over the unseen
 * items (NaN and −Infinity rank last); with a sample (FeatureConfig.statsItems), over its unseen
 * items, and rankScale = unseen items per sampled unseen item. `sort` false: no sorted values
 * (null; ranks then come from ranksAbove, or with a sample from ranksAboveIn over `values`, the
 * sample's unseen scores as gathered), every other number the same to the last bit (the sums run
 * in item order either way). `unseenSample`: the sample's items the user has not seen
 * (unseenIn), when already listed.
 */
export function sourceStats(
  sc: Float32Array,
  seen: Uint8Array,
  nUnseen: number,
  sample: Int32Array | null,
  sort = true,
  unseenSample?: Int32Array,
): SourceStats {
  if (sample !== null) return sampleStats(sc, unseenSample ?? unseenIn(sample, seen), nUnseen, sort);
  if (!sort) return unsortedStats(sc, seen, nUnseen, nUnseen);
  const n = nUnseen;
  const un = new Float32Array(n);
  let o = 0;
  let sum = 0;
  for (let i = 0; i < sc.length; i++) {
    if (seen[i] === 1) continue;
    const v = finite(sc[i]);
    un[o++] = v;
    sum += v;
  }
  return gatheredStats(un, sum, nUnseen, true);
}

export interface SourceStats {
  readonly mean: number;
  readonly std: number;
  readonly max: number;
  readonly sorted: Float32Array | null;
  readonly rankScale: number;
  /** With a sample and without sorting: the sampled unseen scores in sample order (for ranksAboveIn). */
  readonly values?: Float32Array;
}

/** The items of `sample` the user has not seen, in sample order. */
export function unseenIn(sample: Int32Array, seen: Uint8Array): Int32Array {
  let n = 0;
  for (let t = 0; t < sample.length; t++) n += 1 - seen[sample[t]];
  const out = new Int32Array(n);
  for (let t = 0, o = 0; t < sample.length; t++) if (seen[sample[t]] === 0) out[o++] = sample[t];
  return out;
}

/** sourceStats over a sample's unseen items (`unseen`, in sample order): one gather, the same sums in the same order. */
function sampleStats(sc: Float32Array, unseen: Int32Array, nUnseen: number, sort: boolean): SourceStats {
  const n = unseen.length;
  const un = new Float32Array(n);
  let sum = 0;
  for (let o = 0; o < n; o++) {
    const v = finite(sc[unseen[o]]);
    un[o] = v;
    sum += v;
  }
  return gatheredStats(un, sum, nUnseen, sort);
}

/** Mean, std, largest value (and the sort when asked) of the gathered unseen scores `un` summing to `sum`. */
function gatheredStats(un: Float32Array, sum: number, nUnseen: number, sort: boolean): SourceStats {
  const n = un.length;
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (un[j] > max) max = un[j];
  const m = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let j = 0; j < n; j++) ss += (un[j] - m) * (un[j] - m);
  if (sort) un.sort();
  return { mean: m, std: n > 1 ? Math.sqrt(ss / n) : 0, max, sorted: sort ? un : null, rankScale: n > 0 ? nUnseen / n : 0, ...(sort ? {} : { values: un }) };
}

/** sourceStats over every unseen item without the sorted copy: the same sums in the same order, so the same numbers. */
function unsortedStats(sc: Float32Array, seen: Uint8Array, n: number, nUnseen: number): SourceStats {
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
 * Per value of `values`, the unseen items whose score (as sourceStats keeps it: finite,
 * float32) is strictly above it: rankAbove over the sorted unseen scores, without sorting them,
 * in one pass over the items (RankTable). Over a sample: ranksAboveIn.
 */
export function ranksAbove(sc: Float32Array, seen: Uint8Array, values: Float32Array): Int32Array {
  const t = new RankTable(values);
  if (values.length > 0) {
    for (let i = 0; i < sc.length; i++) {
      if (seen[i] === 1) continue;
      let x = sc[i];
      if (x - x !== 0) x = Math.fround(finite(x)); // ±Infinity, NaN
      t.add(x);
    }
  }
  return t.counts();
}

/** ranksAbove over already gathered unseen scores (finite float32, e.g. SourceStats.values): the same counts. */
export function ranksAboveIn(gathered: Float32Array, values: Float32Array): Int32Array {
  const t = new RankTable(values);
  if (values.length > 0) for (let k = 0; k < gathered.length; k++) t.add(gathered[k]);
  return t.counts();
}

/**
 * ranksAbove's counting: per sorted value, the scores above exactly the values below it. A score
 * above the smallest value is placed by a lookup table of equal-width buckets over the values'
 * range (corrected to the exact position by comparisons, so rounding in the table cannot change
 * a count) and a binary search within.
 */
class RankTable {
  private readonly values: Float32Array;
  // a value's count depends on the value only: sorted values, each query found again by search
  private readonly qs: Float64Array;
  private readonly low: number;
  private readonly high: number;
  private readonly nb: number;
  private readonly scale: number;
  // start[b]: the first value at or above bucket b's lower edge (any rounding is corrected in add)
  private readonly start: Int32Array;
  // cnt[p]: scores above exactly the p smallest values
  private readonly cnt: Int32Array;

  constructor(values: Float32Array) {
    const m = values.length;
    this.values = values;
    const qs = Float64Array.from(values).sort();
    this.qs = qs;
    this.low = m > 0 ? qs[0] : 0;
    this.high = m > 0 ? qs[m - 1] : 0;
    this.nb = BUCKETS_PER_VALUE * m;
    const width = (this.high - this.low) / this.nb;
    this.scale = width > 0 && Number.isFinite(width) ? 1 / width : 0;
    this.start = new Int32Array(this.nb + 2);
    for (let b = 0, p = 0; b <= this.nb + 1; b++) {
      const edge = this.low + b * width;
      while (p < m && qs[p] < edge) p++;
      this.start[b] = p;
    }
    this.cnt = new Int32Array(m + 1);
  }

  add(x: number): void {
    if (!(x > this.low)) return;
    const qs = this.qs;
    const m = qs.length;
    if (x > this.high) {
      this.cnt[m]++;
      return;
    }
    // the first value ≥ x lies in [lo, hi]
    const b = Math.min(this.nb, Math.floor((x - this.low) * this.scale));
    let lo = this.start[b];
    let hi = this.start[b + 1];
    while (lo > 0 && qs[lo - 1] >= x) lo--;
    while (hi < m && qs[hi] < x) hi++;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (qs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    this.cnt[lo]++;
  }

  /** Per value (in the given order), the scores added strictly above it. */
  counts(): Int32Array {
    const { qs, values } = this;
    const m = qs.length;
    const out = new Int32Array(m);
    // above[p]: scores above the value at sorted position p (tied values: the same count)
    const above = new Int32Array(m);
    for (let p = m - 1, acc = 0; p >= 0; p--) {
      acc += this.cnt[p + 1];
      above[p] = acc;
    }
    // every value is in qs: its first position there
    for (let k = 0; k < m; k++) out[k] = above[lowerBound(qs, values[k])];
    return out;
  }
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

/** The user's seen-items mask and number of distinct training items. */
export function seenOf(train: Csr, user: number, nItems: number): { seen: Uint8Array; histLen: number } {
  const seen = new Uint8Array(nItems);
  let histLen = 0;
  for (let p = train.indptr[user]; p < train.indptr[user + 1]; p++) {
    if (seen[train.indices[p]] === 0) histLen++;
    seen[train.indices[p]] = 1;
  }
  return { seen, histLen };
}
