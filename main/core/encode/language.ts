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
