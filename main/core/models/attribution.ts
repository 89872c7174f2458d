/**
 * Attribution of a score to the user's history: how much each training item of the user
 * contributed to score(user, item), and the user's scores with some history items left out
 * (a counterfactual without refitting). Scorers that can do either implement these.
 */

/** One history item's additive part of a score. */
export interface HistoryContribution {
  /** Dense item index of the history item. */
  readonly item: number;
  /** Its part of the score (same units as the score; may be negative). */
  readonly weight: number;
}

/**
 * KG ties of history items left out of a what-if: history item (dense index) → the KG entities
 * (KgIndex indices) whose tie with that item is dropped. Scorers that read the history's KG
 * entities (kg-profile, the hybrid's kg-overlap) leave those (item, entity) pairs out of the
 * user's profile; the others ignore them.
 */
export type RemovedTies = ReadonlyMap<number, ReadonlySet<number>>;

export interface HistoryAttribution {
  /**
   * Each history item's part of score(user, item), largest first; null when the scorer cannot
   * split its score over the history (it never makes a split up).
   */
  attribute(user: number, item: number): HistoryContribution[] | null;
  /**
   * Full-length scores of `user` as if the `removed` history items were not in the history
   * (no refit); null when the scorer cannot recompute them. `ties`: KG ties of history items
   * left out too (only scorers reading the history's KG entities use them). `into`: see scratch().
   */
  scoreWithout(user: number, removed: ReadonlySet<number>, ties?: RemovedTies, into?: Float32Array): Float32Array | null;
  /**
   * Optional: the history items about to be removed from `user`, alone and together (an
   * explanation's counterfactuals). A scorer may compute each one's part in one pass and keep it
   * for the user, so that scoreWithout of any set of them is a cheap update (the same scores up to
   * float rounding). Without this call scoreWithout recomputes from scratch.
   */
  prepareWithout?(user: number, items: readonly number[]): void;
  /**
   * Optional: the user's scores without `removed` at chosen items only, with a bound on how far
   * every other item's re-score can be from its full score (RescoreAt); null where the scorer
   * cannot bound them (the caller then uses scoreWithout). For the hybrid's removal states on
   * large catalogs: an exact top-N from a few thousand items instead of the whole catalog.
   */
  scoreWithoutAt?(user: number, removed: ReadonlySet<number>, ties?: RemovedTies): RescoreAt | null;
}

/**
 * One removal state's re-scores item by item (HistoryAttribution.scoreWithoutAt). With s the
 * full scores (score(user)) and s' the scores without the removed items, as scoreWithout gives
 * them: |s'_i − s_i − offset| ≤ bound for every item not in `exact`, before s'_i is rounded to
 * float32 and up to float32 rounding of s_i (relative, which the caller allows for); the sums'
 * own rounding is included.
 */
export interface RescoreAt {
  /** A move shared by every item (e.g. kg-profile's shift), so that `bound` is only the spread around it. */
  readonly offset: number;
  readonly bound: number;
  /** Items that may move by more than `bound` (in any order, distinct; null: none): their re-scores must be read. */
  readonly exact: Int32Array | null;
  /** Writes s'_i to into[i] for each listed item (the other entries untouched). */
  write(items: Int32Array, into: Float32Array): void;
}

/**
 * `into` of scoreWithout: an array of nItems the caller no longer needs, which the scorer may
 * write the scores to and return (its contents are never read); a scorer may ignore it. Saves a
 * catalog-sized allocation per re-score. This gives it back when it fits, else a new array.
 */
export function scratch(into: Float32Array | undefined, n: number): Float32Array {
  return into !== undefined && into.length === n ? into : new Float32Array(n);
}

export function isAttributable(x: unknown): x is HistoryAttribution {
  return typeof x === 'object' && x !== null
    && typeof (x as Partial<HistoryAttribution>).attribute === 'function'
    && typeof (x as Partial<HistoryAttribution>).scoreWithout === 'function';
}

/** Sorts by weight (largest first, then item index) and drops zero weights. */
export function sortContributions(list: HistoryContribution[]): HistoryContribution[] {
  return list.filter((c) => c.weight !== 0).sort((a, b) => b.weight - a.weight || a.item - b.item);
}
