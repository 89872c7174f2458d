/**
 * Candidate generation and per-(user, candidate) features for learned fusion.
 *
 * Candidates of a user = the union of each source's top-N over the items the user has not seen
 * in training. Features of a candidate:
 *   <source>:z   the source's score, z-scored over the user's unseen items;
 *   <source>:rr  1 / (1 + rank) in the source's full ranking of the unseen items;
 *   <source>:gap (optional) (score − the user's best unseen score) / std, ≤ 0;
 *   votes        (optional) number of sources ranking the item in their top 10;
 *   pop          log(1 + training interactions of the item);
 *   kg-overlap   log(1 + number of one-hop KG entities (derived facts included) the candidate
 *                shares with the entities of the user's training items);
 *   kg-overlap:w Σ over those shared entities of (share of the user's history holding the
 *                entity) · idf(entity): strong when the shared entities are specific;
 *   history-similarity  max cosine between the candidate's vector and a (recent) history item's;
 *   history-length      log(1 + number of training items of the user).
 */
import { KnowrecError } from '../errors';
import { isAttributable, sortContributions, type HistoryContribution, type RemovedTies } from '../models/attribution';
import { dot } from '../models/linalg';
import { sortedUnion } from '../matrix';
import { createRng } from '../random';
import { topK } from '../topk';
import { PartialRescores } from './partial-rescore';
import { finite, rankAbove, ranksAbove, ranksAboveIn, sampledRank, seenOf, sourceStats, unseenIn } from './source-stats';
import { removalKey, UserCache } from './user-cache';

/** Seed of the item sample for sampled statistics (FeatureConfig.statsItems): the same items for every user. */
const STATS_SAMPLE_SEED = 20_201;

export type { FeatureConfig, FeatureFlags, FeatureSpec, HybridSource, KgFactIndex, UserFeatures } from './feature-types';
import type { FeatureConfig, FeatureSpec, UserFeatures } from './feature-types';

/** Per-user state needed to compute features of any item. */
interface UserState {
  readonly user: number;
  readonly seen: Uint8Array;
  /**
   * Per source: full score vector, mean, std, largest unseen score, sorted unseen scores
   * (ascending; null in a removal state of the fast path: the ranks of the rows' items are then
   * counted from the scores, ranksAbove over every unseen item or ranksAboveIn over the gathered
   * sample, the same numbers without sorting).
   */
  readonly scores: Float32Array[];
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly max: Float64Array;
  readonly sorted: (Float32Array | null)[];
  /** Sampled statistics only: the sample's unseen items (sample order), and per source their scores gathered unsorted (null: sorted or not sampled). */
  readonly unseenSample: Int32Array | null;
  readonly sampleValues: (Float32Array | null)[];
  /** Sampled statistics only: unseen items per sampled unseen item, and each source's exact top-N (scores descending, items). */
  readonly rankScale: Float64Array | null;
  readonly topScores: Float32Array[] | null;
  readonly topItems: Int32Array[] | null;
  /** A removal state's sources re-scored at a few items (partial-rescore.ts): write the candidates' re-scores before their rows. */
  readonly writes: readonly ((items: Int32Array) => void)[];
  readonly histLen: number;
  /** Entity → count of the user's training items reaching it (only when the KG is used). */
  readonly entityCount: Map<number, number> | null;
  /** Counts to take off entityCount (the removed items' entities, when entityCount is the full state's). */
  readonly entityGone: Map<number, number> | null;
  readonly historyVectors: Float32Array[] | null;
  /** Items of historyVectors, same order. */
  readonly historyItems: Int32Array;
  /** Their ranks in the user's full recency order (the cache's dot products), when cached. */
  readonly historyRanks: Int32Array | null;
}

export class FeatureBuilder {
  readonly specs: readonly FeatureSpec[];
  readonly nFeatures: number;
  private readonly cfg: FeatureConfig;
  /** The last user's state without removals (userFeaturesWithout), when the cache is off. */
  private fullState: UserState | null = null;
  /** Per source, the array a removal state's scores may be written to (HistoryAttribution.scoreWithout's `into`). */
  private readonly scratch: (Float32Array | undefined)[] = [];
  /** Removal states' re-scores at a few items (scale mode, with the cache). */
  private readonly partial: PartialRescores;
  /** The last user's state, candidates and similarity products (null: the straightforward path). */
  private cache: UserCache<UserState> | null = new UserCache();
  private readonly useKg: boolean;
  private readonly useSim: boolean;
  private readonly usePop: boolean;
  private readonly useLen: boolean;
  private readonly useGaps: boolean;
  private readonly logPop: Float64Array;
  /** Item → distinct one-hop entities (CSR), when the KG is used. */
  private readonly itemNbPtr: Int32Array;
  private readonly itemNb: Int32Array;
  private readonly idf: Map<number, number>;
  /** The items the statistics are computed over (statsItems), ascending; null: every item. */
  private readonly statsSample: Int32Array | null;

