/**
 * Free-text queries against the catalog: items are verbalized and encoded (cached in the
 * workspace), the query is encoded into the same space, and items are ranked by cosine.
 */
import { KnowrecError } from '../core/errors';
import { KgIndex } from '../core/kg';
import { itemSentence, kgFactSource } from '../core/text';
import { topK } from '../core/topk';
import type { Dataset } from '../core/types';
import type { ModelEnv } from './model-factory';

export interface QueryHit {
  readonly item: string;
  readonly title: string;
  readonly score: number;
  readonly text: string;
}

export async function answerQuery(dataset: Dataset, env: ModelEnv, query: string, k: number): Promise<QueryHit[]> {
  if (query.trim().length === 0) throw new KnowrecError('config', 'The query is empty', {}, 'pass --query "some words"');
  const encoder = await env.getEncoder();
  const facts = kgFactSource(new KgIndex(dataset));
  const countTokens = env.countTokens();
  const lang = env.options.lang ?? 'en';
  const texts = dataset.items.map((_, i) => itemSentence(dataset, i, { lang, facts, countTokens, tokenBudget: 128 }).text);
  const vecs = await encoder.encode(texts);
  const [q] = await encoder.encode([query]);
  const scores = new Float32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    let s = 0;
    const v = vecs[i];
    for (let d = 0; d < v.length; d++) s += v[d] * q[d];
    scores[i] = s;
  }
  return Array.from(topK(scores, k), (i) => ({ item: dataset.itemIds[i], title: dataset.items[i].title, score: scores[i], text: texts[i] }));
}
