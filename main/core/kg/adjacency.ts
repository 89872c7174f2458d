/**
 * CSR adjacency over both directions of every triple, built by counting sort in O(E).
 */
import type { KnowledgeGraph } from '../types';
import { KnowrecError } from '../errors';
import { IN, OUT, type Adjacency } from './types';

/** Checks index ranges and array lengths of a KnowledgeGraph; throws 'validation' on the first problem. */
export function validateKg(kg: KnowledgeGraph): void {
  const nE = kg.entityIds.length;
  const nR = kg.relationNames.length;
  const nT = kg.head.length;
  const hint = 'rebuild the dataset from its files; every triple must use known entity and relation indices';
  if (kg.entityNames.length !== nE) {
    throw new KnowrecError('validation', `KG has ${kg.entityNames.length} entity names for ${nE} entity ids`, {}, hint);
  }
  if (kg.relation.length !== nT || kg.tail.length !== nT || kg.derived.length !== nT) {
    throw new KnowrecError(
      'validation',
      `KG triple arrays differ in length (head ${nT}, relation ${kg.relation.length}, tail ${kg.tail.length}, derived ${kg.derived.length})`,
      {},
      hint,
    );
  }
  for (let i = 0; i < nT; i++) {
    const h = kg.head[i];
    const r = kg.relation[i];
    const t = kg.tail[i];
    if (h < 0 || h >= nE || t < 0 || t >= nE || r < 0 || r >= nR) {
      throw new KnowrecError('validation', `KG triple ${i} (${h}, ${r}, ${t}) is out of range (${nE} entities, ${nR} relations)`, {}, hint);
    }
  }
}

/** Both directions of every triple: edge (h → t) appears in h's row as OUT and in t's row as IN. */
export function buildAdjacency(kg: KnowledgeGraph): Adjacency {
  const nE = kg.entityIds.length;
  const nT = kg.head.length;
  const offsets = new Int32Array(nE + 1);
  for (let i = 0; i < nT; i++) {
    offsets[kg.head[i] + 1]++;
    offsets[kg.tail[i] + 1]++;
  }
  for (let e = 0; e < nE; e++) offsets[e + 1] += offsets[e];
  const fill = offsets.slice(0, nE);
  const m = 2 * nT;
  const neighbour = new Int32Array(m);
  const relation = new Int32Array(m);
  const direction = new Uint8Array(m);
  const triple = new Int32Array(m);
  const twin = new Int32Array(m);
  for (let i = 0; i < nT; i++) {
    const h = kg.head[i];
    const t = kg.tail[i];
    const r = kg.relation[i];
    const p = fill[h]++;
    neighbour[p] = t;
    relation[p] = r;
    direction[p] = OUT;
    triple[p] = i;
    const q = fill[t]++;
    neighbour[q] = h;
    relation[q] = r;
    direction[q] = IN;
    triple[q] = i;
    twin[p] = q;
    twin[q] = p;
  }
  return { nEntities: nE, offsets, neighbour, relation, direction, triple, twin };
}

/** Number of edges (both directions) of entity e. */
export function degree(adj: Adjacency, e: number): number {
  return adj.offsets[e + 1] - adj.offsets[e];
}