  constructor(cfg: FeatureConfig) {
    if (cfg.sources.length === 0) {
      throw new KnowrecError('config', 'hybrid: no sources given', {}, 'pass at least one fitted scorer in sources');
    }
    const names = new Set<string>();
    for (const s of cfg.sources) {
      if (names.has(s.name)) {
        throw new KnowrecError('config', `hybrid: two sources are named '${s.name}'`, {}, 'give every source a distinct name');
      }
      names.add(s.name);
    }
    if (!Number.isInteger(cfg.candidatesPerSource) || cfg.candidatesPerSource < 1) {
      throw new KnowrecError('config', `hybrid: candidatesPerSource must be a positive integer, got ${cfg.candidatesPerSource}`, {}, 'e.g. 100');
    }
    this.cfg = cfg;
    this.partial = new PartialRescores(cfg.partialTop);
    const f = cfg.flags ?? {};
    this.useKg = cfg.kg !== undefined && f.kgOverlap !== false;
    this.useSim = cfg.itemVectors !== undefined && f.historySimilarity !== false;
    this.usePop = f.popularity !== false;
    this.useLen = f.historyLength !== false;
    this.useGaps = f.scoreGaps === true;
    const specs: FeatureSpec[] = [];
    for (const s of cfg.sources) {
      specs.push({ name: `${s.name}:z`, signal: s.name });
      specs.push({ name: `${s.name}:rr`, signal: s.name });
      if (this.useGaps) specs.push({ name: `${s.name}:gap`, signal: s.name });
    }
    if (this.useGaps) specs.push({ name: 'votes', signal: 'votes' });
    if (this.usePop) specs.push({ name: 'pop', signal: 'pop' });
    if (this.useKg) {
      specs.push({ name: 'kg-overlap', signal: 'kg-overlap' });
      specs.push({ name: 'kg-overlap:w', signal: 'kg-overlap' });
    }
    if (this.useSim) specs.push({ name: 'history-similarity', signal: 'history-similarity' });
    if (this.useLen) specs.push({ name: 'history-length', signal: 'history-length' });
    this.specs = specs;
    this.nFeatures = specs.length;

    const counts = new Float64Array(cfg.nItems);
    const t = cfg.train;
    for (let p = 0; p < t.indices.length; p++) counts[t.indices[p]]++;
    this.logPop = counts.map((c) => Math.log1p(c));

    // one-hop entity lists per item and idf over items
    const ptr = new Int32Array(cfg.nItems + 1);
    const list: number[] = [];
    this.idf = new Map();
    if (this.useKg && cfg.kg !== undefined) {
      const kg = cfg.kg;
      const df = new Map<number, number>();
      for (let i = 0; i < cfg.nItems; i++) {
        const own = new Set(kg.itemEntities(i));
        const seen = new Set<number>();
        for (const fact of kg.itemFacts(i)) {
          if (own.has(fact.entity) || seen.has(fact.entity)) continue;
          seen.add(fact.entity);
          list.push(fact.entity);
          df.set(fact.entity, (df.get(fact.entity) ?? 0) + 1);
        }
        ptr[i + 1] = list.length;
      }
      for (const [e, d] of df) this.idf.set(e, Math.log((1 + cfg.nItems) / (1 + d)));
    }
    this.itemNbPtr = ptr;
    this.itemNb = Int32Array.from(list);
    const m = cfg.statsItems;
    this.statsSample = m !== undefined && m < cfg.nItems ? createRng(STATS_SAMPLE_SEED).shuffle(Int32Array.from({ length: cfg.nItems }, (_, i) => i)).slice(0, m).sort() : null;
  }

  /** Items the z-score and rank statistics are computed over (null: every unseen item). */
  get statsItems(): number | null {
    return this.statsSample?.length ?? null;
  }

