/**
 * The language hint: an English-only text model given a query in another script matches on the
 * script (Chinese-titled films for a Chinese query), not on the meaning. Says so, and which
 * prepared model would read the query.
 */

/** Which script most of the letters of `text` are in: 'latin', 'other' or 'none' (no letters). */
export function dominantScript(text: string): 'latin' | 'other' | 'none' {
  let latin = 0;
  let other = 0;
  for (const ch of text) {
    if (/\p{Script=Latin}/u.test(ch)) latin++;
    else if (/\p{L}/u.test(ch)) other++;
  }
  if (latin === 0 && other === 0) return 'none';
  return other > latin ? 'other' : 'latin';
}

/** What the caller knows about the model that answers. */
export interface AnsweringModel {
  readonly modelId: string;
  /** 'en': English-only; 'multilingual'; absent: unknown (no hint). */
  readonly languages?: 'en' | 'multilingual';
}

export const MULTILINGUAL_MODEL_NAME = 'multilingual-e5-small';

/** A hint when an English-only model gets a query mostly in a non-Latin script, else null. */
export function languageHint(query: string | null, model: AnsweringModel): string | null {
  if (query === null || model.languages !== 'en' || dominantScript(query) !== 'other') return null;
  return `the text model ${model.modelId} is English-only: this query is not in Latin script, so results match on script rather than meaning; use a multilingual text model (--text-model ${MULTILINGUAL_MODEL_NAME})`;
}

/** The languages item sentences can be verbalized in for queries (resources/templates). */
export type CatalogLang = 'en' | 'zh';

/**
 * How many units of each script `text` has: a Han character counts one (it is about a word), a
 * run of Latin letters counts one (a word), any other letter counts one. Digits, punctuation
 * and spaces count nothing.
 */
export function scriptUnits(text: string): { readonly han: number; readonly latin: number; readonly other: number } {
  let han = 0;
  let latin = 0;
  let other = 0;
  let inLatinWord = false;
  for (const ch of text) {
    const isLatin = /\p{Script=Latin}/u.test(ch);
    if (isLatin && !inLatinWord) latin++;
    inLatinWord = isLatin;
    if (isLatin) continue;
    if (/\p{Script=Han}/u.test(ch)) han++;
    else if (/\p{L}/u.test(ch)) other++;
  }
  return { han, latin, other };
}

/**
 * The language of the item sentences a query is matched against. An English-only (or unknown)
 * model: always 'en' (the language hint says when that does not suit the query). A multilingual
 * model: 'zh' when the query's Han characters outnumber both its Latin words and its letters of
 * any other script (the majority script, counted in word-sized units by scriptUnits, so
 * "像 Toy Story 那样的动画片" is Chinese), else 'en' (Latin, no letters, or another script
 * that has no item sentences of its own: the model matches it across languages).
 */
export function queryCatalogLang(query: string | null, model: Pick<AnsweringModel, 'languages'>): CatalogLang {
  if (query === null || model.languages !== 'multilingual') return 'en';
  const u = scriptUnits(query);
  return u.han > u.latin && u.han > u.other ? 'zh' : 'en';
}
