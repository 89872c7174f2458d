/**
 * The KG explorer's views: a neighbourhood (nodes typed for colour and legend, relations that the
 * KG states both ways merged into one filter and drawn once), the paths between two nodes, and
 * the paths from a user's history to a recommended item. Pure functions over a KgIndex.
 */
import type { KgEdge, KgNode, KgPathParts, KgPathStop, KgPaths, KgRelationCount, KgSubgraph } from './contract';
import type { KgEndpoint, KgPathsRequest, KgSubgraphRequest } from './requests';
import { describedAs, entityIndexOf, itemIndexOf } from './views';
import { degree, entityType, humanizeRelation, type KgIndex, type KgPath, type SubgraphCenter } from '../core/kg';
import type { Dataset } from '../core/types';

/** Paths returned by kgPaths when the request does not say. */
const DEFAULT_PATH_LIMIT = 5;
/** Most nodes of a kgPaths subgraph. */
const PATH_GRAPH_CAP = 60;

/**
 * The name that stands for a relation and its inverse: the lower relation index of the pair,
 * so both directions of a fact key the same.
 */
function canonical(kg: KgIndex, r: number): number {
  const inv = kg.inverseRelations()[r];
  return inv >= 0 && inv < r ? inv : r;
}

/** Facts per relation (an inverse pair counted once) touching the centre entities, most first. */
function relationsAround(kg: KgIndex, centre: ArrayLike<number>): KgRelationCount[] {
  const adj = kg.adjacency;
  const inverse = kg.inverseRelations();
  const facts = new Map<number, Set<number>>();
  for (let k = 0; k < centre.length; k++) {
    const e = centre[k];
    for (let p = adj.offsets[e], end = adj.offsets[e + 1]; p < end; p++) {
      const c = canonical(kg, adj.relation[p]);
      let set = facts.get(c);
      if (set === undefined) facts.set(c, (set = new Set()));
      set.add(adj.neighbour[p] * 2 + k);
    }
  }
  const names = kg.kg.relationNames;
  const out: KgRelationCount[] = [...facts].map(([r, set]) => ({
    relation: names[r],
    label: humanizeRelation(names[r]),
    count: set.size,
    relations: inverse[r] >= 0 ? [names[r], names[inverse[r]]] : [names[r]],
  }));
  return out.sort((a, b) => b.count - a.count || a.relation.localeCompare(b.relation));
}

function nodeView(kg: KgIndex, ds: Dataset | null, e: number, distance: number): KgNode {
  const items = kg.entityItems(e);
  const isItem = items.length > 0;
  return {
    id: kg.entityId(e),
    label: isItem ? kg.itemLabel(items[0]) : kg.entityLabel(e),
    ...(isItem ? {} : describedAs(kg, e, 'described')),
    kind: isItem ? 'item' : 'entity',
    item: isItem ? (ds?.itemIds[items[0]] ?? kg.itemId(items[0])) : null,
    distance,
    type: entityType(kg, e),
    degree: degree(kg.adjacency, e),
  };
}

