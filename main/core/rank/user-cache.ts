/**
 * What the hybrid keeps of its last user so that one explanation (recommend, contributions, then
 * up to eight counterfactual re-scores of the same user, attribution.ts citeEvidence) computes
 * each piece once: the user's full feature state and candidates, history-similarity's dot
 * products (candidate · history item), and the candidates and feature rows per set of removed
 * history items.
 *
 * Everything kept is a value the straightforward path recomputes with the same code on the same
 * inputs, so reusing it changes no number (the fitted sources are fixed once the hybrid is fitted).
 */

import { lowerBound } from '../matrix';
import { dot } from '../models/linalg';

/** Dot products kept per candidate: history positions (in recency order) beyond this are not kept. */
const MEMO_EXTRA = 16;
/** Removal sets kept per user (an explanation uses at most 8; the fidelity job more). */
const MAX_SETS = 64;

export class UserCache<State> {
  private user = -1;
  private fullState: State | null = null;
  private fullCandidates: Int32Array | null = null;
  /** History positions (train CSR offsets) most recent first, all of them. */
  private order: Int32Array | null = null;
  /** Candidate item → dot with the history item at each recency rank (NaN: not computed yet). */
  private readonly dots = new Map<number, Float64Array>();
  /** Candidate item → its largest dot over the first `window` recency ranks, and that dot's rank. */
  private readonly nearestKept = new Map<number, { readonly best: number; readonly rank: number; readonly window: number }>();
  /** Candidates and feature rows without a set of history items, by the set's key. */
  private readonly without = new Map<string, { readonly items: Int32Array; readonly x: Float64Array }>();

  /** Starts over when `user` is not the cached one. */
  private at(user: number): void {
    if (this.user !== user) this.reset(user);
  }

  private reset(user: number): void {
    this.user = user;
    this.fullState = null;
    this.fullCandidates = null;
    this.order = null;
    this.dots.clear();
    this.nearestKept.clear();
    this.without.clear();
  }

  state(user: number, compute: () => State): State {
    this.at(user);
    return (this.fullState ??= compute());
  }

  candidates(user: number, compute: () => Int32Array): Int32Array {
    this.at(user);
    return (this.fullCandidates ??= compute());
  }

  /** The user's history positions, most recent first (computed once per user). */
  recency(user: number, compute: () => Int32Array): Int32Array {
    this.at(user);
    return (this.order ??= compute());
  }

  /**
   * The dot products of `item` with the history items by recency rank, computed on demand by
   * `dot(rank)`; ranks past the kept length are computed every time.
   */
  dotsOf(user: number, item: number, cap: number): Float64Array {
    this.at(user);
    let d = this.dots.get(item);
    if (d === undefined) {
      d = new Float64Array(cap + MEMO_EXTRA).fill(Number.NaN);
      this.dots.set(item, d);
    }
    return d;
  }

  /**
   * history-similarity of `item`: the largest dot of `v` with the history vectors `hv` (items
   * `items` at ascending recency ranks `ranks`), the item itself skipped, 0 when none; the dots
   * kept (dotsOf). The best over a window of the first ranks is kept too: a removal state that
   * still holds that best item only looks at its ranks past the window (the max of a subset holding
   * the argmax is the max), the same number as the whole loop.
   */
  nearest(user: number, item: number, v: Float32Array, items: Int32Array, ranks: Int32Array, hv: readonly Float32Array[], cap: number): number {
    const memo = this.dotsOf(user, item, cap);
    const kept = this.nearestKept.get(item);
    let from = 0;
    let best = 0;
    let arg = -1;
    let any = false;
    if (kept !== undefined && contains(ranks, kept.rank)) {
      best = kept.best;
      arg = kept.rank;
      any = true;
      from = lowerBound(ranks, kept.window);
    }
    for (let j = from; j < hv.length; j++) {
      if (items[j] === item) continue;
      const r = ranks[j];
      let d = r < memo.length ? memo[r] : Number.NaN;
      if (Number.isNaN(d)) {
        d = dot(v, 0, hv[j], 0, v.length);
        if (r < memo.length) memo[r] = d;
      }
      if (!any || d > best) {
        best = d;
        arg = r;
      }
      any = true;
    }
    // ranks 0…n−1 without a gap: keep the best of that window (the widest seen)
    const contiguous = ranks.length > 0 && ranks[ranks.length - 1] === ranks.length - 1;
    if (any && contiguous && (kept === undefined || kept.window <= ranks.length)) this.nearestKept.set(item, { best, rank: arg, window: ranks.length });
    return best;
  }

  /** Candidates and feature rows of `user` without the set `key` (the rows a copy: callers standardize them in place). */
  featuresWithout(user: number, key: string, compute: () => { items: Int32Array; x: Float64Array }): { items: Int32Array; x: Float64Array } {
    this.at(user);
    let f = this.without.get(key);
    if (f === undefined) {
      f = compute();
      if (this.without.size >= MAX_SETS) this.without.clear();
      this.without.set(key, f);
    }
    return { items: f.items, x: f.x.slice() };
  }

  /** Forgets everything kept. */
  clear(): void {
    this.reset(-1);
  }
}

function contains(a: Int32Array, v: number): boolean {
  const p = lowerBound(a, v);
  return p < a.length && a[p] === v;
}

/** The key of a removal set (ascending items), or null when it cannot be keyed (KG ties removed too). */
export function removalKey(removed: ReadonlySet<number>, ties: ReadonlyMap<number, ReadonlySet<number>> | undefined): string | null {
  if (ties !== undefined && ties.size > 0) return null;
  return [...removed].sort((a, b) => a - b).join(',');
}
