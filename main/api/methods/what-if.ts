/**
 * whatIf: the user's top-k re-ranked without some history items and/or KG ties of history items;
 * whatIfModel: the state of the model that answers it, and how to fit it.
 *
 * The model: the snapshot holds lists, not weights, so the what-if model is fitted once per
 * workspace data (main/jobs/what-if-model.ts: ApiImplOptions.whatIf's model, default 'hybrid', on
 * the RecBole split at the snapshot's seed, registry defaults unless `tune`) — never in the Api's
 * process and never by whatIf: `whatIfModel {fit: true}` starts the fit in the what-if worker
 * (main/jobs/what-if-engine.ts), which keeps the model and answers every whatIf after that by a
 * re-score (core/rank/what-if.ts), no refit. Before the model is ready whatIf refuses with a
 * precondition error (code not-found: "no what-if model is fitted … fit it first", or "still
 * being fitted (40%)"). The engine is dropped (its worker stopped) when the workspace data change.
 *
 * What is recomputed without the evidence: EASE / item-kNN (the items' rows), semantic (the
 * history vectors), kg-profile (the user's entity profile, without the items and without the
 * dropped (history item, entity) ties), BPR / kg-embed (the user factor shifted by the ridge
 * fold-in's change without the items, core/models/fold-in.ts), the hybrid's kg-overlap (entity
 * counts) and history-similarity features, then the hybrid's fusion. What is kept: pop scores (it
 * cannot leave history out), every item's own KG facts (a tie is
 * dropped from the user's side only), the fusion's weights and the standardisation. A fact is
 * dropped as its (history item, entity) pair: the scorers keep one term per pair.
 *
 * Ranks are among the items the user has not interacted with in the workspace (as the snapshot's
 * lists). History items (and ties) outside the model's training history change nothing: they
 * come back under `ignored`.
 */
import type { WhatIfFactRef, WhatIfItem, WhatIfModelRequest, WhatIfModelStatus, WhatIfRequest, WhatIfResult } from '../contract';
import { itemIndex, memo, userIndex, type ApiContext, type Opened } from '../context';
import { KnowrecError } from '../../core/errors';
import type { KgIndex } from '../../core/kg';
import { rowIndices } from '../../core/matrix';
import { interactionViews, sharedTies, type WhatIfRow } from '../../core/rank';
import { readableTitle } from '../../core/text';
import type { Dataset } from '../../core/types';
import { describedAs } from '../views';
import { WhatIfEngine } from '../../jobs/what-if-engine';

/** History items listed for toggles: the explained item's top contributors. */
const CONTRIBUTORS = 8;
/** KG ties listed for toggles. */
const TIES = 12;

/** The what-if engine of the open workspace's data (created unfitted; dropped with the data). */
function engineOf(ctx: ApiContext, o: Opened, ds: Dataset): WhatIfEngine {
  const opts = ctx.options.whatIf ?? {};
  let seed = opts.seed;
  if (seed === undefined) {
    try {
      seed = ctx.snapshotFor(ds.name).snapshot.manifest.protocol.seed;
    } catch (e) {
      if (!(e instanceof KnowrecError) || e.code !== 'not-found') throw e;
      seed = 2020;
    }
  }
  const spec = { workspace: o.path, model: opts.model ?? 'hybrid', seed, tune: opts.tune === true };
  return memo(o, `whatIf:${spec.model}:${seed}:${spec.tune}`, () => new WhatIfEngine(spec));
}

export async function whatIfModelFor(ctx: ApiContext, o: Opened, request: WhatIfModelRequest): Promise<WhatIfModelStatus> {
  const engine = engineOf(ctx, o, await ctx.datasetOf(o));
  return request.fit === true ? engine.fit() : engine.status();
}

interface Removal {
  readonly items: number[];
  /** Ties the KG holds (the worker leaves out those of the training history). */
  readonly ties: { history: number; entity: number; ref: WhatIfFactRef }[];
  /** Facts the KG does not hold. */
  readonly ignored: { history: string[]; facts: WhatIfFactRef[] };
}