  /**
   * Whether the last user's state is kept (default on). Off, every call recomputes everything
   * (the straightforward path, kept as the reference the cache is tested against).
   */
  set reuseUserState(on: boolean) {
    this.cache = on ? (this.cache ?? new UserCache()) : null;
    this.fullState = null;
  }

  /** The user's full state (no removals), from the cache when on. */
  private userState(user: number): UserState {
    return this.cache !== null ? this.cache.state(user, () => this.state(user)) : this.state(user);
  }

  /** The user's candidates, from the cache when on. */
  private userCandidates(user: number, st: UserState): Int32Array {
    return this.cache !== null ? this.cache.candidates(user, () => this.candidatesOf(st)) : this.candidatesOf(st);
  }

  get sourceNames(): string[] {
    return this.cfg.sources.map((s) => s.name);
  }

  /** Candidates of `user`: union of each source's top-N unseen items, ascending item index. */
  candidates(user: number): Int32Array {
    return this.userCandidates(user, this.userState(user));
  }

  /** Candidates and their feature rows. */
  userFeatures(user: number): UserFeatures {
    const st = this.userState(user);
    const items = this.userCandidates(user, st);
    return { user, items, x: this.rows(st, items) };
  }

  /**
   * Candidates and feature rows as if the `removed` history items were not in the history (no
   * refit): sources that can re-score without them do (HistoryAttribution.scoreWithout), the
   * others keep their scores; kg-overlap and history-similarity leave the items out. The
   * removed items stay seen (never candidates). `ties`: (history item, entity) KG ties left out
   * of kg-overlap's entity counts and passed to the sources (kg-profile drops them too).
   */
  userFeaturesWithout(user: number, removed: ReadonlySet<number>, ties: RemovedTies = new Map()): UserFeatures {
    // The sources that cannot leave items out score as without removal: taken from the user's
    // full state, computed once per user for the counterfactual's repeated calls (fitted scorers
    // are fixed).
    let full: UserState;
    if (this.cache !== null) full = this.userState(user);
    else {
      if (this.fullState?.user !== user) this.fullState = this.state(user);
      full = this.fullState;
    }
    const compute = (): { items: Int32Array; x: Float64Array } => {
      const st = this.state(user, removed, full, ties);
      const items = this.candidatesOf(st);
      for (const write of st.writes) write(items);
      return { items, x: this.rows(st, items) };
    };
    const key = this.cache !== null ? removalKey(removed, ties) : null;
    return { user, ...(key !== null && this.cache !== null ? this.cache.featuresWithout(user, key, compute) : compute()) };
  }

  /**
   * The history items about to be removed from `user` (an explanation's counterfactuals): the
   * sources that can keep each one's part (HistoryAttribution.prepareWithout) do, so that their
   * scoreWithout is a low-rank update. Only with the cache on: the straightforward path recomputes.
   */
  prepareWithout(user: number, items: readonly number[]): void {
    if (this.cache === null) return;
    for (const s of this.cfg.sources) if (isAttributable(s.scorer)) s.scorer.prepareWithout?.(user, items);
  }

  /**
   * Each history item's part of the history-based features of (user, item): kg-overlap:w's
   * terms (c_e/len·idf(e) per shared entity e, split over the items holding e) and, for
   * history-similarity, the nearest history item.
   */
  historyParts(user: number, item: number): Record<string, HistoryContribution[]> {
    const { train } = this.cfg;
    const out: Record<string, HistoryContribution[]> = {};
    const hist = Array.from(train.indices.subarray(train.indptr[user], train.indptr[user + 1]));
    if (this.useKg) {
      const mine = new Set(this.itemNb.subarray(this.itemNbPtr[item], this.itemNbPtr[item + 1]));
      const len = Math.max(1, new Set(hist).size);
      const acc = new Map<number, number>();
      for (const h of new Set(hist)) {
        if (h === item) continue;
        for (let q = this.itemNbPtr[h]; q < this.itemNbPtr[h + 1]; q++) {
          const e = this.itemNb[q];
          if (mine.has(e)) acc.set(h, (acc.get(h) ?? 0) + (this.idf.get(e) ?? 0) / len);
        }
      }
      out['kg-overlap'] = sortContributions([...acc].map(([h, weight]) => ({ item: h, weight })));
    }
    if (this.useSim && this.cfg.itemVectors !== undefined) {
      const st = this.similarityHistory(user, new Set());
      const v = this.cfg.itemVectors(item);
      let best: HistoryContribution | null = null;
      st.historyItems.forEach((h, j) => {
        if (h === item || st.historyVectors === null) return;
        let d = 0;
        for (let k = 0; k < v.length; k++) d += v[k] * st.historyVectors[j][k];
        if (best === null || d > best.weight) best = { item: h, weight: d };
      });
      out['history-similarity'] = best !== null ? [best] : [];
    }
    return out;
  }

