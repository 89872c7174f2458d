/**
 * whatIf: the user's top-k re-ranked without some history items and/or KG ties of history items.
 *
 * The model: the snapshot holds lists, not weights, so the first question on a workspace fits
 * the what-if model once (main/jobs/what-if-model.ts: ApiImplOptions.whatIf's model, default
 * 'hybrid', on the RecBole split at the snapshot's seed, registry defaults unless `tune`); it is
 * kept until the workspace data change. Every question after that re-scores the user with the
 * counterfactual's machinery (core/rank/what-if.ts), no refit.
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
import type { WhatIfFactRef, WhatIfItem, WhatIfRequest, WhatIfResult } from '../contract';
import { itemIndex, memo, userIndex, type ApiContext, type Opened } from '../context';
import { KnowrecError } from '../../core/errors';
import type { KgIndex } from '../../core/kg';
import { rowIndices } from '../../core/matrix';
import { interactionViews, sharedTies, tiesMap, whatIfRanking, type WhatIfRow } from '../../core/rank';
import { readableTitle } from '../../core/text';
import type { Dataset } from '../../core/types';
import { fitWhatIfModel, type WhatIfModel } from '../../jobs/what-if-model';

/** History items listed for toggles: the explained item's top contributors. */
const CONTRIBUTORS = 8;
/** KG ties listed for toggles. */
const TIES = 12;
/** Users whose full scores are kept (the "before" of their questions). */
const BEFORE_CACHE = 32;

/** The what-if model of the open workspace (fitted on the first question). */
function modelOf(ctx: ApiContext, o: Opened, ds: Dataset): Promise<WhatIfModel> {
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
  const key = `whatIf:${opts.model ?? 'hybrid'}:${seed}:${opts.tune === true}`;
  const cached = o.memo.get(key) as Promise<WhatIfModel> | undefined;
  if (cached !== undefined) return cached;
  const p = fitWhatIfModel(ds, { model: opts.model, seed, tune: opts.tune, workspace: o.path });
  o.memo.set(key, p);
  p.catch(() => o.memo.delete(key));
  return p;
}

/** The user's full scores (cached for a few users). */
function scoresBefore(o: Opened, m: WhatIfModel, user: number): Float32Array {
  const cache = memo(o, `whatIf:before:${m.name}`, () => new Map<number, Float32Array>());
  let s = cache.get(user);
  if (s === undefined) {
    s = m.source.score(user);
    if (cache.size >= BEFORE_CACHE) cache.delete(cache.keys().next().value ?? user);
    cache.set(user, s);
  }
  return s;
}

interface Removal {
  readonly items: Set<number>;
  readonly ties: { history: number; entity: number }[];
  readonly ignored: { history: string[]; facts: WhatIfFactRef[] };
}

/** The request's evidence as dense indices; what the training history does not hold is ignored. */
function removalOf(ds: Dataset, kg: KgIndex, history: ReadonlySet<number>, request: WhatIfRequest): Removal {
  const items = new Set<number>();
  const ignored: Removal['ignored'] = { history: [], facts: [] };
  for (const id of request.withoutHistory ?? []) {
    const i = itemIndex(ds, id);
    if (history.has(i)) items.add(i);
    else ignored.history.push(id);
  }
  const ties: Removal['ties'] = [];
  for (const f of request.withoutFacts ?? []) {
    const h = itemIndex(ds, f.item);
    const e = kg.entityIndex(f.entity);
    if (e === undefined) throw new KnowrecError('not-found', `no KG entity with id "${f.entity}"`, {}, 'pass the entity id of a tie the whatIf answer listed');
    const held = history.has(h) && kg.itemFacts(h).some((x) => x.entity === e && x.relation === f.relation);
    if (held) ties.push({ history: h, entity: e });
    else ignored.facts.push({ item: f.item, relation: f.relation, entity: f.entity });
  }
  return { items, ties, ignored };
}

export async function whatIfFor(ctx: ApiContext, o: Opened, request: WhatIfRequest): Promise<WhatIfResult> {
  const ds = await ctx.datasetOf(o);
  const kg = await ctx.kgOf(o);
  const user = userIndex(ds, request.user);
  const target = request.item !== undefined ? itemIndex(ds, request.item) : undefined;
  const m = await modelOf(ctx, o, ds);
  const all = memo(o, 'matrices', () => interactionViews(ds)).all;
  const seen = new Uint8Array(ds.itemIds.length);
  for (const i of rowIndices(all, user)) seen[i] = 1;
  const history = new Set(rowIndices(m.train, user));
  const removal = removalOf(ds, kg, history, request);
  const r = whatIfRanking(m.source, user, request.k, { items: removal.items, ties: tiesMap(removal.ties) }, seen, scoresBefore(o, m, user), target);
  const title = (i: number): string => readableTitle(ds.items[i]?.title ?? ds.itemIds[i]);
  const view = (x: WhatIfRow): WhatIfItem => ({ item: ds.itemIds[x.item], title: title(x.item), score: Number.isFinite(x.score) ? Math.round(x.score * 1e4) / 1e4 : 0, rankBefore: x.rankBefore, rankAfter: x.rankAfter });
  const listed = target === undefined ? [] : listedHistory(m, user, target, history, request.cited ?? [], ds);
  const dropped = new Set(removal.ties.map((t) => `${t.history}:${t.entity}`));
  const ties = target === undefined ? [] : sharedTies(kg, target, listed.map((h) => h.item), TIES);
  return {
    user: request.user,
    k: request.k,
    items: r.items.map(view),
    left: r.left.map(view),
    target: r.tracked === null ? null : view(r.tracked),
    history: listed.map((h) => ({ item: ds.itemIds[h.item], title: title(h.item), share: Math.round(h.share * 1e4) / 1e4, removed: removal.items.has(h.item) })),
    ties: ties.map((t) => ({
      item: ds.itemIds[t.history],
      itemTitle: title(t.history),
      relation: t.relation,
      entity: kg.kg.entityIds[t.entity],
      entityLabel: kg.entityLabel(t.entity),
      removed: dropped.has(`${t.history}:${t.entity}`),
    })),
    ignored: removal.ignored,
    model: { name: m.name, seed: m.seed, tuned: m.tuned, fitSeconds: Math.round(m.fitSeconds * 10) / 10 },
  };
}

/** The target's top contributors, then the cited items the training history holds. */
function listedHistory(m: WhatIfModel, user: number, target: number, history: ReadonlySet<number>, cited: readonly string[], ds: Dataset): { item: number; share: number }[] {
  const shares = m.shares(user, target);
  const out = shares.slice(0, CONTRIBUTORS);
  const byItem = new Map(shares.map((s) => [s.item, s.share]));
  for (const id of cited) {
    const i = itemIndex(ds, id);
    if (history.has(i) && !out.some((x) => x.item === i)) out.push({ item: i, share: byItem.get(i) ?? 0 });
  }
  return out;
}
