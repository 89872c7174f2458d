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
 * Mean, std and ascending sorted values of one source's scores over the unseen items (NaN and
 * −Infinity rank last); with a sample (FeatureConfig.statsItems), over its unseen items, and rankScale =
 * unseen items per sampled unseen item.
 */
export function sourceStats(sc: Float32Array, seen: Uint8Array, nUnseen: number, sample: Int32Array | null): { mean: number; std: number; sorted: Float32Array; rankScale: number } {
  let n = nUnseen;
  if (sample !== null) {
    n = 0;
    for (const i of sample) n += 1 - seen[i];
  }
  const un = new Float32Array(n);
  let o = 0;
  let sum = 0;
  const take = (i: number): void => {
    const v = finite(sc[i]);
    un[o++] = v;
    sum += v;
  };
  if (sample !== null) {
    for (const i of sample) if (seen[i] === 0) take(i);
  } else {
    for (let i = 0; i < sc.length; i++) if (seen[i] === 0) take(i);
  }
  un.sort();
  const m = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let j = 0; j < n; j++) ss += (un[j] - m) * (un[j] - m);
  return { mean: m, std: n > 1 ? Math.sqrt(ss / n) : 0, sorted: un, rankScale: n > 0 ? nUnseen / n : 0 };
}

/**
 * Unseen items of a source scoring strictly above `v`: from the sorted unseen scores, or with
 * sampled statistics exact within the source's top-N and estimated from the sample below it.
 */
export function rankAbove(sorted: Float32Array, top: Float32Array | null, rankScale: number | null, v: number): number {
  const fv = Math.fround(v);
  if (rankScale === null || top === null) return sorted.length - upperBound(sorted, fv);
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
  return Math.max(top.length, Math.round(rankScale * (sorted.length - upperBound(sorted, fv))));
}