  /** Feature rows of arbitrary items (seen ones included) for `user`. */
  featuresOf(user: number, items: Int32Array): Float64Array {
    return this.rows(this.userState(user), items);
  }

  /** Feature rows of `items` and the user's candidates, from one pass over the sources. */
  featuresWithCandidates(user: number, items: Int32Array): { x: Float64Array; candidates: Int32Array } {
    const st = this.userState(user);
    return { x: this.rows(st, items), candidates: this.userCandidates(user, st) };
  }

  private candidatesOf(st: UserState): Int32Array {
    // the union, ascending: sorted and deduplicated (a few hundred items, not a pass over the catalog)
    return sortedUnion(st.scores.map((sc, s) => st.topItems?.[s] ?? topK(sc, this.cfg.candidatesPerSource, st.seen)));
  }

  private state(user: number, removed: ReadonlySet<number> = new Set(), full?: UserState, ties: RemovedTies = new Map()): UserState {
    const { nItems, train, sources } = this.cfg;
    if (!Number.isInteger(user) || user < 0 || user >= this.cfg.nUsers) {
      throw new KnowrecError('validation', `hybrid: user ${user} is outside 0..${this.cfg.nUsers - 1}`, {}, 'pass a dense user index');
    }
    const { seen, histLen } = full ?? seenOf(train, user, nItems);
    const nUnseen = nItems - histLen;
    const scores: Float32Array[] = [];
    const sorted: (Float32Array | null)[] = [];
    const mean = new Float64Array(sources.length);
    const std = new Float64Array(sources.length);
    const max = new Float64Array(sources.length);
    const sampled = this.statsSample !== null;
    const unseenSample = full?.unseenSample ?? (this.statsSample !== null ? unseenIn(this.statsSample, seen) : null);
    const sampleValues: (Float32Array | null)[] = [];
    const rankScale = sampled ? new Float64Array(sources.length) : null;
    const topScores: Float32Array[] | null = sampled ? [] : null;
    const topItems: Int32Array[] | null = sampled ? [] : null;
    const writes: ((items: Int32Array) => void)[] = [];
    for (let s = 0; s < sources.length; s++) {
      const scorer = sources[s].scorer;
      const leaveOut = removed.size > 0 || ties.size > 0;
      if (full !== undefined && leaveOut && !isAttributable(scorer)) {
        scores.push(full.scores[s]);
        sorted.push(full.sorted[s]);
        mean[s] = full.mean[s];
        std[s] = full.std[s];
        max[s] = full.max[s];
        if (rankScale !== null && full.rankScale !== null) rankScale[s] = full.rankScale[s];
        topScores?.push(full.topScores?.[s] ?? new Float32Array(0));
        topItems?.push(full.topItems?.[s] ?? new Int32Array(0));
        sampleValues.push(full.sampleValues[s]);
        continue;
      }
      // scale mode's removal states: at a few items where the source bounds the rest (partial-rescore.ts)
      const into = full !== undefined ? this.scratchOf(s) : undefined;
      const part = into !== undefined && full !== undefined && leaveOut && unseenSample !== null
        ? this.partial.rescore(user, s, sources[s], { scores: full.scores[s], seen }, unseenSample, removed, ties, into, this.cfg.candidatesPerSource) : null;
      if (part !== null) writes.push(part.write);
      const sc = (part !== null ? into : null) ?? (leaveOut && isAttributable(scorer) ? scorer.scoreWithout(user, removed, ties, into) : null) ?? scorer.score(user);
      if (sc.length !== nItems) {
        throw new KnowrecError('internal', `hybrid: source '${sources[s].name}' returned ${sc.length} scores, expected ${nItems}`, {},
          'fit every source on the same dataset as the hybrid');
      }
      // a removal state of the fast path is only asked for its candidates' rows: no sort (of the items or of the sample)
      const st = sourceStats(sc, seen, nUnseen, this.statsSample, !(full !== undefined && leaveOut && this.cache !== null), unseenSample ?? undefined);
      sampleValues.push(st.values ?? null);
      mean[s] = st.mean;
      std[s] = st.std;
      max[s] = st.max;
      scores.push(sc);
      sorted.push(st.sorted);
      if (rankScale !== null) rankScale[s] = st.rankScale;
      if (topScores !== null && topItems !== null) {
        // a removal state's top-k is nearly the full state's: its items give topK a tight floor (the same result)
        const top = part?.top ?? topK(sc, this.cfg.candidatesPerSource, seen, full !== undefined && leaveOut ? (full.topItems?.[s] ?? undefined) : undefined);
        topItems.push(top);
        topScores.push(Float32Array.from(top, (i) => finite(sc[i])));
      }
    }
    const { entityCount, entityGone } = this.entityCounts(user, removed, full, ties);
    const { historyVectors, historyItems, historyRanks } = this.similarityHistory(user, removed);
    return { user, seen, scores, mean, std, max, sorted, unseenSample, sampleValues, rankScale, topScores, topItems, writes, histLen, entityCount, entityGone, historyVectors, historyItems, historyRanks };
  }

