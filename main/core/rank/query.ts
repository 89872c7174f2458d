/**
 * Free-text queries against the catalog: every item's sentence (with its KG facts, in the
 * query's language when the text model is multilingual: encode/language.ts queryCatalogLang,
 * else English) and the query are encoded into one space, and items are scored by cosine to a profile vector, the
 * sum of the query's vector and the mean vector of any picked items (new-user.ts), min-max scaled
 * over the candidates to 0..1. The CLI (`knowrec recommend --query`) and the Api
 * (`recommendQuery`) both go through here.
 */
import type { CatalogLang } from '../encode/language';
import type { Encoder } from '../encode/types';
import type { VectorIndex } from '../index';
import type { KgIndex } from '../kg';
import { itemSentence, kgFactSource } from '../text';
import type { Dataset } from '../types';
import { itemCounts } from '../eval/evaluate';
import { splitInteractions } from '../eval/split';

/** What text queries need: the encoder and, when known, its token counter (for sentence budgets). */
export interface QueryText {
  readonly encoder: Encoder;
  readonly countTokens?: (text: string) => number;
}

/** Token budget of an item sentence when the encoder's tokens can be counted. */
export const QUERY_SENTENCE_TOKENS = 128;

/**
 * The sentence of every item in `lang` (default English), as queries see it. `popularity`
 * (interactions per item) picks the items that name an unnamed entity, as the semantic model's fit
 * does with its training split's counts: given the same counts the sentences are the same, so
 * vectors the fit cached are reused.
 */
export function querySentences(dataset: Dataset, kg: KgIndex, countTokens?: (text: string) => number, lang: CatalogLang = 'en', popularity?: Float32Array): string[] {
  const facts = kgFactSource(kg, popularity === undefined ? {} : { popularity });
  const budget = countTokens !== undefined ? { countTokens, tokenBudget: QUERY_SENTENCE_TOKENS } : {};
  return dataset.items.map((_, i) => itemSentence(dataset, i, { lang, facts, ...budget }).text);
}

/** Seed of the serving fit's split (the app's Fit and `knowrec fit`'s default use it: jobs FIT_SEED). */
export const SERVING_SPLIT_SEED = 2020;

/**
 * Interactions per item in the training part of the serving fit's split (recbole, seed
 * SERVING_SPLIT_SEED): the counts its semantic source names unnamed entities by.
 */
export function servingPopularity(dataset: Dataset): Float32Array {
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', SERVING_SPLIT_SEED);
  return itemCounts(split.train, dataset.itemIds.length);
}

export interface EncodeItemsOptions {
  /** Called after each batch with (sentences done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Unit vectors of every item's sentence in `lang` (default English), in item order. The sentences are those the serving
 * fit's semantic source encodes (servingPopularity), so after a fit their vectors come from the
 * workspace's embedding cache instead of the encoder.
 */
export function encodeItems(dataset: Dataset, kg: KgIndex, text: QueryText, lang: CatalogLang = 'en', opts: EncodeItemsOptions = {}): Promise<Float32Array[]> {
  const sentences = querySentences(dataset, kg, text.countTokens, lang, servingPopularity(dataset));
  return text.encoder.encode(sentences, opts.onProgress === undefined ? undefined : { onProgress: opts.onProgress });
}

export interface TextScoreInput {
  readonly encoder: Encoder;
  /** Item vectors (encodeItems). */
  readonly vectors: readonly Float32Array[];
  readonly query: string | null;
  readonly picks: readonly number[];
  /** 1 for items that are not candidates (the picks): left out of the scaling. */
  readonly exclude: Uint8Array;
  /**
   * The same item vectors as an index (large catalogs: the ANN one, core/index). When given, only
   * its `shortlist` nearest items to the profile get a text score (scaled over them); every other
   * item gets 0, instead of one inner product per item.
   */
  readonly index?: VectorIndex;
  /** Items scored through `index` (default TEXT_SHORTLIST). */
  readonly shortlist?: number;
}

/** Nearest items a query scores when an index is given (the rest get text score 0). */
export const TEXT_SHORTLIST = 1000;

/**
 * Cosine of every item to the profile (query vector + mean of the picks' vectors), scaled to
 * 0..1 over the candidates; null when there is no profile (no query, no picks, or a zero vector).
 */
export async function textScores(input: TextScoreInput): Promise<Float32Array | null> {
  const { vectors, picks, query } = input;
  if (picks.length === 0 && query === null) return null;
  const dim = vectors[0]?.length ?? 0;
  const profile = new Float32Array(dim);
  for (const p of picks) for (let d = 0; d < dim; d++) profile[d] += vectors[p][d] / picks.length;
  if (query !== null) {
    const [qv] = await input.encoder.encode([query], { role: 'query' });
    for (let d = 0; d < dim; d++) profile[d] += qv[d];
  }
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += profile[d] * profile[d];
  norm = Math.sqrt(norm);
  if (norm === 0) return null;
  if (input.index !== undefined) return shortlistScores(input.index, profile, norm, vectors.length, input);
  const out = new Float32Array(vectors.length);
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[d] * profile[d];
    out[i] = s / norm;
  }
  scaleToUnit(out, input.exclude);
  return out;
}

/** Cosine of the index's nearest `shortlist` candidates to the profile, scaled to 0..1 over them; 0 elsewhere. */
function shortlistScores(index: VectorIndex, profile: Float32Array, norm: number, n: number, input: TextScoreInput): Float32Array {
  const unit = profile.map((x) => x / norm);
  const [hit] = index.search([unit], input.shortlist ?? TEXT_SHORTLIST, () => input.exclude);
  const out = new Float32Array(n);
  if (hit.ids.length === 0) return out;
  const hi = hit.scores[0];
  const lo = hit.scores[hit.scores.length - 1];
  const span = hi - lo;
  for (let j = 0; j < hit.ids.length; j++) out[hit.ids[j]] = span > 0 ? (hit.scores[j] - lo) / span : 0;
  return out;
}

/** Scales the values of the non-excluded entries to 0..1 (all 0 when they are equal). */
export function scaleToUnit(v: Float32Array, exclude: Uint8Array): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (exclude[i] === 1) continue;
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  const span = hi - lo;
  for (let i = 0; i < v.length; i++) v[i] = span > 0 ? Math.max(0, (v[i] - lo) / span) : 0;
}
