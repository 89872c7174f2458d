/**
 * Recommendation methods: a user's top-k from the serving snapshot (reasons in either language),
 * top-k for a new user from a free-text query and/or picked items, the KG paths behind one
 * recommendation, and what-if re-ranking (what-if.ts).
 *
 * Language: the snapshot's explanations are in the fit's language. Asked for the other one,
 * history, facts and reason are generated again (explainRecommendation) from the stored signal
 * shares, the user's whole history in the workspace (the fit used the training split) and
 * co-interactions; "similar description" ties need item vectors, which are not loaded here, so
 * the re-generated history can differ from the stored one. The signal shares stay as stored.
 *
 * New users (recommendQuery) are ranked by main/core/rank/new-user.ts, the path the CLI's
 * `knowrec recommend --query/--items` takes too; the Api keeps the item vectors per workspace.
 */
import type { Api, ApiGroupMethod, ExplainPathRequest, ListItemsRequest, ModelUsers, KgSubgraph, QueryRecommendations, RecommendQueryRequest, Recommendation, RecommendationExplanation, Recommendations } from '../contract';
import { itemIndex, memo, userIndex, type ApiContext, type Opened, type TextTools } from '../context';
import { guard } from '../result';
import { pathSubgraphView } from '../kg-views';
import { datasetUsers, itemIndexOf as kgItemIndex, modelUsersView, recommendView, type ViewUsers } from '../views';
import { datasetNameOf, snapshotDataMatches } from '../data-match';
import { textModelMethods } from './text-models';
import { KnowrecError } from '../../core/errors';
import type { CatalogLang } from '../../core/encode/language';
import { BackgroundAnnIndex, chooseIndexKind, type VectorIndex } from '../../core/index';
import type { KgIndex } from '../../core/kg';
import { rowIndices, rowValues } from '../../core/matrix';
import { encodeItems, explainRecommendation, interactionViews, recommendForNewUser, type InteractionViews, type ReasonLang } from '../../core/rank';
import type { Dataset } from '../../core/types';
import type { SnapshotItem } from '../../jobs/snapshot';
import { whatIfFor, whatIfModelFor } from './what-if';
import { prepareTask, type PrepareTask } from '../prepare-task';
import { part } from '../../jobs/job-message';

/** The first part of the first query's preparation lines. */
const TEXT_SEARCH = part('textSearch', 'text search');
const TEXT_SEARCH_READY = part('textSearchReady', 'text search ready');

/** The workspace's interactions as new users and explanations need them (kept per dataset). */
function interactionsOf(o: Opened, ds: Dataset): InteractionViews {
  return memo(o, 'matrices', () => interactionViews(ds));
}

/**
 * Vectors of every item's sentence in `lang` for this encoder (kept per dataset, model and
 * language). The first call encodes the catalog (vectors already in the workspace's embedding
 * cache are read back): a 'prepare' job's events tell the views its stage and percent meanwhile.
 */
export function itemVectorsOf(ctx: ApiContext, o: Opened, ds: Dataset, kg: KgIndex, tools: TextTools, lang: CatalogLang, early: PrepareTask | null): Promise<Float32Array[]> {
  const key = itemVectorsKey(tools.encoder.modelId, lang);
  const cached = o.memo.get(key) as Promise<Float32Array[]> | undefined;
  if (cached !== undefined) return cached;
  const n = ds.itemIds.length.toLocaleString('en-US');
  const first = [TEXT_SEARCH, part('encodingSentencesOnce', `encoding ${n} item sentences (${tools.encoder.modelId}, ${lang}), once per workspace`, { n, model: tools.encoder.modelId, lang })];
  const task = early ?? prepareTask((e) => ctx.emit(e), first);
  task.update(0, first);
  const onProgress = (done: number, total: number): void =>
    task.update(total > 0 ? done / total : null, [TEXT_SEARCH, part('encodingSentences', `encoding item sentences ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`, { done, total })]);
  const p = encodeItems(ds, kg, tools, lang, { onProgress });
  o.memo.set(key, p);
  p.then(
    () => task.done([TEXT_SEARCH_READY, part('itemVectors', `${n} item vectors`, { n })]),
    (e: unknown) => {
      o.memo.delete(key);
      task.fail(e);
    },
  );
  return p;
}