/** Drops the second statement of a fact the KG states both ways (keeps the canonical relation). */
function dedupeInverse(kg: KgIndex, edges: readonly KgEdge[]): KgEdge[] {
  const idx = (name: string): number => kg.relationIndex(name) ?? -1;
  const seen = new Set<string>();
  const out: KgEdge[] = [];
  const ordered = [...edges].sort((a, b) => Number(canonical(kg, idx(a.relation)) !== idx(a.relation)) - Number(canonical(kg, idx(b.relation)) !== idx(b.relation)));
  for (const e of ordered) {
    const r = idx(e.relation);
    const c = r < 0 ? -1 : canonical(kg, r);
    const key = c === r ? `${e.source}|${c}|${e.target}` : `${e.target}|${c}|${e.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

export function kgSubgraphView(kg: KgIndex, request: KgSubgraphRequest): KgSubgraph {
  const centre: SubgraphCenter = request.item !== undefined ? { item: itemIndexOf(kg, request.item) } : { entity: entityIndexOf(kg, request.entity ?? '') };
  const sub = kg.subgraph(centre, { hops: request.hops, cap: request.cap, relations: request.relations, perNode: request.perNode });
  const centreEntities = 'item' in centre ? kg.itemEntities(centre.item) : Int32Array.of(centre.entity);
  const edges = sub.edges.map((e) => ({ source: e.source, target: e.target, relation: e.relation, label: humanizeRelation(e.relation), derived: e.derived }));
  return {
    center: sub.center.map((e) => kg.entityId(e)),
    nodes: sub.nodes.map((n) => ({ id: n.id, label: n.label, ...(n.isItem ? {} : describedAs(kg, n.entity, 'described')), kind: n.kind, item: n.itemId ?? null, distance: n.distance, type: n.type, degree: n.degree })),
    edges: dedupeInverse(kg, edges),
    truncated: sub.truncated,
    totalNeighbours: sub.totalNeighbours,
    relations: relationsAround(kg, centreEntities),
    hops: request.hops,
    cap: request.cap,
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

/** Paths ending at `centre` as one subgraph of at most `cap` nodes; a path that would pass the cap is left out whole. */
function pathsToSubgraph(kg: KgIndex, ds: Dataset | null, centre: readonly number[], found: readonly KgPath[], cap: number): KgSubgraph {
  const g: PathGraph = { distance: new Map(centre.map((c) => [c, 0])), edges: new Map(), all: new Set(centre), truncated: false, hops: 0 };
  for (const p of found) addPath(kg, g, p, cap);
  const nodes = [...g.distance.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([e, d]) => nodeView(kg, ds, e, d));
  return {
    center: centre.map((e) => kg.entityId(e)),
    nodes,
    edges: [...g.edges.values()],
    truncated: g.truncated,
    totalNeighbours: g.all.size - centre.length,
    relations: edgeCounts(g.edges.values()),
    hops: g.hops,
    cap,
  };
}

/**
 * The KG paths (≤ 3 hops) from `history` items to the `target` item as a subgraph of at most
 * `cap` nodes; shorter paths first, a path that would pass the cap is left out whole.
 */
export function pathSubgraphView(kg: KgIndex, ds: Dataset | null, target: number, history: readonly number[], cap: number): KgSubgraph {
  const found: KgPath[] = [];
  for (const h of history) found.push(...kg.paths(h, target, { maxLen: 3, limit: 5 }));
  found.sort((a, b) => a.steps.length - b.steps.length);
  return pathsToSubgraph(kg, ds, [...kg.itemEntities(target)], found, cap);
}

function endpointEntities(kg: KgIndex, end: KgEndpoint): Int32Array {
  return end.item !== undefined ? kg.itemEntities(itemIndexOf(kg, end.item)) : Int32Array.of(entityIndexOf(kg, end.entity ?? ''));
}

/** What connects two explorer nodes: the best paths in words and drawn, centred on `to`. */
export function kgPathsView(kg: KgIndex, request: KgPathsRequest): KgPaths {
  const src = endpointEntities(kg, request.from);
  const dst = endpointEntities(kg, request.to);
  const found = kg.pathsBetween(src, dst, { maxLen: request.maxLen ?? 3, limit: request.limit ?? DEFAULT_PATH_LIMIT });
  return { graph: pathsToSubgraph(kg, null, [...dst], found, PATH_GRAPH_CAP), paths: found.map((p) => kg.formatPath(p)), parts: found.map((p) => pathParts(kg, p)) };
}

function stopOf(kg: KgIndex, e: number): KgPathStop {
  return { label: kg.entityLabel(e), ...describedAs(kg, e, 'described') };
}

/** A path in parts, saying what formatPath says. */
function pathParts(kg: KgIndex, p: KgPath): KgPathParts {
  return { start: stopOf(kg, p.start), steps: p.steps.map((s) => ({ relation: s.relation, label: humanizeRelation(s.relation), direction: s.direction, to: stopOf(kg, s.entity) })) };
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
      source: kg.entityId(source),
      target: kg.entityId(target),
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
    .map(([relation, count]) => ({ relation, label: humanizeRelation(relation), count, relations: [relation] }))
    .sort((a, b) => b.count - a.count || a.relation.localeCompare(b.relation));
}
