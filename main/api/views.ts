/**
 * Turns core results (dense indices) into the Api's views (string ids and readable labels):
 * KG search hits, item cards and recommendations read from a snapshot (explorer subgraphs and
 * paths are in kg-views.ts).
 * Pure functions over a KgIndex / Dataset / Snapshot; methods/*.ts wire them to the workspace.
 */
import type { ExplainedUsers, ItemCard, KgHit, ModelUsers, Recommendations } from './contract';
import { KnowrecError } from '../core/errors';
import { humanizeRelation, inverseRelation, type EntityDescription, type KgIndex } from '../core/kg';
import type { Dataset } from '../core/types';
import { staleNote, type Snapshot, type SnapshotManifest } from '../jobs/snapshot';
import { notExplainedError, sameFitFlags, usersExplainedOf } from '../jobs/snapshot-users';

/** `{ [key]: parts }` when the entity's label is a description, else `{}` (spread into a view). */
export function describedAs<K extends string>(kg: KgIndex, entity: number, key: K): Partial<Record<K, EntityDescription>> {
  const d = kg.entityDescription(entity);
  return d === null ? {} : ({ [key]: d } as Partial<Record<K, EntityDescription>>);
}

export function kgSearchView(kg: KgIndex, query: string, limit: number): KgHit[] {
  return kg.searchEntities(query, limit).map((h) => ({
    kind: h.kind,
    entity: h.entity === null ? null : kg.entityId(h.entity),
    item: h.itemId ?? null,
    label: h.label,
    ...(h.kind === 'entity' && h.entity !== null ? describedAs(kg, h.entity, 'described') : {}),
  }));
}

export function itemIndexOf(kg: KgIndex, id: string): number {
  const i = kg.itemIndex(id);
  if (i === undefined) throw new KnowrecError('not-found', `no item with id "${id}" in this workspace`, {}, 'search for the item by its title first');
  return i;
}

export function entityIndexOf(kg: KgIndex, id: string): number {
  const e = kg.entityIndex(id);
  if (e === undefined) throw new KnowrecError('not-found', `no KG entity with id "${id}" in this workspace`, {}, 'search for the entity by its name first');
  return e;
}

/** An item's card from the KG index alone (its items and counts are the dataset's). */
export function itemCardView(kg: KgIndex, itemId: string): ItemCard {
  const i = itemIndexOf(kg, itemId);
  const it = kg.item(i);
  const interactions = kg.interactionCount(i);
  const facts = kg.itemFacts(i).map((f) => {
    const items = kg.entityItems(f.entity);
    return {
      relation: f.relation,
      label: f.direction === 'out' ? humanizeRelation(f.relation) : inverseRelation(f.relation),
      direction: f.direction,
      entity: kg.entityId(f.entity),
      entityLabel: kg.entityLabel(f.entity),
      ...describedAs(kg, f.entity, 'entityDescribed'),
      entityItem: items.length > 0 ? kg.itemId(items[0]) : null,
      derived: f.derived,
    };
  });
  return { id: it.id, title: kg.itemLabel(i), attributes: it.attributes, interactions, facts };
}

/** The users a recommendation may be asked for: the loaded dataset's, or the workspace's read by SQL. */
export interface ViewUsers {
  /** The dataset's name. */
  readonly name: string;
  has(user: string): boolean;
  /** How many there are (for the hint of an unknown user). */
  count(): number;
}

export interface RecommendViewInput {
  readonly snapshot: Snapshot;
  readonly dir: string;
  readonly users: ViewUsers;
  /** Whether the snapshot was fitted on the workspace's data as it is now (see data-match.ts). */
  readonly dataMatches: boolean;
  readonly user: string;
  readonly k: number;
  /** The command that refits this model (`knowrec fit --workspace W --out DIR`), for the hint on a user it does not explain. */
  readonly refit: string;
}

/** The users of a loaded dataset. */
export function datasetUsers(ds: Dataset): ViewUsers {
  return { name: ds.name, has: (u) => ds.userIds.includes(u), count: () => ds.userIds.length };
}

export function recommendView(o: RecommendViewInput): Recommendations {
  const { snapshot, user } = o;
  if (!o.users.has(user)) {
    throw new KnowrecError('not-found', `no user with id "${user}" in dataset ${o.users.name}`, {}, `pick one of the ${o.users.count()} users listed in the workspace`);
  }
  const recs = Object.prototype.hasOwnProperty.call(snapshot.recommendations, user) ? snapshot.recommendations[user] : undefined;
  if (recs === undefined) {
    // at scale the fit explains a sample of the users: say so, and how to get this one
    throw notExplainedError(snapshot.manifest, user, o.refit, o.dir) ?? new KnowrecError(
      'not-found',
      `the fitted model has no recommendations for user "${user}"`,
      { file: o.dir },
      `refit with \`knowrec fit --dataset ${o.users.name}\` to cover every user`,
    );
  }
  return {
    user,
    items: recs.slice(0, o.k).map((r) => ({
      item: r.item,
      title: r.title,
      score: r.score,
      explanation: {
        signals: r.explanation.signals,
        against: r.explanation.against,
        history: r.explanation.history.map((h) => ({ item: h.item, title: h.title, relation: h.relation, share: h.share ?? null })),
        facts: r.explanation.facts,
        reason: r.explanation.reason,
        lead: r.explanation.lead ?? null,
        notAttributable: r.explanation.notAttributable ?? [],
        counterfactual: r.explanation.counterfactual ?? null,
      },
    })),
    model: {
      dir: o.dir,
      dataset: snapshot.manifest.dataset,
      created: snapshot.manifest.created,
      k: snapshot.manifest.k,
      explained: explainedView(snapshot.manifest, o.refit),
      dataMatches: o.dataMatches,
      ...(snapshot.manifest.stale === undefined ? {} : { stale: staleNote(snapshot.manifest) ?? '' }),
    },
  };
}

/** Which users the snapshot explains, as the Api gives it. */
export function explainedView(m: SnapshotManifest, refit: string): ExplainedUsers {
  const e = usersExplainedOf(m);
  return { mode: e.mode, count: e.count, of: e.of, seed: e.seed ?? null, reason: e.reason, refit: `${refit}${sameFitFlags(m)}` };
}

/** A page of the snapshot's users (in the order of the stored object's keys: whole-number ids first, ascending, then the others in the dataset's order), those containing `query` when given. */
export function modelUsersView(snapshot: Snapshot, refit: string, page: { readonly offset: number; readonly limit: number; readonly query?: string }): ModelUsers {
  const ids = Object.keys(snapshot.recommendations);
  const q = page.query?.trim() ?? '';
  const matched = q === '' ? ids : ids.filter((id) => id.includes(q));
  return { offset: page.offset, limit: page.limit, total: matched.length, rows: matched.slice(page.offset, page.offset + page.limit), explained: explainedView(snapshot.manifest, refit) };
}
