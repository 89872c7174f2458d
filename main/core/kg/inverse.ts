/**
 * Inverse relation pairs found in the data: r and r' are inverses when most (h, r, t) triples
 * also appear as (t, r', h) — Freebase states film.film.written_by and film.writer.film both.
 * The explorer merges such a pair into one filter and draws one edge per fact.
 */
import type { KgCore } from './core';
import { OUT } from './types';

/** Triples of a relation checked at most (evenly spread over its triples). */
const SAMPLE = 400;
/** Share of the sampled triples that must have the reversed triple. */
const MIN_SHARE = 0.8;

/**
 * For each relation index, the index of its inverse relation, or -1. r' is r's inverse when at
 * least MIN_SHARE of r's (sampled) triples appear reversed under r' — the smaller relation of a
 * pair is usually the one stated both ways for every fact. Symmetric: when inverse[a] = b then
 * inverse[b] = a; a relation pairs with one other at most (the first found, by index). A
 * relation that is its own inverse (a symmetric one such as "sibling") maps to -1: there is
 * nothing to merge.
 */
export function inverseRelations(core: KgCore): Int32Array {
  const nR = core.kg.relationNames.length;
  const adj = core.adjacency;
  const { head, relation, tail } = core.kg;
  const byRelation: number[][] = Array.from({ length: nR }, () => []);
  for (let i = 0; i < relation.length; i++) byRelation[relation[i]].push(i);

  const best = new Int32Array(nR).fill(-1);
  const counts = new Int32Array(nR);
  for (let r = 0; r < nR; r++) {
    const triples = byRelation[r];
    if (triples.length === 0) continue;
    const step = Math.max(1, Math.floor(triples.length / SAMPLE));
    counts.fill(0);
    let sampled = 0;
    for (let s = 0; s < triples.length && sampled < SAMPLE; s += step, sampled++) {
      const i = triples[s];
      const h = head[i];
      const t = tail[i];
      // (t, r', h) appears in h's row as an IN edge from t and in t's row as an OUT edge to h:
      // the shorter row is read (a hub's row holds tens of thousands of edges)
      const fromHead = adj.offsets[h + 1] - adj.offsets[h] <= adj.offsets[t + 1] - adj.offsets[t];
      const [row, other, want] = fromHead ? [h, t, 1 - OUT] : [t, h, OUT];
      const seen = new Set<number>();
      for (let p = adj.offsets[row], end = adj.offsets[row + 1]; p < end; p++) {
        if (adj.direction[p] !== want || adj.neighbour[p] !== other) continue;
        const r2 = adj.relation[p];
        if (r2 === r || seen.has(r2)) continue;
        seen.add(r2);
        counts[r2]++;
      }
    }
    let top = -1;
    for (let r2 = 0; r2 < nR; r2++) if (counts[r2] > 0 && (top < 0 || counts[r2] > counts[top])) top = r2;
    if (top >= 0 && counts[top] >= MIN_SHARE * sampled) best[r] = top;
  }
  const out = new Int32Array(nR).fill(-1);
  for (let r = 0; r < nR; r++) {
    const r2 = best[r];
    if (r2 < 0 || out[r] >= 0 || out[r2] >= 0) continue;
    out[r] = r2;
    out[r2] = r;
  }
  return out;
}
