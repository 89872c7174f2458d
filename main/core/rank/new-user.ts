/**
 * Recommendations for a new user, described by a free-text query and/or a few picked items
 * (no fitted model needed). Every item except the picks is scored by
 *   score = wText · text + wCo · co
 * - text: cosine to the query and the picks in sentence space, scaled to 0..1 (query.ts), against
 *   the item sentences in the query's language when the text model is multilingual (Chinese
 *   for a query mostly in Han characters, encode/language.ts queryCatalogLang), else English;
 * - co: Σ over picks of |users(item) ∩ users(pick)| / √(|users(item)| · |users(pick)|) (item
 *   cosine over the interactions), divided by its largest value (0..1);
 * - weights: 0.5 / 0.5 with picks and a working encoder; text only for a query without picks;
 *   co only when picks are given and the encoder cannot start (no prepared model).
 * Signal shares are the two weighted terms' shares (summing to 1); the picks are the history.
 * The CLI (`knowrec recommend --query/--items`) and the Api (`recommendQuery`) both call
 * recommendForNewUser, so they answer the same list.
 */
import { languageHint, queryCatalogLang, type CatalogLang } from '../encode/language';
import { KnowrecError } from '../errors';
import type { VectorIndex } from '../index';
import type { KgIndex } from '../kg';
import { toCsr } from '../matrix';
import { dedupeRows, transpose } from '../models/csr';
import { topK } from '../topk';
import type { Csr, Dataset } from '../types';
import { coInteractionCounter, explainRecommendation, type Explanation } from './explain';
import { encodeItems, textScores, type QueryText } from './query';
import type { ReasonLang } from './reason-templates';

export const NEW_USER_WEIGHTS = { text: 0.5, co: 0.5 } as const;

/** The interaction matrix in the forms new users and explanations need. */
export interface InteractionViews {
  /** All interactions, ratings kept. */
  readonly all: Csr;
  /** Rows deduplicated and binary, and their transpose. */
  readonly byUser: Csr;
  readonly byItem: Csr;
  readonly coLiked: (a: number, b: number) => number;
}

export function interactionViews(dataset: Dataset): InteractionViews {
  const all = toCsr(dataset.interactions, dataset.userIds.length, dataset.itemIds.length);
  const byUser = dedupeRows(all, true);
  return { all, byUser, byItem: transpose(byUser), coLiked: coInteractionCounter(all) };
}

export interface NewUserRequest {
  readonly dataset: Dataset;
  readonly kg: KgIndex;
  /** Default: built from the dataset (the Api passes its cached ones). */
  readonly interactions?: InteractionViews;
  /** Free text; null or '' for none. */
  readonly query: string | null;
  /** Picked item ids (duplicates ignored). */
  readonly items: readonly string[];
  readonly k: number;
  /** Language of the reasons. */
  readonly lang: ReasonLang;
  /** Starts the encoder. When it cannot, picks are ranked by co-occurrence alone; a query fails. */
  readonly text: () => Promise<QueryText>;
  /** Item vectors for the encoder, of the items' sentences in `lang` (default encodeItems; the Api caches them per workspace, model and language). */
  readonly itemVectors?: (text: QueryText, lang: CatalogLang) => Promise<readonly Float32Array[]>;
  /** The item vectors as an index, or null to score every item (the Api passes an ANN index for large catalogs). */
  readonly itemIndex?: (text: QueryText, vectors: readonly Float32Array[], lang: CatalogLang) => VectorIndex | null;
}

export interface NewUserItem {
  readonly item: string;
  readonly title: string;
  /** Rounded to 4 decimals. */
  readonly score: number;
  readonly explanation: Explanation;
}

export interface NewUserRecommendations {
  readonly query: string | null;
  readonly picks: readonly { readonly id: string; readonly title: string }[];
  readonly items: readonly NewUserItem[];
  /** The text model that scored the query and picks (absent: no text scores). */
  readonly textModel?: string;
  /** Set when the query's script does not suit the text model (an English-only model, a Chinese query). */
  readonly languageHint?: string;
  /** The language of the item sentences the query and picks were matched against (absent: no text scores). */
  readonly catalogLang?: CatalogLang;
}

/** Dense indices of picked item ids, each once; a 'not-found' error names an unknown id. */
export function pickIndices(dataset: Dataset, ids: readonly string[]): number[] {
  const index = new Map(dataset.itemIds.map((id, i) => [id, i]));
  return [
    ...new Set(
      ids.map((id) => {
        const i = index.get(id);
        if (i === undefined) throw new KnowrecError('not-found', `no item with id "${id}" in dataset ${dataset.name}`, {}, 'search for the item by its title first');
        return i;
      }),
    ),
  ];
}

