/**
 * The labeling queue: which (user, item) pairs deserve a human look first (active learning,
 * not random order). Each candidate pair is scored by
 *   - disagreement d = N / (P + N), where P is the mass of the signals pushing the item up and N
 *     the mass holding it back (negative values in `signals` plus everything in `against`);
 *     0 when every signal agrees, 1/2 when they cancel out;
 *   - uncertainty u = 1 / (1 + |s − b| / g): how close the fused score s lies to the user's
 *     decision boundary b (midway between the last kept and the first dropped candidate, or the
 *     last score when nothing is dropped), in units of the user's mean gap g between
 *     consecutive scores;
 *     (when the user's list holds no dropped candidate — a snapshot keeps only the top k — the
 *     boundary is unknown and u measures instead how close s lies to its nearest neighbour in
 *     the list: a small margin means a small change would reorder them);
 * The strategy picks the priority: 'mixed' (default) w·d + (1 − w)·u (w = 0.5 by default);
 * 'uncertainty' u; 'disagreement' d (ties by u); 'random' a seeded hash of the pair (a baseline
 * to compare the others with). Pairs already labelled are skipped. The order is deterministic:
 * priority, then user id, then item id (numbers in ids compare as numbers: 2 before 10).
 *
 * Fact proposals: facts of recommended items whose tail entity hangs on few heads (a director
 * or actor that only this item has) are the likeliest linking errors.
 */
import { KnowrecError } from '../errors';
import type { Dataset } from '../types';

/** One (user, candidate item) with what the model knows about it. */
export interface QueueCandidate {
  readonly user: string;
  readonly item: string;
  /** The fused score. */
  readonly score: number;
  /**
   * Per-signal contributions to the fused score (signed, e.g. HybridScorer.contributions().signals),
   * or the positive shares of a stored explanation.
   */
  readonly signals: Readonly<Record<string, number>>;
  /** Magnitudes of the signals against the item (e.g. a stored explanation's `against` shares). */
  readonly against?: Readonly<Record<string, number>>;
  /** The model version that proposed the pair. */
  readonly modelVersion?: string | null;
}

export interface QueueOptions {
  /** Items a user is shown (the decision boundary lies after the keep-th candidate); default 10. */
  readonly keep?: number;
  /** Pairs already labelled: never proposed. */
  readonly exclude?: Iterable<{ readonly user: string; readonly item: string }>;
  /** Most proposals returned; default all. */
  readonly limit?: number;
  /** Weight w of disagreement against uncertainty, in [0, 1]; default 0.5 ('mixed' only). */
  readonly disagreementWeight?: number;
  /** How pairs are ordered; default 'mixed'. */
  readonly strategy?: QueueStrategy;
  /** Seed of the 'random' strategy; default 0. */
  readonly seed?: number;
}

export const QUEUE_STRATEGIES = ['mixed', 'uncertainty', 'disagreement', 'random'] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];

export interface QueueProposal {
  readonly user: string;
  readonly item: string;
  readonly score: number;
  /** 0-based position in the user's candidates by score. */
  readonly rank: number;
  /** Higher: look first. */
  readonly priority: number;
  readonly disagreement: number;
  readonly uncertainty: number;
  /** A short reason, e.g. "signals disagree: ease against, semantic for". */
  readonly why: string;
  readonly signals: Readonly<Record<string, number>>;
  readonly against: Readonly<Record<string, number>>;
  readonly modelVersion: string | null;
  readonly strategy: QueueStrategy;
}

export const QUEUE_DEFAULTS = { keep: 10, disagreementWeight: 0.5, strategy: 'mixed' } as const;

const pairKey = (user: string, item: string): string => `${user}\u0000${item}`;

