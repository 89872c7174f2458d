/**
 * A removal state's re-scores of one source at a few thousand items instead of the whole catalog
 * (features.ts, scale mode, the fast path): the items the sampled statistics read, and the items
 * that can reach the source's top-N. A source that can re-score item by item
 * (HistoryAttribution.scoreWithoutAt) bounds how far any item's re-score is from its full score;
 * the items whose full score is above a threshold τ (about PARTIAL_TOP of them, τ placed from a
 * strided sample, once per user: aboveQuantile) then hold the exact top-N of the re-scores when
 * the N-th best of theirs is above τ plus that bound, for no other item can then reach it.
 * Otherwise (or where the source cannot bound) the caller re-scores every item, as before. The
 * candidates' rows are written once they are known (write).
 *
 * The same top-N as topK over the whole re-score, and the same statistics and rows: the sources
 * write scoreWithout's numbers item by item (the same sums per item; a source answers null
 * where it cannot, e.g. where scoreWithout takes a native product), the sample's items are
 * written, and every other item the features read is a candidate's.
 */
import { IntList, sortedUnion } from '../matrix';
import { isAttributable, type RemovedTies } from '../models/attribution';
import { topK } from '../topk';
import type { HybridSource } from './feature-types';

/** About how many of each source's full-score top items of a user a removal state's top-N is sought among. */
export const PARTIAL_TOP = 2048;

/** One source's full-score top items of a user (ascending), and a score no unseen item outside them is above. */
interface BaseTop {
  readonly items: Int32Array;
  readonly tau: number;
}

/** Items looked at (strided) to place the threshold of aboveQuantile. */
const QUANTILE_SAMPLE = 4096;

/**
 * The unseen items scoring above tau, with tau placed so that about `m` of them pass (a strided
 * sample's finite scores' quantile: one pass over the scores, no heap), and tau; null when fewer
 * than `n` pass or no finite score is sampled. Every other unseen item scores at most tau (or
 * NaN: never ranked).
 */
export function aboveQuantile(scores: Float32Array, seen: Uint8Array, m: number, n: number): BaseTop | null {
  const step = Math.max(1, Math.floor(scores.length / QUANTILE_SAMPLE));
  const sampled: number[] = [];
  for (let i = 0; i < scores.length; i += step) if (seen[i] === 0 && Number.isFinite(scores[i])) sampled.push(scores[i]);
  if (sampled.length === 0) return null;
  // ascending: the (m/step)-th largest counted from the end
  const vals = Float64Array.from(sampled).sort();
  const tau = vals[Math.max(0, vals.length - 1 - Math.round(m / step))];
  const items = new IntList(2 * m);
  for (let i = 0; i < scores.length; i++) if (scores[i] > tau && seen[i] === 0) items.push(i);
  const out = items.view();
  return out.length >= n ? { items: out, tau } : null;
}

/** A removal state's re-scores at some items (PartialRescores.rescore). */
export interface Partial {
  /** The source's exact top-N of the re-scores, best first. */
  readonly top: Int32Array;
  /** Writes the re-scores of more items (the candidates) to the same array. */
  readonly write: (items: Int32Array) => void;
}

export class PartialRescores {
  private user = -1;
  private readonly bases = new Map<number, BaseTop | null>();

  constructor(private readonly topM = PARTIAL_TOP) {}

  /**
   * Source `s` re-scored without `removed` into `into` (length nItems) at the sample's unseen
   * items (`unseenSample`) and the items that can reach its top-`n`, with that top-n; null when
   * it cannot be done from a few items (the caller re-scores every item).
   */
  rescore(
    user: number,
    s: number,
    source: HybridSource,
    full: { readonly scores: Float32Array; readonly seen: Uint8Array },
    unseenSample: Int32Array,
    removed: ReadonlySet<number>,
    ties: RemovedTies,
    into: Float32Array,
    n: number,
  ): Partial | null {
    const scorer = source.scorer;
    if (!isAttributable(scorer) || scorer.scoreWithoutAt === undefined) return null;
    const at = scorer.scoreWithoutAt(user, removed, ties);
    const base = at !== null ? this.base(user, s, full.scores, full.seen, n) : null;
    if (at === null || base === null) return null;
    const reach = at.exact !== null ? [base.items, at.exact] : [base.items];
    for (const rows of reach) at.write(rows, into);
    // the (M+1)-th full score's own float32 rounding (2⁻²⁴ relative) is part of the spread
    const top = boundedTop(into, reach, full.seen, n, base.tau + at.offset, at.bound + 2 ** -22 * Math.abs(base.tau));
    if (top === null) return null;
    at.write(unseenSample, into);
    return { top, write: (items) => at.write(items, into) };
  }

  /** The user's full-score top items of source s, about M of them (null: too few to bound the rest). */
  private base(user: number, s: number, scores: Float32Array, seen: Uint8Array, n: number): BaseTop | null {
    if (user !== this.user) {
      this.user = user;
      this.bases.clear();
    }
    let b = this.bases.get(s);
    if (b === undefined) {
      b = aboveQuantile(scores, seen, this.topM, n);
      this.bases.set(s, b);
    }
    return b;
  }
}

/**
 * topK(scores, n, seen) when every item outside `lists` has a score at most `ceiling + bound`
 * (before rounding to float32): the n best of the listed items (in any order, an item may be in
 * more than one list; ties by the lower item, as topK), when the n-th of them is above that; else
 * null. The first list's n-th best unseen score is a floor for the answer's: only the listed items
 * at or above it are sorted (a later list may be long: kg-profile's walked items). An item repeated
 * within the first list raises the floor, which can only make it decline.
 */
export function boundedTop(scores: Float32Array, lists: readonly Int32Array[], seen: Uint8Array, n: number, ceiling: number, bound: number): Int32Array | null {
  if (!(bound >= 0) || n < 1 || lists.length === 0) return null;
  const first = lists[0];
  const firstVals = new Float32Array(first.length);
  const firstSeen = new Uint8Array(first.length);
  for (let t = 0; t < first.length; t++) {
    firstVals[t] = scores[first[t]];
    firstSeen[t] = seen[first[t]];
  }
  const firstTop = topK(firstVals, n, firstSeen);
  const floor = firstTop.length === n ? firstVals[firstTop[n - 1]] : -Infinity;
  // the listed unseen items at or above the floor (NaN fails the test), distinct and ascending
  // (sortedUnion): topK over their scores then breaks ties by the lower item
  const items = sortedUnion(lists.map((rows) => rows.filter((i) => scores[i] >= floor && seen[i] === 0)));
  const vals = Float32Array.from(items, (i) => scores[i]);
  const top = topK(vals, n);
  if (top.length < n) return null;
  const best = Int32Array.from(top, (t) => items[t]);
  // an outside item's float32 score: at most ceiling + bound rounded up (2⁻²⁴ relative), sums' rounding aside
  const limit = ceiling + bound + 2 ** -22 * (Math.abs(ceiling) + bound);
  return scores[best[n - 1]] > limit ? best : null;
}