/** Top-k for a new user described by `query` and/or the picked `items`, explained. */
export async function recommendForNewUser(r: NewUserRequest): Promise<NewUserRecommendations> {
  const { dataset: ds } = r;
  const picks = pickIndices(ds, r.items);
  const query = r.query !== null && r.query !== '' ? r.query : null;
  const m = r.interactions ?? interactionViews(ds);
  const text = await startText(r, query);
  const catalogLang = text === null ? null : queryCatalogLang(query, text.encoder);
  const vectors = text === null || catalogLang === null ? null : await (r.itemVectors ?? ((t, l) => encodeItems(ds, r.kg, t, l)))(text, catalogLang);
  const isPick = new Uint8Array(ds.itemIds.length);
  for (const p of picks) isPick[p] = 1;
  const index = text === null || vectors === null || catalogLang === null ? null : (r.itemIndex?.(text, vectors, catalogLang) ?? null);
  const ts = text === null || vectors === null ? null : await textScores({ encoder: text.encoder, vectors, query, picks, exclude: isPick, ...(index !== null ? { index } : {}) });
  const co = coScores(m, picks, isPick);
  const wText = ts === null ? 0 : picks.length > 0 ? NEW_USER_WEIGHTS.text : 1;
  const wCo = picks.length === 0 ? 0 : ts !== null ? NEW_USER_WEIGHTS.co : 1;
  const textOf = (i: number): number => (ts === null ? 0 : ts[i]);
  const score = new Float32Array(ds.itemIds.length);
  for (let i = 0; i < score.length; i++) score[i] = wText * textOf(i) + wCo * co[i];
  const items = Array.from(topK(score, r.k, isPick), (i): NewUserItem => {
    const e = explainRecommendation({
      hybrid: { contributions: () => ({ signals: { ...(wText > 0 ? { semantic: wText * textOf(i) } : {}), ...(wCo > 0 ? { 'co-occurrence': wCo * co[i] } : {}) } }) },
      user: -1,
      item: i,
      dataset: ds,
      kg: r.kg,
      trainHistory: () => ({ items: Int32Array.from(picks) }),
      lang: r.lang,
      ...(vectors !== null ? { itemVectors: (j: number) => vectors[j] } : {}),
      coLiked: m.coLiked,
      signalKinds: { 'co-occurrence': 'cf' },
    });
    const explanation: Explanation = { signals: e.signals, against: e.against, history: e.history, facts: e.facts, reason: e.reason, lead: e.lead, notAttributable: e.notAttributable, counterfactual: e.counterfactual };
    return { item: ds.itemIds[i], title: ds.items[i].title, score: Math.round(score[i] * 1e4) / 1e4, explanation };
  });
  const hint = text === null ? null : languageHint(query, text.encoder);
  return {
    query,
    picks: picks.map((p) => ({ id: ds.itemIds[p], title: ds.items[p].title })),
    items,
    ...(text !== null ? { textModel: text.encoder.modelId } : {}),
    ...(hint !== null ? { languageHint: hint } : {}),
    ...(catalogLang !== null && ts !== null ? { catalogLang } : {}),
  };
}

/** The encoder, or null when it cannot start and no query needs it. */
async function startText(r: NewUserRequest, query: string | null): Promise<QueryText | null> {
  try {
    return await r.text();
  } catch (e) {
    if (query !== null) throw e; // a text query needs the encoder
    return null;
  }
}

/** Item cosine to the picks over the interactions, summed over picks, scaled to 0..1. */
export function coScores(m: InteractionViews, picks: readonly number[], isPick: Uint8Array): Float32Array {
  const { byUser, byItem } = m;
  const n = isPick.length;
  const co = new Float32Array(n);
  if (picks.length === 0) return co;
  const hits = new Float32Array(n);
  for (const p of picks) {
    const np = byItem.indptr[p + 1] - byItem.indptr[p];
    if (np === 0) continue;
    hits.fill(0);
    for (let a = byItem.indptr[p]; a < byItem.indptr[p + 1]; a++) {
      const u = byItem.indices[a];
      for (let b = byUser.indptr[u]; b < byUser.indptr[u + 1]; b++) hits[byUser.indices[b]] += 1;
    }
    for (let i = 0; i < n; i++) {
      if (hits[i] === 0) continue;
      co[i] += hits[i] / Math.sqrt((byItem.indptr[i + 1] - byItem.indptr[i]) * np);
    }
  }
  let max = 0;
  for (let i = 0; i < n; i++) if (isPick[i] === 0 && co[i] > max) max = co[i];
  if (max > 0) for (let i = 0; i < n; i++) co[i] /= max;
  return co;
}