/** Candidates ordered for labeling (see the module comment). */
export function proposeLabels(candidates: readonly QueueCandidate[], options: QueueOptions = {}): QueueProposal[] {
  const keep = options.keep ?? QUEUE_DEFAULTS.keep;
  const w = options.disagreementWeight ?? QUEUE_DEFAULTS.disagreementWeight;
  if (!Number.isInteger(keep) || keep < 1) throw new KnowrecError('config', `label queue: keep must be a whole number ≥ 1, got ${keep}`);
  if (!(w >= 0 && w <= 1)) throw new KnowrecError('config', `label queue: disagreementWeight must be in [0, 1], got ${w}`);
  const strategy = options.strategy ?? QUEUE_DEFAULTS.strategy;
  if (!QUEUE_STRATEGIES.includes(strategy)) throw new KnowrecError('config', `label queue: strategy must be one of ${QUEUE_STRATEGIES.join(', ')}, got ${String(strategy)}`);
  const seed = options.seed ?? 0;
  const limit = options.limit ?? Infinity;
  if (!(limit >= 0)) throw new KnowrecError('config', `label queue: limit must be 0 or more, got ${limit}`);

  const excluded = new Set<string>();
  for (const p of options.exclude ?? []) excluded.add(pairKey(p.user, p.item));

  // group by user; the first occurrence of a (user, item) pair wins
  const byUser = new Map<string, QueueCandidate[]>();
  const seen = new Set<string>();
  for (const c of candidates) {
    if (!Number.isFinite(c.score)) continue;
    const k = pairKey(c.user, c.item);
    if (seen.has(k)) continue;
    seen.add(k);
    let list = byUser.get(c.user);
    if (list === undefined) byUser.set(c.user, (list = []));
    list.push(c);
  }

  const out: QueueProposal[] = [];
  for (const list of byUser.values()) {
    list.sort((a, b) => b.score - a.score || cmp(a.item, b.item));
    const n = list.length;
    const cut = Math.min(keep, n);
    const boundary = cut < n ? (list[cut - 1].score + list[cut].score) / 2 : list[n - 1].score;
    const gap = n > 1 ? (list[0].score - list[n - 1].score) / (n - 1) : 0;
    list.forEach((c, rank) => {
      if (excluded.has(pairKey(c.user, c.item))) return;
      const dist = cut < n ? Math.abs(c.score - boundary) : nearestMargin(list, rank);
      const uncertainty = gap > 0 ? 1 / (1 + dist / gap) : 1;
      const { disagreement, forSide, againstSide } = disagreementOf(c);
      const priority =
        strategy === 'mixed'
          ? w * disagreement + (1 - w) * uncertainty
          : strategy === 'uncertainty'
            ? uncertainty
            : strategy === 'disagreement'
              ? disagreement + 1e-6 * uncertainty
              : pairHash(seed, c.user, c.item);
      out.push({
        user: c.user,
        item: c.item,
        score: c.score,
        rank,
        priority,
        strategy,
        disagreement,
        uncertainty,
        why: reason(disagreement, uncertainty, forSide, againstSide, rank, cut < n ? cut : null),
        signals: forSide,
        against: againstSide,
        modelVersion: c.modelVersion ?? null,
      });
    });
  }
  out.sort((a, b) => b.priority - a.priority || cmp(a.user, b.user) || cmp(a.item, b.item));
  return Number.isFinite(limit) ? out.slice(0, limit) : out;
}

/** d = N / (P + N) and the two sides as non-negative masses. */
function disagreementOf(c: QueueCandidate): { disagreement: number; forSide: Record<string, number>; againstSide: Record<string, number> } {
  const forSide: Record<string, number> = {};
  const againstSide: Record<string, number> = {};
  let p = 0;
  let nMass = 0;
  for (const [k, v] of Object.entries(c.signals)) {
    if (!Number.isFinite(v) || v === 0) continue;
    if (v > 0) {
      forSide[k] = v;
      p += v;
    } else {
      againstSide[k] = (againstSide[k] ?? 0) - v;
      nMass -= v;
    }
  }
  for (const [k, v] of Object.entries(c.against ?? {})) {
    if (!Number.isFinite(v) || v === 0) continue;
    const m = Math.abs(v);
    againstSide[k] = (againstSide[k] ?? 0) + m;
    nMass += m;
  }
  return { disagreement: p + nMass > 0 ? nMass / (p + nMass) : 0, forSide, againstSide };
}

/** `cut`: items shown before the boundary, null when the list has no dropped candidate. */
function reason(d: number, u: number, forSide: Record<string, number>, againstSide: Record<string, number>, rank: number, cut: number | null): string {
  const parts: string[] = [];
  if (Object.keys(againstSide).length > 0) {
    const top = (r: Record<string, number>): string =>
      Object.entries(r)
        .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
        .slice(0, 2)
        .map(([k]) => k)
        .join(', ');
    const pro = top(forSide);
    parts.push(`signals disagree: ${top(againstSide)} against${pro.length > 0 ? `, ${pro} for` : ''}`);
  }
  if (u >= 0.5 && cut !== null) parts.push(rank < cut ? `near the cut-off (rank ${rank + 1} of ${cut} shown)` : `just below the cut-off (rank ${rank + 1})`);
  else if (u > 0.5) parts.push(`scored close to its neighbour in the list (rank ${rank + 1})`);
  if (parts.length === 0) parts.push(d > 0 ? 'mixed signals' : `model fairly sure (rank ${rank + 1})`);
  return parts.join('; ');
}