  /** kg-overlap's entity counts of the history without `removed` (and `ties`): the full state's less the removed items' where it can. */
  private entityCounts(user: number, removed: ReadonlySet<number>, full: UserState | undefined, ties: RemovedTies): Pick<UserState, 'entityCount' | 'entityGone'> {
    const { train } = this.cfg;
    const a = train.indptr[user];
    const b = train.indptr[user + 1];
    let entityCount: Map<number, number> | null = null;
    let entityGone: Map<number, number> | null = null;
    if (this.useKg && full?.entityCount != null && full.entityGone === null && ties.size === 0 && this.cache !== null) {
      // the full counts less the removed items' (integer counts: the same as counting the rest)
      entityCount = full.entityCount;
      entityGone = new Map();
      for (let p = a; p < b; p++) {
        const i = train.indices[p];
        if (!removed.has(i)) continue;
        for (let q = this.itemNbPtr[i]; q < this.itemNbPtr[i + 1]; q++) entityGone.set(this.itemNb[q], (entityGone.get(this.itemNb[q]) ?? 0) + 1);
      }
    } else if (this.useKg) {
      entityCount = new Map();
      for (let p = a; p < b; p++) {
        const i = train.indices[p];
        if (removed.has(i)) continue;
        const dropped = ties.get(i);
        for (let q = this.itemNbPtr[i]; q < this.itemNbPtr[i + 1]; q++) {
          const e = this.itemNb[q];
          if (dropped?.has(e) === true) continue;
          entityCount.set(e, (entityCount.get(e) ?? 0) + 1);
        }
      }
    }
    return { entityCount, entityGone };
  }

  /** Source s's array for a removal state's scores (scoreWithout's `into`; a fast-path removal state lives until its rows are built). */
  private scratchOf(s: number): Float32Array | undefined {
    return this.cache !== null ? (this.scratch[s] ??= new Float32Array(this.cfg.nItems)) : undefined;
  }

  /** The (recent) history items history-similarity compares with, and their vectors. */
  private similarityHistory(user: number, removed: ReadonlySet<number>): Pick<UserState, 'historyVectors' | 'historyItems' | 'historyRanks'> {
    const { train } = this.cfg;
    const vec = this.cfg.itemVectors;
    if (!this.useSim || vec === undefined) return { historyVectors: null, historyItems: new Int32Array(0), historyRanks: null };
    const cap = this.cfg.maxHistoryForSimilarity ?? 50;
    const recency = (keep: (p: number) => boolean): number[] => {
      const idx: number[] = [];
      for (let p = train.indptr[user]; p < train.indptr[user + 1]; p++) if (keep(p)) idx.push(p);
      const times = this.cfg.trainTimes;
      if (times !== undefined) idx.sort((x, y) => times[y] - times[x] || x - y);
      return idx;
    };
    if (this.cache === null) {
      const historyItems = Int32Array.from(recency((p) => !removed.has(train.indices[p])).slice(0, cap), (p) => train.indices[p]);
      return { historyVectors: Array.from(historyItems, (i) => vec(i)), historyItems, historyRanks: null };
    }
    // the full order filtered keeps the order of the filtered list (ties are broken by position)
    const order = this.cache.recency(user, () => Int32Array.from(recency(() => true)));
    const ranks: number[] = [];
    for (let r = 0; r < order.length && ranks.length < cap; r++) if (!removed.has(train.indices[order[r]])) ranks.push(r);
    const historyItems = Int32Array.from(ranks, (r) => train.indices[order[r]]);
    return { historyVectors: Array.from(historyItems, (i) => vec(i)), historyItems, historyRanks: Int32Array.from(ranks) };
  }

