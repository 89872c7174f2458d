/** Filling phrases, joining lists and sentences, and trimming parts to a token budget. */
import { KnowrecError } from '../errors';
import type { Dataset } from '../types';
import { cleanLabel } from './guard';
import { catalogDomain } from './domain';
import { getTemplates, templatesForDomain, type Templates } from './templates';
import { estimateTokens, type TokenCounter } from './tokens';
import type { VerbalizeOptions } from './types';

/** Replaces each {name} in `phrase` with vars[name]. */
export function fill(phrase: string, vars: Readonly<Record<string, string>>): string {
  return phrase.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(vars, name)) {
      throw new KnowrecError('internal', `No value for placeholder {${name}} in "${phrase}"`);
    }
    return vars[name];
  });
}

export function joinList(values: readonly string[], t: Templates): string {
  return values.join(t.list.joiner);
}

/** Upper-cases the first letter when the language capitalizes sentences. */
export function capitalize(text: string, t: Templates): string {
  if (!t.sentence.capitalize || text.length === 0) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ENDED = /[.!?。！？…]$/;

/** `text` with the sentence end added, unless it already ends a sentence. */
export function endSentence(text: string, t: Templates): string {
  return ENDED.test(text) ? text : text + t.sentence.end;
}

/** Sentences joined into one text, each ended. */
export function joinSentences(sentences: readonly string[], t: Templates): string {
  return sentences.map((s) => endSentence(s, t)).join(t.sentence.separator);
}

/** Throws not-found unless `index` is a dense item (user) index below `n`. */
export function checkIndex(what: 'item' | 'user', index: number, n: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    const name = what === 'item' ? 'Item' : 'User';
    throw new KnowrecError('not-found', `${name} index ${index} is out of range (0..${n - 1})`, {}, `pass a dense ${what} index`);
  }
}

/** The templates, token budget and token counter the options ask for (defaults: en, none, estimate). */
export function resolveOptions(opts: VerbalizeOptions, dataset: Dataset): { t: Templates; budget: number; count: TokenCounter } {
  const t = templatesForDomain(opts.templates ?? getTemplates(opts.lang ?? 'en'), opts.domain ?? catalogDomain(dataset));
  const b = opts.tokenBudget;
  if (b !== undefined && !(b >= 0)) throw new KnowrecError('config', `tokenBudget must be a number ≥ 0, got ${b}`, {}, 'pass e.g. tokenBudget: 128');
  return { t, budget: b ?? Number.POSITIVE_INFINITY, count: opts.countTokens ?? estimateTokens };
}

const TRAILING_ARTICLE =
  /^(.+?), (The|A|An|Les|La|Le|L'|Il|El|Lo|Los|Las|Das|Der|Die|Den|Det|De|Het|Une|Un)((?:\s*\([^()]*\))*)$/;

/**
 * Catalog titles with a trailing article read naturally: "Sting, The (1973)" → "The Sting
 * (1973)", "Postino, Il (1994)" → "Il Postino (1994)". Other titles are returned unchanged.
 */
export function readableTitle(title: string): string {
  const m = TRAILING_ARTICLE.exec(title);
  if (m === null) return title;
  const [, rest, article, tail] = m;
  return `${article}${article.endsWith("'") ? '' : ' '}${rest}${tail}`;
}

/** The printable title of an item: its title (readable), else its id, never a raw MID. */
export function itemTitle(dataset: Dataset, item: number, raw = false): string {
  const title = cleanLabel(dataset.items[item]?.title);
  if (title !== null) return raw ? title : readableTitle(title);
  return cleanLabel(dataset.itemIds[item]) ?? `#${item}`;
}

export interface BudgetResult {
  readonly kept: boolean[];
  readonly text: string;
  readonly tokens: number;
  readonly overBudget: boolean;
}

/**
 * Drops parts in `dropSequence` order (indices into the parts) until render(kept) fits the
 * budget. Parts absent from the sequence are never dropped.
 */
export function fitBudget(
  nParts: number,
  dropSequence: readonly number[],
  render: (kept: readonly boolean[]) => string,
  count: TokenCounter,
  budget: number,
): BudgetResult {
  const kept = new Array<boolean>(nParts).fill(true);
  let text = render(kept);
  let tokens = count(text);
  for (let d = 0; d < dropSequence.length && tokens > budget; d++) {
    kept[dropSequence[d]] = false;
    text = render(kept);
    tokens = count(text);
  }
  return { kept, text, tokens, overBudget: tokens > budget };
}
