/**
 * Which history items drove a fused score, and what happens without them. A history item's share
 * of the positive score is Σ over signals of (the signal's share of the positive contributions) ×
 * (the item's share of that signal's positive history terms); signals that cannot be split over
 * the history (popularity, history length, …) are named as not attributable and
 * their share stays with no item. The counterfactual re-scores the user without the top
 * contributors (no refit) and reports the item's rank among the user's candidates.
 */
import { lowerBound } from '../matrix';
import { topK } from '../topk';
import type { HistoryContribution } from '../models/attribution';

/** What attribution needs from the hybrid (HybridScorer fits). */
export interface AttributionSource {
  score(user: number): Float32Array;
  scoreWithout(user: number, removed: ReadonlySet<number>): Float32Array;
  historyParts(user: number, item: number): Readonly<Record<string, readonly HistoryContribution[] | null>>;
  /** Optional: the history items about to be removed, alone and together (HistoryAttribution.prepareWithout). */
  prepareWithout?(user: number, items: readonly number[]): void;
  /**
   * Optional: scoreWithout as the items that can have a finite score (the hybrid's candidates)
   * and their scores: the same numbers without a full-length array. Read-only.
   */
  scoreWithoutSparse?(user: number, removed: ReadonlySet<number>): SparseScores;
}

/** Scores of a few items (ascending and distinct: not checked); every other item has no finite score. */
export interface SparseScores {
  readonly items: Int32Array;
  readonly scores: Float32Array;
}

/** Full-length scores, or the few finite ones (SparseScores). */
export type Scores = Float32Array | SparseScores;

/** The scores to walk: every item (index = position), or the listed ones; and `item`'s score. */
function walk(scores: Scores, item: number): { idx: Int32Array | null; vals: Float32Array; s: number } {
  if (!('items' in scores)) return { idx: null, vals: scores, s: scores[item] };
  const lo = lowerBound(scores.items, item);
  return { idx: scores.items, vals: scores.scores, s: lo < scores.items.length && scores.items[lo] === item ? scores.scores[lo] : -Infinity };
}

export interface HistoryShare {
  /** Dense item index of the history item. */
  readonly item: number;
  /** Its share of the positive score, in [0, 1]. */
  readonly share: number;
}

export interface HistoryAttributionResult {
  /** History items by share, largest first (shares sum to at most 1). */
  readonly history: readonly HistoryShare[];
  /** Signals with a positive share that could not be split over the history. */
  readonly notAttributable: readonly string[];
  /** Per attributed signal, its history items with a positive term, largest first. */
  readonly bySignal: Readonly<Record<string, readonly number[]>>;
}

/** Combines signal shares (non-negative, summing to 1) with each signal's history terms. */
export function combineShares(
  signalShares: Readonly<Record<string, number>>,
  parts: Readonly<Record<string, readonly HistoryContribution[] | null>>,
): HistoryAttributionResult {
  const acc = new Map<number, number>();
  const notAttributable: string[] = [];
  const bySignal: Record<string, number[]> = {};
  for (const [signal, share] of Object.entries(signalShares)) {
    if (!(share > 0)) continue;
    const terms = parts[signal] ?? null;
    let total = 0;
    for (const t of terms ?? []) if (t.weight > 0) total += t.weight;
    if (terms === null || !(total > 0)) {
      notAttributable.push(signal);
      continue;
    }
    for (const t of terms) if (t.weight > 0) acc.set(t.item, (acc.get(t.item) ?? 0) + (share * t.weight) / total);
    bySignal[signal] = terms.filter((t) => t.weight > 0).sort((a, b) => b.weight - a.weight || a.item - b.item).map((t) => t.item);
  }
  const history = [...acc].map(([item, share]) => ({ item, share })).sort((a, b) => b.share - a.share || a.item - b.item);
  return { history, notAttributable: notAttributable.sort(), bySignal };
}

/**
 * 1-based rank of `item` among the items not `excluded` with a finite score (ties: the lower
 * index first). An item without a finite score ranks after all of them.
 */
export function rankAmong(scores: Scores, item: number, excluded?: Uint8Array): number {
  const { idx, vals, s } = walk(scores, item);
  let rank = 1;
  for (let t = 0; t < vals.length; t++) {
    const j = idx !== null ? idx[t] : t;
    const v = vals[t];
    if (j === item || excluded?.[j] === 1 || !Number.isFinite(v)) continue;
    if (!Number.isFinite(s) || v > s || (v === s && j < item)) rank++;
  }
  return rank;
}

export interface CounterfactualResult {
  /** Dense indices of the history items left out. */
  readonly removed: readonly number[];
  readonly rankBefore: number;
  readonly rankAfter: number;
}

/** At most this many top contributors are tried. */
export const COUNTERFACTUAL_MAX = 5;

/**
 * The fewest top contributors (in order, at most 5) whose removal moves the item below rank `k`;
 * when none does, all of those tried, with rankAfter ≤ k.
 */
export function findCounterfactual(
  source: AttributionSource,
  user: number,
  item: number,
  contributors: readonly number[],
  k: number,
  excluded?: Uint8Array,
  before?: Float32Array,
): CounterfactualResult {
  const rankBefore = rankAmong(before ?? source.score(user), item, excluded);
  const tried = contributors.slice(0, COUNTERFACTUAL_MAX);
  let rankAfter = rankBefore;
  for (let n = 1; n <= tried.length; n++) {
    const removed = tried.slice(0, n);
    rankAfter = rankAmong(source.scoreWithout(user, new Set(removed)), item, excluded);
    if (rankAfter > k) return { removed, rankBefore, rankAfter };
  }
  return { removed: tried, rankBefore, rankAfter };
}

