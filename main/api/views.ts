/**
 * Turns core results (dense indices) into the Api's views (string ids and readable labels):
 * KG search hits, explorer subgraphs, item cards, recommendations read from a snapshot, and the
 * KG paths behind a recommendation.
 * Pure functions over a KgIndex / Dataset / Snapshot; methods/*.ts wire them to the workspace.
 */
import type { ItemCard, KgEdge, KgHit, KgNode, KgRelationCount, KgSubgraph, KgSubgraphRequest, Recommendations } from './contract';
import { KnowrecError } from '../core/errors';
import { humanizeRelation, inverseRelation, type KgIndex, type KgPath, type SubgraphCenter } from '../core/kg';
import type { Dataset } from '../core/types';
import { staleNote, type Snapshot } from '../jobs/snapshot';

export function kgSearchView(kg: KgIndex, query: string, limit: number): KgHit[] {
  return kg.searchEntities(query, limit).map((h) => ({
    kind: h.kind,
    entity: h.entity === null ? null : kg.kg.entityIds[h.entity],
    item: h.itemId ?? null,
    label: h.label,
  }));
}

function itemIndexOf(kg: KgIndex, id: string): number {
  const i = kg.itemIndex(id);
  if (i === undefined) throw new KnowrecError('not-found', `no item with id "${id}" in this workspace`, {}, 'search for the item by its title first');
  return i;
}

function entityIndexOf(kg: KgIndex, id: string): number {
  const e = kg.entityIndex(id);
  if (e === undefined) throw new KnowrecError('not-found', `no KG entity with id "${id}" in this workspace`, {}, 'search for the entity by its name first');
  return e;
}

/** Edges per relation touching the centre entities (both directions), most frequent first. */
function relationsAround(kg: KgIndex, centre: ArrayLike<number>): KgRelationCount[] {
  const adj = kg.adjacency;
  const counts = new Int32Array(kg.relationCount);
  for (let k = 0; k < centre.length; k++) {
    const e = centre[k];
    for (let p = adj.offsets[e], end = adj.offsets[e + 1]; p < end; p++) counts[adj.relation[p]]++;
  }
  const out: KgRelationCount[] = [];
  for (let r = 0; r < counts.length; r++) {
    if (counts[r] > 0) out.push({ relation: kg.kg.relationNames[r], label: humanizeRelation(kg.kg.relationNames[r]), count: counts[r] });
  }
  return out.sort((a, b) => b.count - a.count || a.relation.localeCompare(b.relation));
}

export function kgSubgraphView(kg: KgIndex, request: KgSubgraphRequest): KgSubgraph {
  const centre: SubgraphCenter = request.item !== undefined ? { item: itemIndexOf(kg, request.item) } : { entity: entityIndexOf(kg, request.entity ?? '') };
  const sub = kg.subgraph(centre, { hops: request.hops, cap: request.cap, relations: request.relations });
  const centreEntities = 'item' in centre ? kg.itemEntities(centre.item) : Int32Array.of(centre.entity);
  return {
    center: sub.center.map((e) => kg.kg.entityIds[e]),
    nodes: sub.nodes.map((n) => ({ id: n.id, label: n.label, kind: n.kind, item: n.itemId ?? null, distance: n.distance })),
    edges: sub.edges.map((e) => ({ source: e.source, target: e.target, relation: e.relation, label: humanizeRelation(e.relation), derived: e.derived })),
    truncated: sub.truncated,
    totalNeighbours: sub.totalNeighbours,
    relations: relationsAround(kg, centreEntities),
    hops: request.hops,
    cap: request.cap,
  };
}

export function itemCardView(kg: KgIndex, dataset: Dataset, itemId: string): ItemCard {
  const i = itemIndexOf(kg, itemId);
  const it = dataset.items[i];
  let interactions = 0;
  const col = dataset.interactions.item;
  for (let k = 0; k < col.length; k++) if (col[k] === i) interactions++;
  const facts = kg.itemFacts(i).map((f) => {
    const items = kg.entityItems(f.entity);
    return {
      relation: f.relation,
      label: f.direction === 'out' ? humanizeRelation(f.relation) : inverseRelation(f.relation),
      direction: f.direction,
      entity: kg.kg.entityIds[f.entity],
      entityLabel: kg.entityLabel(f.entity),
      entityItem: items.length > 0 ? dataset.items[items[0]].id : null,
      derived: f.derived,
    };
  });
  return { id: it.id, title: kg.itemLabel(i), attributes: it.attributes, interactions, facts };
}

