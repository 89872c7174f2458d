/** Explanation wording shared by the views: ordinals and the counterfactual line. */
import type { ExplanationCounterfactual } from '../../main/api/contract';

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** "A", "A and B", "A, B and C". */
export function joinTitles(titles: readonly string[]): string {
  if (titles.length <= 1) return titles.join('');
  return `${titles.slice(0, -1).join(', ')} and ${titles[titles.length - 1]}`;
}

/**
 * "Without A and B it would rank 14th instead of 3rd" (or "would still rank 5th (now 3rd)" when
 * the removal keeps it in the list of length k); null when there is none.
 */
export function counterfactualLine(cf: ExplanationCounterfactual | null, k: number): string | null {
  if (cf === null || cf.removed.length === 0) return null;
  const who = joinTitles(cf.removed.map((r) => r.title));
  return cf.rankAfter > k
    ? `Without ${who} it would rank ${ordinal(cf.rankAfter)} instead of ${ordinal(cf.rankBefore)}.`
    : `Even without ${who} it would still rank ${ordinal(cf.rankAfter)} (now ${ordinal(cf.rankBefore)}).`;
}