/** The request's evidence as dense indices; a fact the KG does not hold is ignored. */
function removalOf(ds: Dataset, kg: KgIndex, request: WhatIfRequest): Removal {
  const items = (request.withoutHistory ?? []).map((id) => itemIndex(ds, id));
  const ignored: Removal['ignored'] = { history: [], facts: [] };
  const ties: Removal['ties'] = [];
  for (const f of request.withoutFacts ?? []) {
    const h = itemIndex(ds, f.item);
    const e = kg.entityIndex(f.entity);
    if (e === undefined) throw new KnowrecError('not-found', `no KG entity with id "${f.entity}"`, {}, 'pass the entity id of a tie the whatIf answer listed');
    const ref = { item: f.item, relation: f.relation, entity: f.entity };
    if (kg.itemFacts(h).some((x) => x.entity === e && x.relation === f.relation)) ties.push({ history: h, entity: e, ref });
    else ignored.facts.push(ref);
  }
  return { items, ties, ignored };
}

export async function whatIfFor(ctx: ApiContext, o: Opened, request: WhatIfRequest): Promise<WhatIfResult> {
  const ds = await ctx.datasetOf(o);
  const kg = await ctx.kgOf(o);
  const user = userIndex(ds, request.user);
  const target = request.item !== undefined ? itemIndex(ds, request.item) : undefined;
  const engine = engineOf(ctx, o, ds);
  const all = memo(o, 'matrices', () => interactionViews(ds)).all;
  const seen = new Uint8Array(ds.itemIds.length);
  for (const i of rowIndices(all, user)) seen[i] = 1;
  const removal = removalOf(ds, kg, request);
  const cited = (request.cited ?? []).map((id) => itemIndex(ds, id));
  const a = await engine.ask({ user, k: request.k, items: removal.items, ties: removal.ties.map((t) => ({ history: t.history, entity: t.entity })), excluded: seen, target, cited, contributors: CONTRIBUTORS });
  const info = engine.status().info;
  if (info === null) throw new KnowrecError('internal', 'the what-if model answered without being ready');
  const title = (i: number): string => readableTitle(ds.items[i]?.title ?? ds.itemIds[i]);
  const view = (x: WhatIfRow): WhatIfItem => ({ item: ds.itemIds[x.item], title: title(x.item), score: Number.isFinite(x.score) ? Math.round(x.score * 1e4) / 1e4 : 0, rankBefore: x.rankBefore, rankAfter: x.rankAfter });
  const removedItems = new Set(a.removedItems);
  const dropped = new Set(a.removedTies.map((j) => `${removal.ties[j].history}:${removal.ties[j].entity}`));
  const ties = target === undefined ? [] : sharedTies(kg, target, a.listed.map((h) => h.item), TIES);
  return {
    user: request.user,
    k: request.k,
    items: a.ranking.items.map(view),
    left: a.ranking.left.map(view),
    target: a.ranking.tracked === null ? null : view(a.ranking.tracked),
    history: a.listed.map((h) => ({ item: ds.itemIds[h.item], title: title(h.item), share: Math.round(h.share * 1e4) / 1e4, removed: removedItems.has(h.item) })),
    ties: ties.map((t) => ({
      item: ds.itemIds[t.history],
      itemTitle: title(t.history),
      relation: t.relation,
      entity: kg.entityId(t.entity),
      entityLabel: kg.entityLabel(t.entity),
      ...describedAs(kg, t.entity, 'entityDescribed'),
      removed: dropped.has(`${t.history}:${t.entity}`),
    })),
    ignored: { history: [...removal.ignored.history, ...a.ignoredItems.map((i) => ds.itemIds[i])], facts: [...removal.ignored.facts, ...a.ignoredTies.map((j) => removal.ties[j].ref)] },
    model: info,
  };
}