/** The items an explanation cites and its counterfactual (see citeEvidence). */
export interface CitedEvidence {
  /** Dense indices of the cited history items (at most CITE_MAX), all positive contributors. */
  readonly cited: readonly number[];
  /** How they were chosen: a counterfactual set of ≤ CITE_MAX items, else the top contributors. */
  readonly rule: 'counterfactual' | 'top-contributors';
  /** The user re-scored without exactly the cited items: `removed` is `cited`, in the same order. */
  readonly counterfactual: CounterfactualResult;
}

/** At most this many history items are cited. */
export const CITE_MAX = 3;

/**
 * What an explanation cites, chosen from the score's positive contributors (largest share first)
 * and never from anything held out: each of the top COUNTERFACTUAL_MAX contributors is removed
 * alone (no refit) and they are ordered by how far the item's score then falls below the k-th
 * best other candidate (the largest fall first, ties by share). The first prefix of that order
 * with at most CITE_MAX items whose removal moves the item out of the top `k` is cited. When none
 * does, the top CITE_MAX contributors by share are cited.
 *
 * One evidence set: the counterfactual always removes exactly the cited items (so an explanation
 * never names, in its counterfactual, an item it does not cite). With the first rule its rank
 * after is past `k`; with the second it is the rank without the cited items, still ≤ `k`.
 */
export function citeEvidence(
  source: Pick<AttributionSource, 'score' | 'scoreWithout' | 'prepareWithout' | 'scoreWithoutSparse'>,
  user: number,
  item: number,
  contributors: readonly number[],
  k: number,
  excluded?: Uint8Array,
  before?: Float32Array,
): CitedEvidence {
  const scores = before ?? source.score(user);
  const rankBefore = rankAmong(scores, item, excluded);
  const pool = contributors.slice(0, COUNTERFACTUAL_MAX);
  if (pool.length === 0) return { cited: [], rule: 'top-contributors', counterfactual: { removed: [], rankBefore, rankAfter: rankBefore } };
  // every set tried below is drawn from the pool: the sources may keep each item's part once
  source.prepareWithout?.(user, pool);
  const without = (set: ReadonlySet<number>): Scores => source.scoreWithoutSparse?.(user, set) ?? source.scoreWithout(user, set);
  const single = pool.map((c, order) => ({ c, order, ...rankAndMargin(without(new Set([c])), item, k, excluded) }));
  const byEffect = [...single].sort((a, b) => a.margin - b.margin || a.order - b.order).map((x) => x.c);
  const rankWithout = (set: readonly number[]): number =>
    set.length === 1 ? (single.find((x) => x.c === set[0])?.rank ?? rankBefore) : rankAmong(without(new Set(set)), item, excluded);
  for (let n = 1; n <= Math.min(CITE_MAX, byEffect.length); n++) {
    const removed = byEffect.slice(0, n);
    const rankAfter = rankWithout(removed);
    if (rankAfter > k) return { cited: removed, rule: 'counterfactual', counterfactual: { removed, rankBefore, rankAfter } };
  }
  const cited = pool.slice(0, CITE_MAX);
  return { cited, rule: 'top-contributors', counterfactual: { removed: cited, rankBefore, rankAfter: rankWithout(cited) } };
}

/**
 * rankAmong and marginAt of `item` from one pass over the scores, without copies: the same two
 * numbers (the k-th best other score is a value, whichever of tied items holds it).
 */
export function rankAndMargin(scores: Scores, item: number, k: number, excluded?: Uint8Array): { rank: number; margin: number } {
  const { idx, vals, s } = walk(scores, item);
  const finiteItem = Number.isFinite(s);
  // the k best other finite scores, descending
  const best = new Float64Array(Math.max(0, k));
  let held = 0;
  let rank = 1;
  for (let t = 0; t < vals.length; t++) {
    const j = idx !== null ? idx[t] : t;
    const v = vals[t];
    if (j === item || excluded?.[j] === 1 || !Number.isFinite(v)) continue;
    if (!finiteItem || v > s || (v === s && j < item)) rank++;
    if (held < k || v > best[held - 1]) {
      let p = held < k ? held++ : held - 1;
      while (p > 0 && best[p - 1] < v) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = v;
    }
  }
  const margin = !finiteItem ? -Infinity : k < 1 || held < k ? Infinity : s - best[k - 1];
  return { rank, margin };
}

/**
 * The item's score minus the k-th best score among the other candidates (not `excluded`, finite):
 * negative once k others beat it. An item without a finite score gets -Infinity; +Infinity when
 * fewer than k others have a score.
 */
export function marginAt(scores: Float32Array, item: number, k: number, excluded?: Uint8Array): number {
  const s = scores[item];
  if (!Number.isFinite(s)) return -Infinity;
  const skip = excluded === undefined ? new Uint8Array(scores.length) : Uint8Array.from(excluded);
  skip[item] = 1;
  for (let j = 0; j < scores.length; j++) if (!Number.isFinite(scores[j])) skip[j] = 1;
  const top = topK(scores, k, skip);
  return top.length < k ? Infinity : s - scores[top[k - 1]];
}
