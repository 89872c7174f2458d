/**
 * Recommendation methods: a user's top-k from the serving snapshot (reasons in either language),
 * top-k for a new user from a free-text query and/or picked items, and the KG paths behind one
 * recommendation.
 *
 * Language: the snapshot's explanations are in the fit's language. Asked for the other one,
 * history, facts and reason are generated again (explainRecommendation) from the stored signal
 * shares, the user's whole history in the workspace (the fit used the training split) and
 * co-interactions; "similar description" ties need item vectors, which are not loaded here, so
 * the re-generated history can differ from the stored one. The signal shares stay as stored.
 *
 * New users (recommendQuery), every item except the picks is scored by
 *   score = wText · text + wCo · co
 * - text: cosine between the item's sentence vector and the profile vector, the normalized sum
 *   of the query's vector and the picks' mean vector, min-max scaled over the candidates to 0..1;
 * - co: Σ over picks of |users(item) ∩ users(pick)| / √(|users(item)| · |users(pick)|) (item
 *   cosine over the workspace's interactions), divided by its largest value (0..1);
 * - weights: 0.5 / 0.5 with picks and a working encoder; text only for a query without picks;
 *   co only when picks are given and the encoder cannot start (no prepared model).
 * Signal shares are the two weighted terms' shares (summing to 1); the picks are the history.
 */
import type { Api, ExplainPathRequest, KgEdge, KgNode, KgRelationCount, KgSubgraph, QueryRecommendations, Recommendation, RecommendationExplanation, Recommendations } from './api';
import { guard, itemIndex, memo, userIndex, type ApiContext, type Opened, type TextTools } from './api-impl-context';
import { recommendView } from './api-views';
import { KnowrecError } from './core/errors';
import { humanizeRelation, type KgIndex, type KgPath } from './core/kg';
import { rowIndices, rowValues, toCsr } from './core/matrix';
import { dedupeRows, transpose } from './core/models/common';
import { coInteractionCounter, explainRecommendation, type ReasonLang } from './core/rank';
import { itemSentence, kgFactSource } from './core/text';
import { topK } from './core/topk';
import type { Csr, Dataset } from './core/types';
import { dataHash, type SnapshotItem } from './jobs/snapshot';

type RecommendMethods = Pick<Api, 'recommend' | 'recommendQuery' | 'explainPath'>;

/** Rows of the whole interaction matrix, deduplicated, binary, and its transpose. */
interface Matrices {
  readonly all: Csr;
  readonly byUser: Csr;
  readonly byItem: Csr;
  readonly coLiked: (a: number, b: number) => number;
}

function matrices(o: Opened, ds: Dataset): Matrices {
  return memo(o, 'matrices', () => {
    const all = toCsr(ds.interactions, ds.userIds.length, ds.itemIds.length);
    const byUser = dedupeRows(all, true);
    return { all, byUser, byItem: transpose(byUser), coLiked: coInteractionCounter(all) };
  });
}

/** A stored explanation re-generated in `lang` (signal shares kept as stored). */
export function explainAgain(ds: Dataset, kg: KgIndex, m: Matrices, user: number, rec: SnapshotItem, lang: ReasonLang): RecommendationExplanation {
  const item = itemIndex(ds, rec.item);
  const stored = rec.explanation;
  const e = explainRecommendation({
    hybrid: { contributions: () => ({ signals: netSignals(stored.signals, stored.against) }) },
    user,
    item,
    dataset: ds,
    kg,
    trainHistory: (v) => ({ items: rowIndices(m.all, v), ratings: rowValues(m.all, v) }),
    lang,
    coLiked: m.coLiked,
  });
  return { signals: stored.signals, against: stored.against, history: e.history, facts: e.facts, reason: e.reason };
}

function netSignals(signals: Readonly<Record<string, number>>, against: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(signals)) out[k] = v;
  for (const [k, v] of Object.entries(against)) out[k] = (out[k] ?? 0) - v;
  return out;
}

/** Explained recommendations of `user` in `lang`, read from the serving snapshot. */
export async function recommendFor(ctx: ApiContext, o: Opened, user: string, k: number, lang: ReasonLang | undefined): Promise<Recommendations> {
  const ds = await ctx.datasetOf(o);
  const { dir, snapshot } = ctx.snapshotFor(ds.name);
  o.hash ??= dataHash(ds);
  const view = recommendView({ snapshot, dir, dataset: ds, dataSha256: o.hash, user, k });
  if (lang === undefined || lang === snapshot.manifest.lang) return view;
  const kg = await ctx.kgOf(o);
  const m = matrices(o, ds);
  const u = userIndex(ds, user);
  const recs = snapshot.recommendations[user] ?? [];
  const items: Recommendation[] = view.items.map((r, j) => ({ ...r, explanation: explainAgain(ds, kg, m, u, recs[j], lang) }));
  return { ...view, items };
}