/** The workspace memo's key of the item vectors of (text model, catalog language). */
export function itemVectorsKey(modelId: string, lang: CatalogLang): string {
  return `itemVectors:${modelId}:${lang}`;
}

/**
 * The item vectors as an ANN index when the catalog is large enough for one (core/index
 * ANN_MIN_VECTORS) and the index is ready, else null (text queries then score every item
 * exactly). Built in a worker thread on first ask (minutes at 100k items; the Api answers exactly
 * meanwhile), kept per dataset, and on disk beside the workspace (`<workspace>.index/`), keyed by
 * the vectors' hash.
 */
function itemIndexOf(o: Opened, tools: TextTools, vectors: readonly Float32Array[], lang: CatalogLang): VectorIndex | null {
  if (chooseIndexKind(vectors.length) !== 'ann') return null;
  const name = `items-${tools.encoder.modelId}-${lang}`;
  const key = `itemIndex:${tools.encoder.modelId}:${lang}`;
  const bg = memo(o, key, () => {
    const b = new BackgroundAnnIndex(`${o.path}.index`, name, vectors);
    void b.settled.then((s) => {
      if (s.state !== 'failed' || s.error.code === 'cancelled') return;
      // searched exactly meanwhile; the next text query builds it again
      if (o.memo.get(key) === b) o.memo.delete(key);
      process.stderr.write(`knowrec: the vector index could not be built, text queries search exactly: ${s.error.message}\n`);
    });
    return b;
  });
  return bg.current();
}

/** A stored explanation re-generated in `lang` (signal shares kept as stored), for a list of `k` items as the fit made it. */
function explainAgain(ds: Dataset, kg: KgIndex, m: InteractionViews, user: number, rec: SnapshotItem, lang: ReasonLang, k: number): RecommendationExplanation {
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
    k,
    coLiked: m.coLiked,
    ...(storedAttribution(ds, stored) ?? {}),
  });
  return { signals: stored.signals, against: stored.against, history: e.history, facts: e.facts, reason: e.reason, lead: e.lead, notAttributable: e.notAttributable, counterfactual: e.counterfactual };
}

/** The stored shares and counterfactual with dense indices, when the snapshot has them. */
function storedAttribution(ds: Dataset, e: SnapshotItem['explanation']): { stored: NonNullable<Parameters<typeof explainRecommendation>[0]['stored']> } | null {
  if (e.notAttributable === undefined || e.history.some((h) => h.share === undefined || h.share === null)) return null;
  const history = e.history.map((h) => ({ item: itemIndexOrNull(ds, h.item), share: h.share ?? 0 }));
  const cf = e.counterfactual ?? null;
  const removed = cf?.removed.map((r) => itemIndexOrNull(ds, r.item)) ?? [];
  if (history.some((h) => h.item === null) || removed.some((i) => i === null)) return null;
  return {
    stored: {
      history: history.map((h) => ({ item: h.item ?? -1, share: h.share })),
      notAttributable: e.notAttributable,
      counterfactual: cf === null ? null : { removed: removed.map((i) => i ?? -1), rankBefore: cf.rankBefore, rankAfter: cf.rankAfter },
    },
  };
}

function netSignals(signals: Readonly<Record<string, number>>, against: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(signals)) out[k] = v;
  for (const [k, v] of Object.entries(against)) out[k] = (out[k] ?? 0) - v;
  return out;
}