  /** history-similarity of `item`: the largest dot with a history item other than itself (0 when none). */
  private nearestHistory(st: UserState, item: number, v: Float32Array): number {
    const hv = st.historyVectors;
    if (hv === null) return 0;
    const ranks = st.historyRanks;
    if (ranks !== null && this.cache !== null) return this.cache.nearest(st.user, item, v, st.historyItems, ranks, hv, this.cfg.maxHistoryForSimilarity ?? 50);
    let best = 0;
    let any = false;
    for (let j = 0; j < hv.length; j++) {
      if (st.historyItems[j] === item) continue;
      const d = dot(v, 0, hv[j], 0, v.length);
      if (!any || d > best) best = d;
      any = true;
    }
    return best;
  }

  private rows(st: UserState, items: Int32Array): Float64Array {
    const nF = this.nFeatures;
    const x = new Float64Array(items.length * nF);
    const nS = this.cfg.sources.length;
    const logLen = Math.log1p(st.histLen);
    const counted = st.sorted.map((sorted, s) => {
      if (sorted !== null) return null;
      const values = Float32Array.from(items, (it) => finite(st.scores[s][it]));
      const gathered = st.sampleValues[s];
      return gathered !== null ? ranksAboveIn(gathered, values) : ranksAbove(st.scores[s], st.seen, values);
    });
    for (let r = 0; r < items.length; r++) {
      const it = items[r];
      if (!Number.isInteger(it) || it < 0 || it >= this.cfg.nItems) {
        throw new KnowrecError('validation', `hybrid: item ${it} is outside 0..${this.cfg.nItems - 1}`, {}, 'pass dense item indices');
      }
      let f = r * nF;
      let votes = 0;
      for (let s = 0; s < nS; s++) {
        let v = st.scores[s][it];
        if (!Number.isFinite(v)) v = v > 0 ? 3.4e38 : -3.4e38;
        x[f++] = st.std[s] > 0 ? (v - st.mean[s]) / st.std[s] : 0;
        const sorted = st.sorted[s];
        // rank = unseen items scoring strictly higher
        const rank = sorted !== null ? rankAbove(sorted, st.topScores?.[s] ?? null, st.rankScale?.[s] ?? null, v)
          : st.topScores !== null && st.rankScale !== null ? sampledRank(st.topScores[s], st.rankScale[s], v, () => counted[s]?.[r] ?? 0)
            : (counted[s]?.[r] ?? 0);
        x[f++] = 1 / (1 + Math.max(0, rank));
        if (this.useGaps) {
          const best = st.topScores !== null && st.topScores[s].length > 0 ? st.topScores[s][0] : null;
          const top = best ?? (st.max[s] > -Infinity ? st.max[s] : v);
          x[f++] = st.std[s] > 0 ? (v - top) / st.std[s] : 0;
          if (rank < 10) votes++;
        }
      }
      if (this.useGaps) x[f++] = votes;
      if (this.usePop) x[f++] = this.logPop[it];
      if (this.useKg && st.entityCount !== null) {
        let shared = 0;
        let weighted = 0;
        const len = Math.max(1, st.histLen);
        for (let q = this.itemNbPtr[it]; q < this.itemNbPtr[it + 1]; q++) {
          const e = this.itemNb[q];
          const c = (st.entityCount.get(e) ?? 0) - (st.entityGone?.get(e) ?? 0);
          if (c === 0) continue;
          shared++;
          weighted += (c / len) * (this.idf.get(e) ?? 0);
        }
        x[f++] = Math.log1p(shared);
        x[f++] = weighted;
      }
      if (this.useSim && st.historyVectors !== null && this.cfg.itemVectors !== undefined) x[f++] = this.nearestHistory(st, it, this.cfg.itemVectors(it));
      if (this.useLen) x[f++] = logLen;
    }
    return x;
  }
}
