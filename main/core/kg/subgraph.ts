/**
 * A capped neighbourhood for the KG explorer: the centre, then entities by distance (items
 * before other entities within a distance), and the triples among the kept nodes.
 */
import { KnowrecError } from '../errors';
import type { KgCore } from './core';
import { bfs } from './traverse';
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
  const mask = core.relationMask(options.relations);
  const sources = 'item' in center ? core.itemEntities(center.item) : Int32Array.of(center.entity);
  if (sources.length === 0) return { center: [], nodes: [], edges: [], truncated: false, totalNeighbours: 0 };

  const { order, dist } = bfs(core.adjacency, sources, hops, mask);
  const nSources = new Set(sources).size;
  const totalNeighbours = order.length - nSources;

  // order within a BFS layer: item entities first, then the rest, each in BFS order
  const ranked: number[] = [];
  let i = 0;
  while (i < order.length && ranked.length < cap) {
    const d = dist[order[i]];
    let j = i;
    while (j < order.length && dist[order[j]] === d) j++;
    for (let k = i; k < j; k++) if (core.entityItems(order[k]).length > 0) ranked.push(order[k]);
    for (let k = i; k < j; k++) if (core.entityItems(order[k]).length === 0) ranked.push(order[k]);
    i = j;
  }
  const kept = ranked.slice(0, cap);
  const keep = new Uint8Array(core.adjacency.nEntities);
  for (const e of kept) keep[e] = 1;

  const nodes: SubgraphNode[] = kept.map((e) => {
    const items = core.entityItems(e);
    const isItem = items.length > 0;
    const node: SubgraphNode = {
      id: core.kg.entityIds[e],
      entity: e,
      label: core.entityLabel(e),
      kind: isItem ? 'item' : 'entity',
      isItem,
      distance: dist[e],
    };
    return isItem ? { ...node, item: items[0], itemId: core.items[items[0]].id } : node;
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
        source: core.kg.entityIds[e],
        target: core.kg.entityIds[t],
        relation: core.kg.relationNames[r],
        derived: core.kg.derived[adj.triple[p]] === 1,
      });
    }
  }
  return {
    center: [...new Set(sources)],
    nodes,
    edges,
    truncated: order.length > kept.length || edgesLeftOut,
    totalNeighbours,
  };
}
