/**
 * What connects two items: entities both reach within 1–2 hops, and the paths (≤ 3 edges)
 * between their entities.
 */
import { KnowrecError } from '../errors';
import { degree } from './adjacency';
import type { KgCore } from './core';
import { bfs } from './traverse';
import { IN, OUT, type Direction, type EdgeRef, type KgPath, type PathOptions, type PathStep, type SharedEntity, type SharedOptions } from './types';

/** Paths enumerated at most before ranking; past this the answer is the best of those found. */
export const PATH_CANDIDATE_CAP = 200_000;

/**
 * Entities that both items' entities reach within `maxHops` (not the items' own entities),
 * nearest and most specific (fewest edges) first.
 */
export function sharedEntities(core: KgCore, itemA: number, itemB: number, options: SharedOptions = {}): SharedEntity[] {
  const maxHops = options.maxHops ?? 1;
  if (maxHops !== 1 && maxHops !== 2) {
    throw new KnowrecError('config', `maxHops must be 1 or 2, got ${String(maxHops)}`, {}, 'use maxHops 1 (direct facts) or 2');
  }
  const limit = checkLimit(options.limit ?? 50, 'limit');
  const mask = core.relationMask(options.relations);
  const srcA = core.itemEntities(itemA);
  const srcB = core.itemEntities(itemB);
  if (srcA.length === 0 || srcB.length === 0 || itemA === itemB) return [];
  const a = bfs(core.adjacency, srcA, maxHops, mask);
  const b = bfs(core.adjacency, srcB, maxHops, mask);
  const found: { e: number; da: number; db: number; deg: number }[] = [];
  for (let i = 0; i < a.order.length; i++) {
    const e = a.order[i];
    const da = a.dist[e];
    const db = b.dist[e];
    if (da < 1 || db < 1) continue;
    found.push({ e, da, db, deg: degree(core.adjacency, e) });
  }
  found.sort((x, y) => x.da + x.db - (y.da + y.db) || x.deg - y.deg || x.e - y.e);
  return found.slice(0, limit).map(({ e, da, db, deg }) => ({
    entity: e,
    id: core.entityId(e),
    label: core.entityLabel(e),
    hopsA: da,
    hopsB: db,
    viaA: lastHop(core, e, a.dist, mask),
    viaB: lastHop(core, e, b.dist, mask),
    degree: deg,
  }));
}