export function recommendMethods(ctx: ApiContext): RecommendMethods {
  return {
    recommend: (request) => guard(async () => recommendFor(ctx, await ctx.ensureOpen(), request.user, request.k, request.lang)),

    recommendQuery: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const ds = await ctx.datasetOf(o);
        const kg = await ctx.kgOf(o);
        const picks = [...new Set((request.items ?? []).map((id) => itemIndex(ds, id)))];
        const query = request.query !== undefined && request.query !== '' ? request.query : null;
        let tools: TextTools | null = null;
        try {
          tools = await ctx.textTools(o);
        } catch (e) {
          if (query !== null) throw e; // a text query needs the encoder
        }
        return queryRecommendations({ ds, kg, m: matrices(o, ds), picks, query, k: request.k, lang: request.lang ?? 'en', vectors: tools === null ? null : await itemVectors(o, ds, kg, tools), tools });
      }),

    explainPath: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const ds = await ctx.datasetOf(o);
        const kg = await ctx.kgOf(o);
        return pathSubgraph(ctx, o, ds, kg, request);
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// New users

async function itemVectors(o: Opened, ds: Dataset, kg: KgIndex, tools: TextTools): Promise<Float32Array[]> {
  const key = `itemVectors:${tools.encoder.modelId}`;
  const cached = o.memo.get(key) as Promise<Float32Array[]> | undefined;
  if (cached !== undefined) return cached;
  const facts = kgFactSource(kg);
  const texts = ds.items.map(
    (_, i) => itemSentence(ds, i, { lang: 'en', facts, ...(tools.countTokens !== undefined ? { countTokens: tools.countTokens, tokenBudget: 128 } : {}) }).text,
  );
  const p = tools.encoder.encode(texts);
  o.memo.set(key, p);
  p.catch(() => o.memo.delete(key));
  return p;
}

interface QueryInput {
  readonly ds: Dataset;
  readonly kg: KgIndex;
  readonly m: Matrices;
  readonly picks: readonly number[];
  readonly query: string | null;
  readonly k: number;
  readonly lang: ReasonLang;
  readonly vectors: readonly Float32Array[] | null;
  readonly tools: TextTools | null;
}

export const QUERY_WEIGHTS = { text: 0.5, co: 0.5 } as const;

export async function queryRecommendations(q: QueryInput): Promise<QueryRecommendations> {
  const { ds, picks } = q;
  const n = ds.itemIds.length;
  const isPick = new Uint8Array(n);
  for (const p of picks) isPick[p] = 1;

  // text: cosine to the profile vector, min-max scaled over the candidates
  const text = new Float32Array(n);
  let haveText = false;
  if (q.vectors !== null && q.tools !== null && (picks.length > 0 || q.query !== null)) {
    const dim = q.vectors[0]?.length ?? 0;
    const profile = new Float32Array(dim);
    if (picks.length > 0) {
      for (const p of picks) for (let d = 0; d < dim; d++) profile[d] += q.vectors[p][d] / picks.length;
    }
    if (q.query !== null) {
      const [qv] = await q.tools.encoder.encode([q.query]);
      for (let d = 0; d < dim; d++) profile[d] += qv[d];
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += profile[d] * profile[d];
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (let i = 0; i < n; i++) {
        const v = q.vectors[i];
        let s = 0;
        for (let d = 0; d < dim; d++) s += v[d] * profile[d];
        text[i] = s / norm;
      }
      scaleToUnit(text, isPick);
      haveText = true;
    }
  }

  // co: item cosine to the picks over the interactions, summed over picks, scaled to 0..1
  const co = new Float32Array(n);
  const { byUser, byItem } = q.m;
  if (picks.length > 0) {
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
        const ni = byItem.indptr[i + 1] - byItem.indptr[i];
        co[i] += hits[i] / Math.sqrt(ni * np);
      }
    }
    let max = 0;
    for (let i = 0; i < n; i++) if (isPick[i] === 0 && co[i] > max) max = co[i];
    if (max > 0) for (let i = 0; i < n; i++) co[i] /= max;
  }

  const wText = haveText ? (picks.length > 0 ? QUERY_WEIGHTS.text : 1) : 0;
  const wCo = picks.length > 0 ? (haveText ? QUERY_WEIGHTS.co : 1) : 0;
  const score = new Float32Array(n);
  for (let i = 0; i < n; i++) score[i] = wText * text[i] + wCo * co[i];
  const top = topK(score, q.k, isPick);
  const vec = q.vectors;
  const items: Recommendation[] = Array.from(top, (i) => {
    const e = explainRecommendation({
      hybrid: { contributions: () => ({ signals: { ...(wText > 0 ? { semantic: wText * text[i] } : {}), ...(wCo > 0 ? { 'co-occurrence': wCo * co[i] } : {}) } }) },
      user: -1,
      item: i,
      dataset: ds,
      kg: q.kg,
      trainHistory: () => ({ items: Int32Array.from(picks) }),
      lang: q.lang,
      ...(vec !== null ? { itemVectors: (j: number) => vec[j] } : {}),
      coLiked: q.m.coLiked,
      signalKinds: { 'co-occurrence': 'cf' },
    });
    return {
      item: ds.itemIds[i],
      title: ds.items[i].title,
      score: Math.round(score[i] * 1e4) / 1e4,
      explanation: { signals: e.signals, against: e.against, history: e.history, facts: e.facts, reason: e.reason },
    };
  });
  return { query: q.query, picks: picks.map((p) => ({ id: ds.itemIds[p], title: ds.items[p].title })), items };
}