/** The users of the open workspace: read by SQL when the store has the catalog reads, else from the loaded dataset. */
async function usersOf(ctx: ApiContext, o: Opened, name: string, ds: Dataset | null): Promise<ViewUsers> {
  const { ws } = o;
  if (ds !== null || ws.userTopItems === undefined || ws.userPage === undefined) return datasetUsers(ds ?? (await ctx.datasetOf(o)));
  const page = ws.userPage.bind(ws);
  const top = ws.userTopItems.bind(ws);
  return { name, has: (u) => top(u, 0) !== null, count: () => page(0, 0).total };
}

/**
 * Explained recommendations of `user` in `lang`, read from the serving snapshot. In the fit's
 * language nothing of the dataset is loaded: the user is looked up in SQL and the data hash is
 * the workspace's (data-match.ts); another language re-generates the reasons from the dataset.
 */
export async function recommendFor(ctx: ApiContext, o: Opened, user: string, k: number, lang: ReasonLang | undefined): Promise<Recommendations> {
  const name = await datasetNameOf(ctx, o);
  const { dir, snapshot } = ctx.snapshotFor(name);
  const again = lang !== undefined && lang !== snapshot.manifest.lang;
  const ds = again ? await ctx.datasetOf(o) : null;
  const users = await usersOf(ctx, o, name, ds);
  const dataMatches = users.has(user) ? await snapshotDataMatches(ctx, o, snapshot.manifest.data_sha256) : false;
  const view = recommendView({ snapshot, dir, users, dataMatches, user, k, refit: refitCommand(o, dir) });
  if (ds === null || lang === undefined) return view;
  const kg = await ctx.kgOf(o);
  const m = interactionsOf(o, ds);
  const u = userIndex(ds, user);
  const recs = snapshot.recommendations[user] ?? [];
  const items: Recommendation[] = view.items.map((r, j) => ({ ...r, explanation: explainAgain(ds, kg, m, u, recs[j], lang, snapshot.manifest.k) }));
  return { ...view, items };
}

/** The command that refits the workspace's model into `dir` (the hint for a user it does not explain). */
function refitCommand(o: Opened, dir: string): string {
  const arg = (v: string): string => (/^[\w./:@+-]+$/.test(v) ? v : JSON.stringify(v));
  return `knowrec fit --workspace ${arg(o.path)} --out ${arg(dir)}`;
}

/** The users the workspace's fitted model has recommendations for (modelUsers). */
async function modelUsersFor(ctx: ApiContext, o: Opened, request: ListItemsRequest): Promise<ModelUsers> {
  const { dir, snapshot } = ctx.snapshotFor(await datasetNameOf(ctx, o));
  return modelUsersView(snapshot, refitCommand(o, dir), request);
}

/** The snapshot's history items behind the user's recommendation of `item` (ids; empty when it names none). */
function snapshotHistory(ctx: ApiContext, dataset: string, user: string, item: string): string[] {
  try {
    const { snapshot } = ctx.snapshotFor(dataset);
    const recs = Object.prototype.hasOwnProperty.call(snapshot.recommendations, user) ? snapshot.recommendations[user] : [];
    const rec = recs.find((r) => r.item === item);
    return rec?.explanation.history.map((h) => h.item) ?? [];
  } catch (e) {
    if (!(e instanceof KnowrecError) || e.code !== 'not-found') throw e;
    return [];
  }
}

/** The user's history items taken when the snapshot names none. */
const HISTORY_FALLBACK = 5;

/** History items behind the user's recommendation of `item`: those the snapshot names, else the user's top-rated. */
function historyItems(ctx: ApiContext, ds: Dataset, m: InteractionViews, user: number, item: string): number[] {
  const found = snapshotHistory(ctx, ds.name, ds.userIds[user], item)
    .map((h) => itemIndexOrNull(ds, h))
    .filter((i): i is number => i !== null);
  if (found.length > 0) return found;
  const items = rowIndices(m.all, user);
  const ratings = rowValues(m.all, user);
  const order = Array.from(items.keys()).sort((a, b) => ratings[b] - ratings[a] || items[a] - items[b]);
  return order.slice(0, HISTORY_FALLBACK).map((j) => items[j]);
}

