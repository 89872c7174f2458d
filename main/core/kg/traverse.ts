/**
 * Breadth-first traversal over the CSR adjacency (both directions), optionally restricted to
 * a set of relations. Typed arrays only; one allocation of nEntities ints per call.
 */
import type { Adjacency } from './types';

export interface BfsResult {
  /** Entities reached, in BFS order (sources first); distances never decrease along it. */
  readonly order: Int32Array;
  /** Hops from the nearest source for every entity; -1 where not reached. */
  readonly dist: Int32Array;
}

/**
 * Entities within `maxHops` of `sources`. `relationMask[r] === 1` keeps relation r; null
 * keeps all. `maxReached` stops the search once that many entities are reached (the last
 * layer may then be partial).
 */
export function bfs(
  adj: Adjacency,
  sources: ArrayLike<number>,
  maxHops: number,
  relationMask: Uint8Array | null,
  maxReached = Number.POSITIVE_INFINITY,
): BfsResult {
  const dist = new Int32Array(adj.nEntities).fill(-1);
  const queue = new Int32Array(adj.nEntities);
  let tail = 0;
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    if (dist[s] !== -1) continue;
    dist[s] = 0;
    queue[tail++] = s;
  }
  const { offsets, neighbour, relation } = adj;
  let head = 0;
  outer: while (head < tail) {
    const u = queue[head++];
    const du = dist[u];
    if (du >= maxHops) continue;
    for (let p = offsets[u], end = offsets[u + 1]; p < end; p++) {
      if (relationMask !== null && relationMask[relation[p]] === 0) continue;
      const v = neighbour[p];
      if (dist[v] !== -1) continue;
      dist[v] = du + 1;
      queue[tail++] = v;
      if (tail >= maxReached) break outer;
    }
  }
  return { order: queue.subarray(0, tail), dist };
}
