/**
 * `knowrec recommend --query TEXT --items ID,ID`: recommendations for a new user described by a
 * free-text query and/or picked items, through main/core/rank/new-user.ts, the same path as the
 * Api's recommendQuery (so both answer the same list).
 */
import { KnowrecError } from '../core/errors';
import { KgIndex } from '../core/kg';
import { recommendForNewUser, type NewUserRecommendations, type QueryText, type ReasonLang } from '../core/rank';
import type { Dataset } from '../core/types';

export interface QueryOptions {
  readonly dataset: Dataset;
  /** Free text (trimmed; empty for none). */
  readonly query?: string;
  /** Picked item ids. */
  readonly items?: readonly string[];
  readonly k: number;
  /** Language of the reasons (default 'en'). */
  readonly lang?: ReasonLang;
  /** Starts the encoder (e.g. ModelEnv's); picks alone rank by co-occurrence when it cannot. */
  readonly text: () => Promise<QueryText>;
}

export async function answerQuery(o: QueryOptions): Promise<NewUserRecommendations> {
  const query = o.query?.trim() ?? '';
  const items = o.items ?? [];
  if (query === '' && items.length === 0) {
    throw new KnowrecError('config', 'The query is empty and no items are picked', {}, 'pass --query "some words" and/or --items ID,ID');
  }
  return recommendForNewUser({
    dataset: o.dataset,
    kg: new KgIndex(o.dataset),
    query: query === '' ? null : query,
    items,
    k: o.k,
    lang: o.lang ?? 'en',
    text: o.text,
  });
}