/**
 * The KG paths behind one recommendation from the KG index and small SQL reads (the user's
 * best-rated items, used when the snapshot names no history), without the dataset; stores
 * without the catalog reads (test fakes) use the loaded dataset.
 */
async function explainPathFor(ctx: ApiContext, o: Opened, request: ExplainPathRequest): Promise<KgSubgraph> {
  const cap = request.cap ?? PATH_CAP_DEFAULT;
  const top = o.ws.userTopItems?.bind(o.ws);
  const name = top === undefined ? null : o.ws.getMeta('dataset');
  if (top === undefined || name === null) {
    const ds = await ctx.datasetOf(o);
    const kg = await ctx.kgOf(o);
    const u = userIndex(ds, request.user);
    const target = itemIndex(ds, request.item);
    const history = historyItems(ctx, ds, interactionsOf(o, ds), u, request.item).filter((h) => h !== target);
    return pathSubgraphView(kg, ds, target, history, cap);
  }
  const best = top(request.user, HISTORY_FALLBACK);
  if (best === null) throw new KnowrecError('not-found', `no user with id "${request.user}" in dataset ${name}`, {}, 'pick one of the users listed in the workspace');
  const kg = await ctx.kgOf(o);
  const target = kgItemIndex(kg, request.item);
  const indices = (ids: readonly string[]): number[] => ids.map((id) => kg.itemIndex(id)).filter((i): i is number => i !== undefined);
  const named = indices(snapshotHistory(ctx, name, request.user, request.item));
  const history = (named.length > 0 ? named : indices(best)).filter((h) => h !== target);
  return pathSubgraphView(kg, null, target, history, cap);
}

function itemIndexOrNull(ds: Dataset, id: string): number | null {
  try {
    return itemIndex(ds, id);
  } catch {
    return null;
  }
}

async function newUserFor(ctx: ApiContext, o: Opened, request: RecommendQueryRequest, early: PrepareTask | null): Promise<QueryRecommendations> {
  const ds = await ctx.datasetOf(o);
  const kg = await ctx.kgOf(o);
  return recommendForNewUser({
    dataset: ds,
    kg,
    interactions: interactionsOf(o, ds),
    query: request.query ?? null,
    items: request.items ?? [],
    k: request.k,
    lang: request.lang ?? 'en',
    text: () => ctx.textTools(o),
    itemVectors: (tools, lang) => itemVectorsOf(ctx, o, ds, kg, tools, lang, early),
    itemIndex: (tools, vectors, lang) => itemIndexOf(o, tools, vectors, lang),
  });
}

export const PATH_CAP_DEFAULT = 200;

export function recommendMethods(ctx: ApiContext): Pick<Api, ApiGroupMethod<'recommend'>> {
  return {
    recommend: (request) => guard(async () => recommendFor(ctx, await ctx.ensureOpen(), request.user, request.k, request.lang)),

    modelUsers: (request) => guard(async () => modelUsersFor(ctx, await ctx.ensureOpen(), request)),

    recommendQuery: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        // no item vectors yet: the view hears of the preparation from the first moment (model and data loading included)
        const early = [...o.memo.keys()].some((k) => k.startsWith('itemVectors:')) ? null : prepareTask((e) => ctx.emit(e), [TEXT_SEARCH, part('loadingTextModel', 'loading the data and the text model')]);
        try {
          const r = await newUserFor(ctx, o, request, early);
          early?.done([TEXT_SEARCH_READY]);
          return r;
        } catch (e) {
          early?.fail(e);
          throw e;
        }
      }),

    whatIf: (request) => guard(async () => whatIfFor(ctx, await ctx.ensureOpen(), request)),
    whatIfModel: (request) => guard(async () => whatIfModelFor(ctx, await ctx.ensureOpen(), request)),
    ...textModelMethods(ctx),

    explainPath: (request) => guard(async () => explainPathFor(ctx, await ctx.ensureOpen(), request)),
  };
}