/** Distinct (relation, direction) of the edges from the previous BFS layer into e, read toward e. */
function lastHop(core: KgCore, e: number, dist: Int32Array, mask: Uint8Array | null): EdgeRef[] {
  const adj = core.adjacency;
  const want = dist[e] - 1;
  const out: EdgeRef[] = [];
  const seen = new Set<string>();
  for (let p = adj.offsets[e], end = adj.offsets[e + 1]; p < end; p++) {
    const r = adj.relation[p];
    if (mask !== null && mask[r] === 0) continue;
    if (dist[adj.neighbour[p]] !== want) continue;
    // e's row says OUT when e is the head; from the other side the edge then points in
    const direction: Direction = adj.direction[p] === OUT ? 'in' : 'out';
    const key = `${r},${direction}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ relation: core.kg.relationNames[r], direction, derived: core.kg.derived[adj.triple[p]] === 1 });
  }
  return out;
}

interface Candidate {
  readonly nodes: number[];
  readonly edges: number[];
  /** Sum of the degrees of the inner entities (smaller = more specific). */
  readonly cost: number;
  /** How well edge directions read "A —r→ x ←r— B" (smaller is better), then relation ids. */
  readonly pref: number;
}

/**
 * Simple paths of 1..maxLen edges from item A's entity to item B's entity, shortest and
 * most specific first. Inner entities are never either item's entity.
 */
export function paths(core: KgCore, itemA: number, itemB: number, options: PathOptions = {}): KgPath[] {
  if (itemA === itemB) return [];
  return pathsBetween(core, core.itemEntities(itemA), core.itemEntities(itemB), options);
}

/**
 * Simple paths of 1..maxLen edges from any of the entities `srcs` to any of `dsts` (e.g. two
 * explorer nodes), shortest and most specific first. Inner entities are never an endpoint.
 */
export function pathsBetween(core: KgCore, srcs: Int32Array, dsts: Int32Array, options: PathOptions = {}): KgPath[] {
  const maxLen = options.maxLen ?? 3;
  if (!Number.isInteger(maxLen) || maxLen < 1 || maxLen > 3) {
    throw new KnowrecError('config', `maxLen must be 1, 2 or 3, got ${String(maxLen)}`, {}, 'paths longer than 3 edges are not searched');
  }
  const limit = checkLimit(options.limit ?? 20, 'limit');
  const mask = core.relationMask(options.relations);
  if (srcs.length === 0 || dsts.length === 0) return [];
  const adj = core.adjacency;
  const { offsets, neighbour, relation } = adj;
  const endpoint = new Set<number>([...srcs, ...dsts]);
  const isDst = new Set<number>(dsts);

  // edges into B's entities, grouped by the entity they leave (positions in that entity's row)
  const intoB = new Map<number, number[]>();
  for (const d of dsts) {
    for (let p = offsets[d], end = offsets[d + 1]; p < end; p++) {
      if (mask !== null && mask[relation[p]] === 0) continue;
      const y = neighbour[p];
      let list = intoB.get(y);
      if (list === undefined) intoB.set(y, (list = []));
      list.push(adj.twin[p]);
    }
  }

  const best = new Map<string, Candidate>();
  let enumerated = 0;
  const add = (nodes: number[], edges: number[]): void => {
    enumerated++;
    let cost = 0;
    for (let i = 1; i < nodes.length - 1; i++) cost += degree(adj, nodes[i]);
    const pref = directionPreference(core, edges);
    const key = options.allEdges === true ? `${nodes.join(',')}|${edges.join(',')}` : nodes.join(',');
    const old = best.get(key);
    if (old === undefined || pref < old.pref) best.set(key, { nodes, edges, cost, pref });
  };
  const follow = (p: number): boolean => mask === null || mask[relation[p]] === 1;

  outer: for (const s of srcs) {
    for (let p1 = offsets[s], e1 = offsets[s + 1]; p1 < e1; p1++) {
      if (!follow(p1)) continue;
      const x = neighbour[p1];
      if (isDst.has(x)) {
        if (x !== s) add([s, x], [p1]);
        continue;
      }
      if (endpoint.has(x) || maxLen < 2) continue;
      for (const q of intoB.get(x) ?? []) add([s, x, neighbour[q]], [p1, q]);
      if (maxLen < 3) continue;
      for (let p2 = offsets[x], e2 = offsets[x + 1]; p2 < e2; p2++) {
        if (!follow(p2)) continue;
        const y = neighbour[p2];
        if (y === x || endpoint.has(y)) continue;
        const into = intoB.get(y);
        if (into === undefined) continue;
        for (const q of into) add([s, x, y, neighbour[q]], [p1, p2, q]);
        if (enumerated >= PATH_CANDIDATE_CAP) break outer;
      }
    }
  }

  const ranked = [...best.values()].sort(
    (u, v) => u.nodes.length - v.nodes.length || u.cost - v.cost || u.pref - v.pref || compareArrays(u.nodes, v.nodes),
  );
  return ranked.slice(0, limit).map((c) => toPath(core, c));
}

/** Penalty: edges leaving A's side should point out, edges arriving at B should point in. */
function directionPreference(core: KgCore, edges: number[]): number {
  const adj = core.adjacency;
  let pen = 0;
  const n = edges.length;
  for (let i = 0; i < n; i++) {
    const d = adj.direction[edges[i]];
    if (2 * i + 1 < n && d !== OUT) pen++;
    else if (2 * i + 1 > n && d !== IN) pen++;
  }
  let rel = 0;
  for (const p of edges) rel = rel * 1024 + (adj.relation[p] % 1024);
  return pen * 1e12 + rel;
}

function toPath(core: KgCore, c: Candidate): KgPath {
  const adj = core.adjacency;
  const steps: PathStep[] = c.edges.map((p, i) => ({
    relation: core.kg.relationNames[adj.relation[p]],
    direction: adj.direction[p] === OUT ? 'out' : 'in',
    entity: c.nodes[i + 1],
    derived: core.kg.derived[adj.triple[p]] === 1,
  }));
  return { start: c.nodes[0], steps };
}

function compareArrays(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function checkLimit(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0) {
    throw new KnowrecError('config', `${name} must be a whole number ≥ 0, got ${String(n)}`, {}, `pass a positive integer ${name}`);
  }
  return n;
}
