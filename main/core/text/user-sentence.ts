/**
 * User sentences from recent, highly rated history:
 * en "The user rated Toy Story (1995) 5/5, Fargo (1996) 4/5."
 * zh "用户看过《Toy Story (1995)》，评分5分；《Fargo (1996)》，评分4分。" (films; a catalog of other
 * things, catalogDomain 'general', reads "用户选择过“Morcheeba”；“Skye”。")
 * Items rated ≥ minRating are preferred, most recent first; when there are none, the best rated
 * are used. Over budget, the lowest-rated (then oldest) items are dropped first; one is kept.
 */
import { KnowrecError } from '../errors';
import type { Dataset, Interactions } from '../types';
import {
  capitalize,
  checkIndex,
  fill,
  fitBudget,
  itemTitle,
  joinSentences,
  resolveOptions,
} from './render';
import type { UserHistory, UserSentenceOptions, VerbalPart, Verbalized } from './types';

export interface HistoryEntry {
  readonly item: number;
  readonly rating: number;
  readonly timestamp: number;
}

interface RatingStats {
  readonly max: number;
  readonly allEqual: boolean;
}

const statsCache = new WeakMap<Interactions, RatingStats>();

/** Highest rating in the dataset, and whether all ratings are equal (implicit feedback). */
function ratingStats(dataset: Dataset): RatingStats {
  const x = dataset.interactions;
  const hit = statsCache.get(x);
  if (hit !== undefined) return hit;
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < x.rating.length; i++) {
    const r = x.rating[i];
    if (r > max) max = r;
    if (r < min) min = r;
  }
  const stats = x.rating.length === 0 ? { max: 1, allEqual: true } : { max, allEqual: max === min };
  statsCache.set(x, stats);
  return stats;
}

/** "5" for whole numbers, else one decimal ("4.5"). */
function formatRating(r: number): string {
  if (Number.isInteger(r)) return String(r);
  return r.toFixed(1).replace(/\.0$/, '');
}

/** The latest rating of each item in the history (by timestamp, then position). */
function latestPerItem(h: UserHistory, nItems: number): HistoryEntry[] {
  const n = h.items.length;
  if (h.ratings.length !== n || h.timestamps.length !== n) {
    throw new KnowrecError(
      'validation',
      `User history arrays differ in length (items ${n}, ratings ${h.ratings.length}, timestamps ${h.timestamps.length})`,
      {},
      'pass items, ratings and timestamps of the same interactions',
    );
  }
  const latest = new Map<number, HistoryEntry>();
  for (let i = 0; i < n; i++) {
    const item = h.items[i];
    if (!Number.isInteger(item) || item < 0 || item >= nItems) {
      throw new KnowrecError('validation', `History item index ${item} is out of range (0..${nItems - 1})`, {}, 'pass dense item indices');
    }
    const e = { item, rating: h.ratings[i], timestamp: h.timestamps[i] };
    const prev = latest.get(item);
    if (prev === undefined || e.timestamp >= prev.timestamp) latest.set(item, e);
  }
  return [...latest.values()];
}

const byRecency = (a: HistoryEntry, b: HistoryEntry): number =>
  b.timestamp - a.timestamp || b.rating - a.rating || a.item - b.item;
const byRating = (a: HistoryEntry, b: HistoryEntry): number =>
  b.rating - a.rating || b.timestamp - a.timestamp || a.item - b.item;

/** The items a user sentence shows, most recent first. */
export function selectHistory(
  dataset: Dataset,
  history: UserHistory,
  maxItems: number,
  minRating: number,
): HistoryEntry[] {
  const all = latestPerItem(history, dataset.items.length);
  const liked = all.filter((e) => e.rating >= minRating).sort(byRecency);
  const chosen = liked.length > 0 ? liked.slice(0, maxItems) : all.sort(byRating).slice(0, maxItems);
  return chosen.sort(byRecency);
}

export function userSentence(
  dataset: Dataset,
  user: number,
  history: UserHistory,
  opts: UserSentenceOptions = {},
): Verbalized {
  checkIndex('user', user, dataset.userIds.length);
  const { t, budget, count } = resolveOptions(opts, dataset);
  const maxItems = opts.maxItems ?? 10;
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    throw new KnowrecError('config', `maxItems must be a whole number ≥ 1, got ${maxItems}`, {}, 'pass e.g. maxItems: 10');
  }
  const stats = ratingStats(dataset);
  const implicit = opts.implicit ?? stats.allEqual;
  const max = formatRating(opts.ratingMax ?? stats.max);
  const chosen = selectHistory(dataset, history, maxItems, opts.minRating ?? 4);

  if (chosen.length === 0) {
    const text = joinSentences([capitalize(t.user.empty, t)], t);
    const parts: VerbalPart[] = [{ kind: 'user:empty', text: capitalize(t.user.empty, t), kept: true }];
    const tokens = count(text);
    return { text, parts, tokens, overBudget: tokens > budget };
  }

  const intro = implicit ? t.user.introImplicit : t.user.intro;
  const texts = chosen.map((e) => {
    const title = itemTitle(dataset, e.item, opts.rawTitles === true);
    return implicit ? fill(t.user.item, { title }) : fill(t.user.rated, { title, rating: formatRating(e.rating), max });
  });
  // drop the lowest-rated first, then the oldest, then the later-listed; keep the last one
  const dropSequence = chosen
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.rating - b.e.rating || a.e.timestamp - b.e.timestamp || b.i - a.i)
    .map((x) => x.i)
    .slice(0, chosen.length - 1);
  const render = (kept: readonly boolean[]): string =>
    joinSentences([capitalize(fill(intro, { list: texts.filter((_, i) => kept[i]).join(t.user.joiner) }), t)], t);
  const fit = fitBudget(chosen.length, dropSequence, render, count, budget);
  const introText = capitalize(fill(intro, { list: '' }), t).trim();
  const parts: VerbalPart[] = [
    { kind: 'user:intro', text: introText, kept: true },
    ...chosen.map((e, i) => ({
      kind: 'user:item' as const,
      text: texts[i],
      kept: fit.kept[i],
      item: e.item,
      rating: e.rating,
      timestamp: e.timestamp,
    })),
  ];
  return { text: fit.text, parts, tokens: fit.tokens, overBudget: fit.overBudget };
}
