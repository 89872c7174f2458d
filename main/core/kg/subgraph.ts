/**
 * A capped neighbourhood for the KG explorer: the centre, then entities by distance (items
 * before other entities within a distance, best connected first), and the triples among the
 * kept nodes. With `perNode`, each node beyond the first hop brings at most that many new
 * neighbours (its best connected ones), so two hops stay readable instead of a hairball.
 */
import { KnowrecError } from '../errors';
import { degree } from './adjacency';
import type { KgCore } from './core';
import { entityType } from './entity-type';
import { bfs, type BfsResult } from './traverse';
import { OUT, type Subgraph, type SubgraphCenter, type SubgraphEdge, type SubgraphNode, type SubgraphOptions } from './types';

export const DEFAULT_SUBGRAPH_CAP = 200;

export function subgraph(core: KgCore, center: SubgraphCenter, options: SubgraphOptions = {}): Subgraph {
  const hops = options.hops ?? 1;
  const cap = options.cap ?? DEFAULT_SUBGRAPH_CAP;
  const edgeCap = options.edgeCap ?? 10 * cap;
  if (!Number.isInteger(hops) || hops < 0) {
    throw new KnowrecError('config', `hops must be a whole number ≥ 0, got ${String(hops)}`, {}, 'use hops 1 or 2 for the explorer');
  }
  if (!Number.isInteger(cap) || cap < 1) {
    throw new KnowrecError('config', `cap must be a whole number ≥ 1, got ${String(cap)}`, {}, `the default is ${DEFAULT_SUBGRAPH_CAP}`);
  }
  if (!Number.isInteger(edgeCap) || edgeCap < 0) {
    throw new KnowrecError('config', `edgeCap must be a whole number ≥ 0, got ${String(edgeCap)}`, {}, 'leave it out for 10 × cap');
  }
  const perNode = options.perNode;
  if (perNode !== undefined && (!Number.isInteger(perNode) || perNode < 1)) {
    throw new KnowrecError('config', `perNode must be a whole number ≥ 1, got ${String(perNode)}`, {}, 'leave it out to keep every neighbour');
  }
  const mask = core.relationMask(options.relations);
  const sources = 'item' in center ? core.itemEntities(center.item) : Int32Array.of(center.entity);
  if (sources.length === 0) return { center: [], nodes: [], edges: [], truncated: false, totalNeighbours: 0 };

  const reach = bfs(core.adjacency, sources, hops, mask);
  const nSources = new Set(sources).size;
  const totalNeighbours = reach.order.length - nSources;
  const kept = perNode === undefined ? rankByLayer(core, reach, cap) : rankPerNode(core, sources, hops, mask, cap, perNode);
  // hops are BFS distances: the per-node walk goes layer by layer, so it never shortens them
  const dist = reach.dist;
  const keep = new Uint8Array(core.adjacency.nEntities);
  for (const e of kept) keep[e] = 1;

  const nodes: SubgraphNode[] = kept.map((e) => {
    const items = core.entityItems(e);
    const isItem = items.length > 0;
    const node: SubgraphNode = {
      id: core.entityId(e),
      entity: e,
      label: core.entityLabel(e),
      kind: isItem ? 'item' : 'entity',
      isItem,
      distance: dist[e],
      type: entityType(core, e),
      degree: degree(core.adjacency, e),
    };
    return isItem ? { ...node, item: items[0], itemId: core.itemId(items[0]) } : node;
  });

  const edges: SubgraphEdge[] = [];
  let edgesLeftOut = false;
  const adj = core.adjacency;
  for (const e of kept) {
    for (let p = adj.offsets[e], end = adj.offsets[e + 1]; p < end; p++) {
      if (adj.direction[p] !== OUT) continue;
      const r = adj.relation[p];
      if (mask !== null && mask[r] === 0) continue;
      const t = adj.neighbour[p];
      if (keep[t] === 0) continue;
      if (edges.length >= edgeCap) {
        edgesLeftOut = true;
        break;
      }
      edges.push({
        source: core.entityId(e),
        target: core.entityId(t),
        relation: core.kg.relationNames[r],
        derived: core.kg.derived[adj.triple[p]] === 1,
      });
    }
  }
  return {
    center: [...new Set(sources)],
    nodes,
    edges,
    truncated: reach.order.length > kept.length || edgesLeftOut,
    totalNeighbours,
  };
}

/** Within each BFS layer: item entities first, then the rest, each by degree (highest first). */
function rankByLayer(core: KgCore, reach: BfsResult, cap: number): number[] {
  const { order, dist } = reach;
  const ranked: number[] = [];
  let i = 0;
  while (i < order.length && ranked.length < cap) {
    const d = dist[order[i]];
    let j = i;
    while (j < order.length && dist[order[j]] === d) j++;
    ranked.push(...byImportance(core, Array.from(order.subarray(i, j))));
    i = j;
  }
  return ranked.slice(0, cap);
}

/** Items first, then by degree (highest first), then by index: a stable, deterministic order. */
function byImportance(core: KgCore, entities: number[]): number[] {
  const adj = core.adjacency;
  const isItem = (e: number): number => (core.entityItems(e).length > 0 ? 0 : 1);
  return entities.sort((a, b) => isItem(a) - isItem(b) || degree(adj, b) - degree(adj, a) || a - b);
}

/**
 * Layer by layer from the sources: the first hop is ranked like rankByLayer; from the second
 * hop on, each kept node of the previous layer adds at most `perNode` unseen neighbours.
 */
function rankPerNode(core: KgCore, sources: Int32Array, hops: number, mask: Uint8Array | null, cap: number, perNode: number): number[] {
  const adj = core.adjacency;
  const seen = new Set<number>();
  const kept: number[] = [];
  for (const s of sources) {
    if (seen.has(s) || kept.length >= cap) continue;
    seen.add(s);
    kept.push(s);
  }
  let layer = [...kept];
  for (let d = 1; d <= hops && kept.length < cap; d++) {
    const next: number[] = [];
    for (const u of layer) {
      const fresh = new Set<number>();
      for (let p = adj.offsets[u], end = adj.offsets[u + 1]; p < end; p++) {
        if (mask !== null && mask[adj.relation[p]] === 0) continue;
        const v = adj.neighbour[p];
        if (!seen.has(v)) fresh.add(v);
      }
      const picked = byImportance(core, [...fresh]);
      const take = d === 1 ? picked : picked.slice(0, perNode);
      for (const v of take) {
        if (kept.length >= cap) break;
        seen.add(v);
        kept.push(v);
        next.push(v);
      }
    }
    layer = next;
  }
  return kept;
}

