/**
 * Beyond-accuracy metrics computed from the users' top-K lists after the ranking pass
 * (RecBole's definitions where it has them):
 * - gini@K: Gini index of how often each item (all items, never-recommended ones included) is
 *   recommended: Σ_j (2j − n − 1)·c_(j) / (n·Σc) over counts sorted ascending (0 = even exposure);
 * - avgpop@K: mean training popularity (interactions) of a user's list, averaged over users;
 * - novelty@K: mean self-information −log2(pop/users) of the list (as metrics.ts);
 * - longtail@K: share of the list outside the head (top 20% of items by training interactions);
 * - ild_kg@K: intra-list diversity by KG entities: mean over item pairs of the list of
 *   1 − Jaccard(N(i), N(j)), N(i) = the KG entities one hop from item i's linked entities;
 *   pairs where both items have no KG neighbours are left out;
 * - ild_emb@K: mean over item pairs of 1 − cosine of the items' embeddings.
 * The per-user values feed the intervals, slices and tests; gini and coverage are list-set-level.
 */
import type { Dataset } from '../types';
import type { TopLists } from './evaluate';

/** Per-user values of the list-level metrics, aligned with TopLists.users; NaN where undefined. */
export interface ListMetrics {
  readonly gini: number;
  readonly coverage: number;
  readonly perUser: Readonly<Record<string, Float64Array>>;
}

/** Item embeddings, row-major nItems × dim. */
export interface ItemVectors {
  readonly dim: number;
  readonly items: Float32Array;
}

export interface ListMetricInputs {
  readonly nItems: number;
  readonly nUsers: number;
  readonly trainItemCounts: ArrayLike<number>;
  readonly head: Uint8Array;
  /** Sorted KG neighbour entities per item (kgNeighbourSets); omit to skip ild_kg. */
  readonly kgSets?: readonly Int32Array[];
  readonly vectors?: ItemVectors;
}

/** Gini index of non-negative counts (0: all equal; → 1: all on one entry). */
export function giniIndex(counts: ArrayLike<number>): number {
  const n = counts.length;
  const sorted = Float64Array.from(counts).sort();
  let total = 0;
  let weighted = 0;
  for (let j = 0; j < n; j++) {
    total += sorted[j];
    weighted += (2 * (j + 1) - n - 1) * sorted[j];
  }
  return n > 0 && total > 0 ? weighted / (n * total) : 0;
}

/** 1 − |A ∩ B| / |A ∪ B| of two sorted sets; NaN when both are empty. */
export function jaccardDistance(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 && b.length === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return 1 - both / (a.length + b.length - both);
}

/** 1 − cosine similarity of rows i and j (0 for a zero row). */
export function cosineDistance(v: ItemVectors, i: number, j: number): number {
  const { dim, items } = v;
  let dot = 0;
  let ni = 0;
  let nj = 0;
  for (let d = 0; d < dim; d++) {
    const x = items[i * dim + d];
    const y = items[j * dim + d];
    dot += x * y;
    ni += x * x;
    nj += y * y;
  }
  return ni > 0 && nj > 0 ? 1 - dot / Math.sqrt(ni * nj) : 1;
}

/** For each item, the sorted KG entities one hop from its linked entities (either direction). */
export function kgNeighbourSets(ds: Pick<Dataset, 'kg' | 'itemEntities'>): Int32Array[] {
  const nEntities = ds.kg.entityIds.length;
  const itemsOf: number[][] = Array.from({ length: nEntities }, () => []);
  ds.itemEntities.forEach((ents, item) => {
    for (const e of ents) if (e >= 0 && e < nEntities) itemsOf[e].push(item);
  });
  const sets: Set<number>[] = ds.itemEntities.map(() => new Set<number>());
  const { head, tail } = ds.kg;
  for (let t = 0; t < head.length; t++) {
    for (const it of itemsOf[head[t]]) sets[it].add(tail[t]);
    for (const it of itemsOf[tail[t]]) sets[it].add(head[t]);
  }
  return sets.map((s) => Int32Array.from(s).sort());
}

/** Mean pairwise distance over a list (undefined pairs, NaN, left out); NaN with no defined pair. */
function meanPairDistance(list: Int32Array, distance: (i: number, j: number) => number): number {
  let sum = 0;
  let pairs = 0;
  for (let x = 0; x < list.length; x++) {
    for (let y = x + 1; y < list.length; y++) {
      const d = distance(list[x], list[y]);
      if (Number.isNaN(d)) continue;
      sum += d;
      pairs++;
    }
  }
  return pairs > 0 ? sum / pairs : Number.NaN;
}

/** The list of row n cut to its first k real entries. */
function row(lists: TopLists, n: number, k: number): Int32Array {
  const r = lists.items.subarray(n * lists.k, n * lists.k + Math.min(k, lists.k));
  const end = r.indexOf(-1);
  return end < 0 ? r : r.subarray(0, end);
}

/** The list-level metrics @k of every user's top-k list. */
export function listMetrics(lists: TopLists, k: number, inp: ListMetricInputs): ListMetrics {
  const n = lists.users.length;
  const counts = new Float64Array(inp.nItems);
  const denom = Math.max(1, inp.nUsers);
  const avgpop = new Float64Array(n);
  const novelty = new Float64Array(n);
  const longtail = new Float64Array(n);
  const ildKg = inp.kgSets !== undefined ? new Float64Array(n) : undefined;
  const ildEmb = inp.vectors !== undefined ? new Float64Array(n) : undefined;
  let distinct = 0;
  for (let u = 0; u < n; u++) {
    const list = row(lists, u, k);
    let pop = 0;
    let info = 0;
    let tail = 0;
    for (const i of list) {
      if (counts[i] === 0) distinct++;
      counts[i]++;
      const c = inp.trainItemCounts[i];
      pop += c;
      info += Math.log2(denom / Math.min(Math.max(c, 1), denom));
      if (inp.head[i] === 0) tail++;
    }
    const m = Math.max(1, list.length);
    avgpop[u] = pop / m;
    novelty[u] = info / m;
    longtail[u] = tail / m;
    const sets = inp.kgSets;
    if (ildKg !== undefined && sets !== undefined) ildKg[u] = meanPairDistance(list, (i, j) => jaccardDistance(sets[i], sets[j]));
    const vec = inp.vectors;
    if (ildEmb !== undefined && vec !== undefined) ildEmb[u] = meanPairDistance(list, (i, j) => cosineDistance(vec, i, j));
  }
  const perUser: Record<string, Float64Array> = { avgpop, novelty, longtail };
  if (ildKg !== undefined) perUser.ild_kg = ildKg;
  if (ildEmb !== undefined) perUser.ild_emb = ildEmb;
  return { gini: giniIndex(counts), coverage: inp.nItems > 0 ? distinct / inp.nItems : 0, perUser };
}

/** Mean of the finite values (NaN marks an undefined per-user value); NaN when there are none. */
export function finiteMean(values: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      s += values[i];
      n++;
    }
  }
  return n > 0 ? s / n : Number.NaN;
}