/** Scales the values of the non-excluded entries to 0..1 (all 0 when they are equal). */
function scaleToUnit(v: Float32Array, exclude: Uint8Array): void {
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

// ---------------------------------------------------------------------------------------------
// Paths

/** History items of the explanation: those the snapshot names, else the user's top-rated. */
function historyItems(ctx: ApiContext, ds: Dataset, m: Matrices, user: number, item: string): number[] {
  try {
    const { snapshot } = ctx.snapshotFor(ds.name);
    const rec = snapshot.recommendations[ds.userIds[user]]?.find((r) => r.item === item);
    if (rec !== undefined && rec.explanation.history.length > 0) {
      const found = rec.explanation.history.map((h) => itemIndexOrNull(ds, h.item)).filter((i): i is number => i !== null);
      if (found.length > 0) return found;
    }
  } catch (e) {
    if (!(e instanceof KnowrecError) || e.code !== 'not-found') throw e;
  }
  const items = rowIndices(m.all, user);
  const ratings = rowValues(m.all, user);
  const order = Array.from(items.keys()).sort((a, b) => ratings[b] - ratings[a] || items[a] - items[b]);
  return order.slice(0, 5).map((j) => items[j]);
}

function itemIndexOrNull(ds: Dataset, id: string): number | null {
  try {
    return itemIndex(ds, id);
  } catch {
    return null;
  }
}

export const PATH_CAP_DEFAULT = 200;

function pathSubgraph(ctx: ApiContext, o: Opened, ds: Dataset, kg: KgIndex, request: ExplainPathRequest): KgSubgraph {
  const cap = request.cap ?? PATH_CAP_DEFAULT;
  const u = userIndex(ds, request.user);
  const target = itemIndex(ds, request.item);
  const m = matrices(o, ds);
  const history = historyItems(ctx, ds, m, u, request.item).filter((h) => h !== target);
  const centre = [...kg.itemEntities(target)];
  const found: KgPath[] = [];
  for (const h of history) found.push(...kg.paths(h, target, { maxLen: 3, limit: 5 }));
  found.sort((a, b) => a.steps.length - b.steps.length);

  const distance = new Map<number, number>();
  for (const c of centre) distance.set(c, 0);
  const edges = new Map<string, KgEdge>();
  const all = new Set<number>(centre);
  let truncated = false;
  let hops = 0;
  for (const p of found) {
    const chain = [p.start, ...p.steps.map((s) => s.entity)];
    for (const e of chain) all.add(e);
    const fresh = chain.filter((e) => !distance.has(e)).length;
    if (distance.size + fresh > cap) {
      truncated = true;
      continue;
    }
    hops = Math.max(hops, p.steps.length);
    chain.forEach((e, j) => {
      const d = chain.length - 1 - j;
      distance.set(e, Math.min(distance.get(e) ?? d, d));
    });
    p.steps.forEach((s, j) => {
      const prev = chain[j];
      const [source, target2] = s.direction === 'out' ? [prev, s.entity] : [s.entity, prev];
      const edge: KgEdge = {
        source: kg.kg.entityIds[source],
        target: kg.kg.entityIds[target2],
        relation: s.relation,
        label: humanizeRelation(s.relation),
        derived: s.derived,
      };
      edges.set(`${edge.source}|${edge.relation}|${edge.target}`, edge);
    });
  }
  const nodes: KgNode[] = [...distance.entries()]
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .map(([e, d]) => {
      const items = kg.entityItems(e);
      return {
        id: kg.kg.entityIds[e],
        label: items.length > 0 ? kg.itemLabel(items[0]) : kg.entityLabel(e),
        kind: items.length > 0 ? 'item' : 'entity',
        item: items.length > 0 ? ds.itemIds[items[0]] : null,
        distance: d,
      };
    });
  const counts = new Map<string, number>();
  for (const e of edges.values()) counts.set(e.relation, (counts.get(e.relation) ?? 0) + 1);
  const relations: KgRelationCount[] = [...counts.entries()]
    .map(([relation, count]) => ({ relation, label: humanizeRelation(relation), count }))
    .sort((a, b) => b.count - a.count || a.relation.localeCompare(b.relation));
  return {
    center: centre.map((e) => kg.kg.entityIds[e]),
    nodes,
    edges: [...edges.values()],
    truncated,
    totalNeighbours: all.size - centre.length,
    relations,
    hops,
    cap,
  };
}