export interface RecommendViewInput {
  readonly snapshot: Snapshot;
  readonly dir: string;
  readonly dataset: Dataset;
  /** dataHash of the workspace's dataset, compared with the snapshot's. */
  readonly dataSha256: string;
  readonly user: string;
  readonly k: number;
}

export function recommendView(o: RecommendViewInput): Recommendations {
  const { snapshot, user } = o;
  if (!o.dataset.userIds.includes(user)) {
    throw new KnowrecError('not-found', `no user with id "${user}" in dataset ${o.dataset.name}`, {}, `pick one of the ${o.dataset.userIds.length} users listed in the workspace`);
  }
  const recs = Object.prototype.hasOwnProperty.call(snapshot.recommendations, user) ? snapshot.recommendations[user] : undefined;
  if (recs === undefined) {
    throw new KnowrecError(
      'not-found',
      `the fitted model has no recommendations for user "${user}"`,
      { file: o.dir },
      `refit with \`knowrec fit --dataset ${o.dataset.name}\` to cover every user`,
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
      dataMatches: snapshot.manifest.data_sha256 === o.dataSha256,
      ...(snapshot.manifest.stale === undefined ? {} : { stale: staleNote(snapshot.manifest) ?? '' }),
    },
  };
}

/** Entities and edges of the paths kept under the cap. */
interface PathGraph {
  /** Entity → hops to the centre. */
  readonly distance: Map<number, number>;
  readonly edges: Map<string, KgEdge>;
  /** Every entity on a path, kept or not. */
  readonly all: Set<number>;
  truncated: boolean;
  hops: number;
}

/**
 * The KG paths (≤ 3 hops) from `history` items to the `target` item as a subgraph of at most
 * `cap` nodes; shorter paths first, a path that would pass the cap is left out whole.
 */
export function pathSubgraphView(kg: KgIndex, ds: Dataset, target: number, history: readonly number[], cap: number): KgSubgraph {
  const centre = [...kg.itemEntities(target)];
  const found: KgPath[] = [];
  for (const h of history) found.push(...kg.paths(h, target, { maxLen: 3, limit: 5 }));
  found.sort((a, b) => a.steps.length - b.steps.length);
  const g: PathGraph = { distance: new Map(centre.map((c) => [c, 0])), edges: new Map(), all: new Set(centre), truncated: false, hops: 0 };
  for (const p of found) addPath(kg, g, p, cap);
  const nodes: KgNode[] = [...g.distance.entries()]
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
  return {
    center: centre.map((e) => kg.kg.entityIds[e]),
    nodes,
    edges: [...g.edges.values()],
    truncated: g.truncated,
    totalNeighbours: g.all.size - centre.length,
    relations: edgeCounts(g.edges.values()),
    hops: g.hops,
    cap,
  };
}

function addPath(kg: KgIndex, g: PathGraph, p: KgPath, cap: number): void {
  const chain = [p.start, ...p.steps.map((s) => s.entity)];
  for (const e of chain) g.all.add(e);
  const fresh = chain.filter((e) => !g.distance.has(e)).length;
  if (g.distance.size + fresh > cap) {
    g.truncated = true;
    return;
  }
  g.hops = Math.max(g.hops, p.steps.length);
  chain.forEach((e, j) => {
    const d = chain.length - 1 - j;
    g.distance.set(e, Math.min(g.distance.get(e) ?? d, d));
  });
  p.steps.forEach((s, j) => {
    const prev = chain[j];
    const [source, target] = s.direction === 'out' ? [prev, s.entity] : [s.entity, prev];
    const edge: KgEdge = {
      source: kg.kg.entityIds[source],
      target: kg.kg.entityIds[target],
      relation: s.relation,
      label: humanizeRelation(s.relation),
      derived: s.derived,
    };
    g.edges.set(`${edge.source}|${edge.relation}|${edge.target}`, edge);
  });
}

/** Edges per relation, most frequent first. */
function edgeCounts(edges: Iterable<KgEdge>): KgRelationCount[] {
  const counts = new Map<string, number>();
  for (const e of edges) counts.set(e.relation, (counts.get(e.relation) ?? 0) + 1);
  return [...counts.entries()]
    .map(([relation, count]) => ({ relation, label: humanizeRelation(relation), count }))
    .sort((a, b) => b.count - a.count || a.relation.localeCompare(b.relation));
}
