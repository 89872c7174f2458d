/**
 * Top-K metrics with RecBole's definitions (binary relevance), for one ranked list, plus the
 * beyond-accuracy quantities (coverage, novelty, long-tail share). See docs/protocols.md.
 */

export interface RankingMetrics {
  readonly recall: number;
  readonly precision: number;
  readonly hit: number;
  readonly mrr: number;
  readonly ndcg: number;
}

export const ACCURACY_METRICS = ['recall', 'precision', 'hit', 'mrr', 'ndcg'] as const;
export const BEYOND_METRICS = ['coverage', 'novelty', 'longtail'] as const;
export type AccuracyMetric = (typeof ACCURACY_METRICS)[number];
export type BeyondMetric = (typeof BEYOND_METRICS)[number];
export type MetricName = AccuracyMetric | BeyondMetric;

/** `hits[r]` = 1 when the item at rank r+1 of `ranked` is in `targets` (a 0/1 mask over items). */
export function hitFlags(ranked: ArrayLike<number>, targetMask: Uint8Array): Uint8Array {
  const out = new Uint8Array(ranked.length);
  for (let r = 0; r < ranked.length; r++) out[r] = targetMask[ranked[r]] === 1 ? 1 : 0;
  return out;
}

/** Ideal DCG with binary relevance: Σ_{r=1}^{min(nTargets,k)} 1/log2(r+1). */
export function idealDcg(nTargets: number, k: number): number {
  const m = Math.min(nTargets, k);
  let s = 0;
  for (let r = 1; r <= m; r++) s += 1 / Math.log2(r + 1);
  return s;
}

/**
 * Metrics @k of one ranked list, given its hit flags (rank order; entries past the list's end
 * count as misses) and the number of distinct target items (must be ≥ 1).
 *  recall = hits/|T|, precision = hits/k, hit = [hits > 0], mrr = 1/rank of the first hit,
 *  ndcg = Σ_{hit ranks r ≤ k} 1/log2(r+1) / idealDcg(|T|, k).
 */
export function rankingMetricsAtK(hits: ArrayLike<number>, nTargets: number, k: number): RankingMetrics {
  if (!(nTargets >= 1)) throw new RangeError(`nTargets must be ≥ 1, got ${nTargets}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const m = Math.min(k, hits.length);
  let count = 0;
  let dcg = 0;
  let first = 0;
  for (let r = 0; r < m; r++) {
    if (hits[r] === 1) {
      count++;
      dcg += 1 / Math.log2(r + 2);
      if (first === 0) first = r + 1;
    }
  }
  return {
    recall: count / nTargets,
    precision: count / k,
    hit: count > 0 ? 1 : 0,
    mrr: first > 0 ? 1 / first : 0,
    ndcg: dcg / idealDcg(nTargets, k),
  };
}

/**
 * Head items: the ⌈headShare·nItems⌉ most popular items by training count (ties broken by the
 * lower index), never including items with count 0. Returns a 0/1 mask over items.
 */
export function headItemMask(trainItemCounts: ArrayLike<number>, headShare = 0.2): Uint8Array {
  const n = trainItemCounts.length;
  const size = Math.ceil(headShare * n);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => trainItemCounts[b] - trainItemCounts[a] || a - b);
  const mask = new Uint8Array(n);
  for (let j = 0; j < size && j < n; j++) {
    const i = order[j];
    if (trainItemCounts[i] > 0) mask[i] = 1;
  }
  return mask;
}

/**
 * Self-information of recommending item i: −log2(p_i) with p_i = clamp(pop_i, 1, nUsers)/nUsers
 * (pop = training interactions of the item). Returns one value per item.
 */
export function itemSelfInformation(trainItemCounts: ArrayLike<number>, nUsers: number): Float64Array {
  const n = trainItemCounts.length;
  const out = new Float64Array(n);
  const denom = Math.max(1, nUsers);
  for (let i = 0; i < n; i++) {
    const pop = Math.min(Math.max(trainItemCounts[i], 1), denom);
    out[i] = Math.log2(denom / pop); // = −log2(pop/nUsers), without a −0 at pop = nUsers
  }
  return out;
}

/**
 * Accumulates coverage, novelty and long-tail share over many users' top-K lists.
 * coverage = distinct recommended items / nItems; novelty = mean self-information over all
 * recommended slots; longtail = share of recommended slots whose item is not a head item.
 */
export class BeyondAccuracyAccumulator {
  private readonly seen: Uint8Array;
  private distinct = 0;
  private slots = 0;
  private info = 0;
  private tail = 0;

  constructor(
    private readonly nItems: number,
    private readonly selfInfo: Float64Array,
    private readonly head: Uint8Array,
  ) {
    this.seen = new Uint8Array(nItems);
  }

  /** Adds the first `k` entries of `ranked` (fewer if the list is shorter). */
  add(ranked: ArrayLike<number>, k: number): void {
    const m = Math.min(k, ranked.length);
    for (let r = 0; r < m; r++) {
      const i = ranked[r];
      if (this.seen[i] === 0) {
        this.seen[i] = 1;
        this.distinct++;
      }
      this.slots++;
      this.info += this.selfInfo[i];
      if (this.head[i] === 0) this.tail++;
    }
  }

  result(): { coverage: number; novelty: number; longtail: number } {
    return {
      coverage: this.nItems > 0 ? this.distinct / this.nItems : 0,
      novelty: this.slots > 0 ? this.info / this.slots : 0,
      longtail: this.slots > 0 ? this.tail / this.slots : 0,
    };
  }
}

/** Metric key as written in reports, e.g. `ndcg@10`. */
export function metricKey(name: MetricName, k: number): string {
  return `${name}@${k}`;
}
