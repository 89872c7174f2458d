/**
 * "What if": the user's list re-ranked without some history items and/or some KG ties of history
 * items, by the same re-scoring as the explanation's counterfactual (attribution.ts): the fitted
 * model is kept (no refit); sources that can leave evidence out re-score the user without it
 * (EASE / item-kNN drop the items' rows, semantic drops their vectors, kg-profile rebuilds the
 * user's entity profile without the items and without the dropped (item, entity) ties, BPR and
 * kg-embed shift the trained user factor by the fold-in's change without the items — fold-in.ts),
 * pop keeps the user's full scores; the hybrid's kg-overlap and
 * history-similarity features leave the items (and kg-overlap the ties) out, and its fusion runs
 * again. The candidates' own KG facts are never changed: a tie is dropped from the user's side.
 */
import type { KgIndex } from '../kg';
import type { RemovedTies } from '../models/attribution';

/** What a what-if needs of the model (HybridScorer and the attributable scorers fit). */
export interface WhatIfSource {
  score(user: number): Float32Array;
  scoreWithout(user: number, removed: ReadonlySet<number>, ties?: RemovedTies): Float32Array | null;
}

/** The evidence left out. */
export interface WhatIfRemoval {
  /** History items (dense indices). */
  readonly items: ReadonlySet<number>;
  /** KG ties of history items: history item → entities (KgIndex indices). */
  readonly ties: RemovedTies;
}

export interface WhatIfRow {
  /** Dense item index. */
  readonly item: number;
  /** The score with the evidence left out. */
  readonly score: number;
  /** 1-based ranks among the items not excluded (ties: lower index first). */
  readonly rankBefore: number;
  readonly rankAfter: number;
}

export interface WhatIfRanking {
  /** The top-k with the evidence left out, with each item's rank before and after. */
  readonly items: readonly WhatIfRow[];
  /** Items of the top-k before that left it, by their rank before. */
  readonly left: readonly WhatIfRow[];
  /** The `track`ed item's row (wherever it ranks), null when none was asked or it is excluded. */
  readonly tracked: WhatIfRow | null;
}

/**
 * Ranks of every item: 1-based among the items not excluded with a finite score, ties broken by
 * the lower index (as rankAmong); items without a finite score share the rank after all of them.
 * Excluded items get rank 0.
 */
export function ranksOf(scores: Float32Array, excluded?: Uint8Array): Int32Array {
  const order: number[] = [];
  for (let i = 0; i < scores.length; i++) if (excluded?.[i] !== 1 && Number.isFinite(scores[i])) order.push(i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  const ranks = new Int32Array(scores.length).fill(order.length + 1);
  order.forEach((i, r) => {
    ranks[i] = r + 1;
  });
  if (excluded !== undefined) for (let i = 0; i < scores.length; i++) if (excluded[i] === 1) ranks[i] = 0;
  return ranks;
}

/** True when the removal leaves nothing out. */
export function isEmptyRemoval(r: WhatIfRemoval): boolean {
  if (r.items.size > 0) return false;
  for (const set of r.ties.values()) if (set.size > 0) return false;
  return true;
}

/**
 * The user's top-k with the evidence left out (no refit), and the items that left the top-k.
 * `before`: the user's full scores when already at hand.
 */
export function whatIfRanking(
  source: WhatIfSource,
  user: number,
  k: number,
  removal: WhatIfRemoval,
  excluded?: Uint8Array,
  before?: Float32Array,
  track?: number,
): WhatIfRanking {
  const full = before ?? source.score(user);
  const after = isEmptyRemoval(removal) ? full : (source.scoreWithout(user, removal.items, removal.ties) ?? full);
  const rb = ranksOf(full, excluded);
  const ra = after === full ? rb : ranksOf(after, excluded);
  const row = (i: number): WhatIfRow => ({ item: i, score: after[i], rankBefore: rb[i], rankAfter: ra[i] });
  const items: WhatIfRow[] = [];
  const left: WhatIfRow[] = [];
  for (let i = 0; i < full.length; i++) {
    if (excluded?.[i] === 1) continue;
    if (ra[i] >= 1 && ra[i] <= k && Number.isFinite(after[i])) items.push(row(i));
    else if (rb[i] >= 1 && rb[i] <= k && Number.isFinite(full[i])) left.push(row(i));
  }
  items.sort((a, b) => a.rankAfter - b.rankAfter);
  left.sort((a, b) => a.rankBefore - b.rankBefore);
  const tracked = track !== undefined && track >= 0 && track < full.length && excluded?.[track] !== 1 ? row(track) : null;
  return { items, left, tracked };
}

/** A KG tie between a history item and an entity the candidate reaches too. */
export interface SharedTie {
  /** The history item (dense index). */
  readonly history: number;
  readonly relation: string;
  /** The shared entity (KgIndex index). */
  readonly entity: number;
  /** Number of edges of the entity (smaller = more specific). */
  readonly degree: number;
}

/**
 * The one-hop KG ties between `history` items and `item` (entities both reach, not their own
 * entities), the most specific entities first, at most `limit`: what a what-if can drop.
 */
export function sharedTies(kg: KgIndex, item: number, history: readonly number[], limit = 12): SharedTie[] {
  const own = new Set(kg.itemEntities(item));
  const reach = new Set<number>();
  for (const f of kg.itemFacts(item)) if (!own.has(f.entity)) reach.add(f.entity);
  const adj = kg.adjacency;
  const out: SharedTie[] = [];
  for (const h of history) {
    if (h === item) continue;
    const mine = new Set(kg.itemEntities(h));
    const done = new Set<number>();
    for (const f of kg.itemFacts(h)) {
      if (mine.has(f.entity) || !reach.has(f.entity) || done.has(f.entity)) continue;
      done.add(f.entity);
      out.push({ history: h, relation: f.relation, entity: f.entity, degree: adj.offsets[f.entity + 1] - adj.offsets[f.entity] });
    }
  }
  out.sort((a, b) => a.degree - b.degree || a.history - b.history || a.entity - b.entity);
  return out.slice(0, limit);
}

/** (history item, entity) pairs as the RemovedTies map the scorers read. */
export function tiesMap(pairs: readonly { readonly history: number; readonly entity: number }[]): Map<number, Set<number>> {
  const m = new Map<number, Set<number>>();
  for (const p of pairs) {
    let s = m.get(p.history);
    if (s === undefined) {
      s = new Set();
      m.set(p.history, s);
    }
    s.add(p.entity);
  }
  return m;
}
