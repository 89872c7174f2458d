/**
 * Joins a neighbourhood with the expansions a person asked for (one node's neighbours by one
 * relation), without duplicate nodes or edges. Pure, so it is unit-tested.
 */
import type { KgEdge, KgNode, KgSubgraph } from '../../main/api/contract';

export interface Expansion {
  /** The node that was expanded. */
  readonly entity: string;
  readonly relation: string;
  readonly graph: KgSubgraph;
}

const edgeKey = (e: KgEdge): string => `${e.source}\u0000${e.relation}\u0000${e.target}`;

export function mergeExpansions(base: KgSubgraph, expansions: readonly Expansion[]): KgSubgraph {
  if (expansions.length === 0) return base;
  const nodes = new Map<string, KgNode>(base.nodes.map((n) => [n.id, n]));
  const edges = new Map<string, KgEdge>(base.edges.map((e) => [edgeKey(e), e]));
  let truncated = base.truncated;
  for (const x of expansions) {
    const from = nodes.get(x.entity)?.distance ?? 0;
    for (const n of x.graph.nodes) {
      if (!nodes.has(n.id)) nodes.set(n.id, { ...n, distance: from + n.distance });
    }
    for (const e of x.graph.edges) {
      const k = edgeKey(e);
      if (!edges.has(k)) edges.set(k, e);
    }
    truncated = truncated || x.graph.truncated;
  }
  return { ...base, nodes: [...nodes.values()], edges: [...edges.values()], truncated };
}

/** For each expansion, how many nodes it added that the base and the earlier expansions did not have. */
export function addedCounts(base: KgSubgraph, expansions: readonly Expansion[]): number[] {
  const ids = new Set(base.nodes.map((n) => n.id));
  return expansions.map((x) => {
    let added = 0;
    for (const n of x.graph.nodes) {
      if (ids.has(n.id)) continue;
      ids.add(n.id);
      added++;
    }
    return added;
  });
}