const COLLATOR = new Intl.Collator('en', { numeric: true });

/** Ids in natural order (user 2 before user 10); equal-looking ids fall back to code units. */
function cmp(a: string, b: string): number {
  return COLLATOR.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Distance from the score at `rank` to the nearest other score of the (sorted) list. */
function nearestMargin(list: readonly QueueCandidate[], rank: number): number {
  const s = list[rank].score;
  const up = rank > 0 ? list[rank - 1].score - s : Infinity;
  const down = rank + 1 < list.length ? s - list[rank + 1].score : Infinity;
  const m = Math.min(up, down);
  return Number.isFinite(m) ? m : 0;
}

/** A number in [0, 1) from (seed, user, item): FNV-1a over the UTF-16 code units, then scaled. */
function pairHash(seed: number, user: string, item: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  const text = `${user}\u0000${item}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x100000000;
}

// ---------------------------------------------------------------------------------------------
// Fact proposals

export interface FactProposal {
  readonly item: string;
  /** Entity ids of the fact's ends. */
  readonly head: string;
  readonly relation: string;
  readonly tail: string;
  readonly tailName: string | null;
  /** How many distinct head entities share this (relation, tail): 1 = only this item's. */
  readonly support: number;
}

export interface FactQueueOptions {
  /** Facts whose (relation, tail) is shared by at most this many heads; default 1. */
  readonly maxSupport?: number;
  /** Facts already labelled (head as an item id or an entity id): never proposed. */
  readonly exclude?: Iterable<{ readonly head: string; readonly relation: string; readonly tail: string }>;
  readonly limit?: number;
}

/**
 * Facts of `items` (dense indices, e.g. the recommended ones) whose (relation, tail) few other
 * entities share: the likeliest wrong links. Ordered by support, then the order of `items`,
 * relation and tail.
 */
export function proposeFacts(ds: Dataset, items: ArrayLike<number>, options: FactQueueOptions = {}): FactProposal[] {
  const maxSupport = options.maxSupport ?? 1;
  const kg = ds.kg;
  const m = kg.head.length;
  const nRel = kg.relationNames.length;
  // support of (relation, tail): distinct heads (triples are unique, so a count of triples)
  const support = new Map<number, number>();
  const key = (r: number, t: number): number => t * nRel + r;
  for (let i = 0; i < m; i++) {
    const k = key(kg.relation[i], kg.tail[i]);
    support.set(k, (support.get(k) ?? 0) + 1);
  }
  const wanted = new Map<number, number[]>(); // head entity → positions in `items`
  for (let p = 0; p < items.length; p++) {
    const i = items[p];
    if (!Number.isInteger(i) || i < 0 || i >= ds.itemIds.length) {
      throw new KnowrecError('not-found', `fact queue: item index ${i} is outside 0..${ds.itemIds.length - 1}`, {}, 'pass dense item indices');
    }
    for (const e of ds.itemEntities[i]) {
      const list = wanted.get(e);
      if (list === undefined) wanted.set(e, [p]);
      else list.push(p);
    }
  }
  const excluded = new Set<string>();
  for (const f of options.exclude ?? []) excluded.add(`${f.head}\u0000${f.relation}\u0000${f.tail}`);
  const found: (FactProposal & { readonly order: number })[] = [];
  for (let i = 0; i < m; i++) {
    const positions = wanted.get(kg.head[i]);
    if (positions === undefined) continue;
    const s = support.get(key(kg.relation[i], kg.tail[i])) ?? 0;
    if (s > maxSupport) continue;
    const head = kg.entityIds[kg.head[i]];
    const relation = kg.relationNames[kg.relation[i]];
    const tail = kg.entityIds[kg.tail[i]];
    for (const p of positions) {
      const item = ds.itemIds[items[p]];
      if (excluded.has(`${item}\u0000${relation}\u0000${tail}`) || excluded.has(`${head}\u0000${relation}\u0000${tail}`)) continue;
      found.push({ item, head, relation, tail, tailName: kg.entityNames[kg.tail[i]], support: s, order: p });
    }
  }
  found.sort((a, b) => a.support - b.support || a.order - b.order || cmp(a.relation, b.relation) || cmp(a.tail, b.tail));
  const limited = options.limit === undefined ? found : found.slice(0, options.limit);
  return limited.map(({ order: _order, ...f }) => f);
}
