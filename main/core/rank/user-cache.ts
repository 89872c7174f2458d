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

/** The key of a removal set (ascending items), or null when it cannot be keyed (KG ties removed too). */
export function removalKey(removed: ReadonlySet<number>, ties: ReadonlyMap<number, ReadonlySet<number>> | undefined): string | null {
  if (ties !== undefined && ties.size > 0) return null;
  return [...removed].sort((a, b) => a - b).join(',');
}
