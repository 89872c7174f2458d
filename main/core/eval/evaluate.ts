/**
 * Full-ranking evaluation: every user with at least one target item gets all items scored,
 * seen items masked, the top max(K) taken, and RecBole's metrics averaged over those users.
 */
import { KnowrecError, throwIfAborted } from '../errors';
import { selectInteractions, toCsr } from '../matrix';
import { topK } from '../topk';
import type { Csr, Interactions, Scorer, Split } from '../types';
import {
  ACCURACY_METRICS,
  BeyondAccuracyAccumulator,
  headItemMask,
  hitFlags,
  itemSelfInformation,
  metricKey,
  rankingMetricsAtK,
} from './metrics';
import { checkInteractions } from './split';

export interface EvaluateOptions {
  /** Interactions to retrieve (the held-out part). Duplicate (user, item) pairs count once. */
  readonly target: Interactions;
  /**
   * Interactions whose items are masked out of each user's ranking (train for validation,
   * train + valid for test). A user's own target items are never masked (RecBole's rule).
   */
  readonly exclude: readonly Csr[];
  readonly nUsers: number;
  readonly nItems: number;
  readonly ks: readonly number[];
  /** Training interactions per item (popularity) for novelty and long-tail share. */
  readonly trainItemCounts: ArrayLike<number>;
  /** Evaluate only these users (still only those with ≥ 1 target); default all. */
  readonly users?: Int32Array;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /** Keep the accuracy metrics of every evaluated user (for slices and significance tests). */
  readonly keepPerUser?: boolean;
  /** Share of items, by training popularity, that forms the head for long-tail share; default 0.2. */
  readonly headShare?: number;
  /** Keep every evaluated user's top-max(K) list (for list-level metrics computed afterwards). */
  readonly keepLists?: boolean;
}

/** The top-K lists of the evaluated users: row n (user `users[n]`) is items[n·k .. n·k+k), −1 past a short list. */
export interface TopLists {
  readonly k: number;
  readonly users: Int32Array;
  readonly items: Int32Array;
}

export interface PerUserMetrics {
  /** Evaluated users, ascending. */
  readonly users: Int32Array;
  /** Per-user values by metric key (`ndcg@10`, ...), aligned with `users`. */
  readonly values: Readonly<Record<string, Float64Array>>;
}

export interface EvalReport {
  /** Number of users evaluated (those with ≥ 1 target item). */
  readonly users: number;
  /** `ndcg@K`, `recall@K`, `mrr@K`, `hit@K`, `precision@K`, `coverage@K`, `novelty@K`, `longtail@K`. */
  readonly metrics: Record<string, number>;
  readonly perUser?: PerUserMetrics;
  readonly lists?: TopLists;
}

const PROGRESS_EVERY = 64;

export function evaluateRanking(score: (user: number) => Float32Array, opts: EvaluateOptions): EvalReport {
  const { nUsers, nItems } = opts;
  const ks = checkKs(opts.ks);
  const maxK = Math.max(...ks);
  checkInputs(opts);

  const targets = toCsr(opts.target, nUsers, nItems);
  const users = evaluatedUsers(targets, opts.users, nUsers);
  const total = users.length;

  const selfInfo = itemSelfInformation(opts.trainItemCounts, nUsers);
  const head = headItemMask(opts.trainItemCounts, opts.headShare ?? 0.2);
  const beyond = ks.map(() => new BeyondAccuracyAccumulator(nItems, selfInfo, head));
  const sums = ks.map(() => new Float64Array(ACCURACY_METRICS.length));
  const perUser: Record<string, Float64Array> | undefined = opts.keepPerUser === true ? {} : undefined;
  if (perUser !== undefined) {
    for (const k of ks) for (const m of ACCURACY_METRICS) perUser[metricKey(m, k)] = new Float64Array(total);
  }

  const lists = opts.keepLists === true ? new Int32Array(total * maxK).fill(-1) : undefined;
  const excludeMask = new Uint8Array(nItems);
  const targetMask = new Uint8Array(nItems);
  for (let n = 0; n < total; n++) {
    throwIfAborted(opts.signal);
    const u = users[n];
    const scores = score(u);
    if (scores.length !== nItems) {
      throw new KnowrecError('internal', `Scorer returned ${scores.length} scores for user ${u}, expected ${nItems}`, {},
        'a scorer must score every item when called without an item list');
    }
    const nTargets = markUser(u, targets, opts.exclude, targetMask, excludeMask);
    const ranked = topK(scores, maxK, excludeMask);
    const hits = hitFlags(ranked, targetMask);
    lists?.set(ranked.subarray(0, maxK), n * maxK);
    for (let j = 0; j < ks.length; j++) {
      const r = rankingMetricsAtK(hits, nTargets, ks[j]);
      const s = sums[j];
      for (let m = 0; m < ACCURACY_METRICS.length; m++) {
        const v = r[ACCURACY_METRICS[m]];
        s[m] += v;
        if (perUser !== undefined) perUser[metricKey(ACCURACY_METRICS[m], ks[j])][n] = v;
      }
      beyond[j].add(ranked, ks[j]);
    }
    unmarkUser(u, targets, opts.exclude, targetMask, excludeMask);
    if (opts.onProgress !== undefined && ((n + 1) % PROGRESS_EVERY === 0 || n + 1 === total)) {
      opts.onProgress(n + 1, total);
    }
  }

  const metrics = averagedMetrics(ks, sums, beyond, total);
  return {
    users: total,
    metrics,
    ...(perUser !== undefined ? { perUser: { users, values: perUser } } : {}),
    ...(lists !== undefined ? { lists: { k: maxK, users, items: lists } } : {}),
  };
}

/** Throws unless the exclusion matrices, targets and item counts fit nUsers × nItems. */
function checkInputs(opts: EvaluateOptions): void {
  const { nUsers, nItems } = opts;
  checkInteractions(opts.target, nUsers, nItems);
  for (const [j, m] of opts.exclude.entries()) {
    if (m.nRows !== nUsers || m.nCols !== nItems) {
      throw new KnowrecError(
        'validation',
        `Exclusion matrix ${j} is ${m.nRows}×${m.nCols}, expected ${nUsers}×${nItems}`,
        {},
        'build it with toCsr(part, nUsers, nItems)',
      );
    }
  }
  if (opts.trainItemCounts.length !== nItems) {
    throw new KnowrecError('validation', `trainItemCounts has ${opts.trainItemCounts.length} entries, expected ${nItems}`);
  }
}

/**
 * Marks user u's target items, and the excluded items that are not targets; returns the
 * number of distinct targets.
 */
function markUser(u: number, targets: Csr, exclude: readonly Csr[], targetMask: Uint8Array, excludeMask: Uint8Array): number {
  let nTargets = 0;
  for (let p = targets.indptr[u]; p < targets.indptr[u + 1]; p++) {
    const it = targets.indices[p];
    if (targetMask[it] === 0) {
      targetMask[it] = 1;
      nTargets++;
    }
  }
  for (const m of exclude) {
    for (let p = m.indptr[u]; p < m.indptr[u + 1]; p++) {
      const it = m.indices[p];
      if (targetMask[it] === 0) excludeMask[it] = 1;
    }
  }
  return nTargets;
}

/** Clears the marks markUser set for user u. */
function unmarkUser(u: number, targets: Csr, exclude: readonly Csr[], targetMask: Uint8Array, excludeMask: Uint8Array): void {
  for (let p = targets.indptr[u]; p < targets.indptr[u + 1]; p++) targetMask[targets.indices[p]] = 0;
  for (const m of exclude) {
    for (let p = m.indptr[u]; p < m.indptr[u + 1]; p++) excludeMask[m.indices[p]] = 0;
  }
}

/** Accuracy metrics averaged over `total` users, and the beyond-accuracy ones, by metric key. */
function averagedMetrics(
  ks: readonly number[],
  sums: readonly Float64Array[],
  beyond: readonly BeyondAccuracyAccumulator[],
  total: number,
): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (let j = 0; j < ks.length; j++) {
    const k = ks[j];
    for (let m = 0; m < ACCURACY_METRICS.length; m++) {
      metrics[metricKey(ACCURACY_METRICS[m], k)] = total > 0 ? sums[j][m] / total : 0;
    }
    const b = beyond[j].result();
    metrics[metricKey('coverage', k)] = b.coverage;
    metrics[metricKey('novelty', k)] = b.novelty;
    metrics[metricKey('longtail', k)] = b.longtail;
  }
  return metrics;
}

/** Training interactions per item. */
export function itemCounts(x: Interactions, nItems: number): Float32Array {
  const c = new Float32Array(nItems);
  for (let i = 0; i < x.item.length; i++) c[x.item[i]]++;
  return c;
}

export type EvalPhase = 'valid' | 'test';

/** The options of evaluateRanking that the split does not determine. */
export type EvaluateSplitOptions = Pick<EvaluateOptions, 'users' | 'signal' | 'onProgress' | 'keepPerUser' | 'headShare' | 'keepLists'>;

/** The exclusion matrices RecBole uses: train for 'valid'; train and valid for 'test'. */
export function exclusionFor(split: Split, phase: EvalPhase): Csr[] {
  const train = toCsr(split.train, split.nUsers, split.nItems);
  return phase === 'valid' ? [train] : [train, toCsr(split.valid, split.nUsers, split.nItems)];
}

/** Evaluates a fitted scorer on one phase of a split with full ranking. */
export function evaluateSplit(
  scorer: Scorer,
  split: Split,
  phase: EvalPhase,
  ks: readonly number[],
  opts: EvaluateSplitOptions = {},
): EvalReport {
  return evaluateRanking((u) => scorer.score(u), splitOptions(split, phase, ks, opts));
}

/**
 * A split's exclusion matrices and training item counts, built once per split and phase: tuning
 * and early stopping evaluate the same split hundreds of times (splits are never modified).
 */
const splitParts = new WeakMap<Split, Map<EvalPhase, { exclude: Csr[]; counts: Float32Array }>>();

function partsOf(split: Split, phase: EvalPhase): { exclude: Csr[]; counts: Float32Array } {
  let byPhase = splitParts.get(split);
  if (byPhase === undefined) {
    byPhase = new Map();
    splitParts.set(split, byPhase);
  }
  let parts = byPhase.get(phase);
  if (parts === undefined) {
    parts = { exclude: exclusionFor(split, phase), counts: itemCounts(split.train, split.nItems) };
    byPhase.set(phase, parts);
  }
  return parts;
}

/** The evaluation options of one phase of a split: its targets, RecBole's exclusions, popularity. */
function splitOptions(split: Split, phase: EvalPhase, ks: readonly number[], opts: EvaluateSplitOptions): EvaluateOptions {
  const { exclude, counts } = partsOf(split, phase);
  return {
    ...opts,
    target: split[phase],
    exclude,
    nUsers: split.nUsers,
    nItems: split.nItems,
    ks,
    trainItemCounts: counts,
  };
}

/**
 * Metrics restricted to target interactions whose item is in `items`: only those count as hits
 * and as |T|, and only users with ≥ 1 such target are evaluated. The ranking itself is unchanged
 * (all items, seen ones masked), so other unseen items still compete for the top-K slots.
 */
export function evaluateItemSlice(
  score: (user: number) => Float32Array,
  opts: EvaluateOptions,
  items: ArrayLike<number>,
): EvalReport {
  const inSet = new Uint8Array(opts.nItems);
  for (let j = 0; j < items.length; j++) {
    const it = items[j];
    if (!Number.isInteger(it) || it < 0 || it >= opts.nItems) {
      throw new KnowrecError('validation', `Slice item ${it} is outside 0..${opts.nItems - 1}`);
    }
    inSet[it] = 1;
  }
  const keep: number[] = [];
  for (let i = 0; i < opts.target.item.length; i++) if (inSet[opts.target.item[i]] === 1) keep.push(i);
  return evaluateRanking(score, { ...opts, target: selectInteractions(opts.target, keep) });
}

/**
 * How well the items in `items` (default: the split's cold items) reach the users who interacted
 * with them in `phase`: evaluateSplit restricted to targets on those items.
 */
export function coldItemRecall(
  scorer: Scorer,
  split: Split,
  phase: EvalPhase,
  ks: readonly number[],
  items: ArrayLike<number> = split.coldItems,
  opts: EvaluateSplitOptions = {},
): EvalReport {
  return evaluateItemSlice((u) => scorer.score(u), splitOptions(split, phase, ks, opts), items);
}

function checkKs(ks: readonly number[]): number[] {
  if (ks.length === 0) throw new KnowrecError('config', 'No cut-off K given', {}, 'pass e.g. ks: [10]');
  const out: number[] = [];
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) {
      throw new KnowrecError('config', `K must be a positive integer, got ${k}`, {}, 'e.g. 5, 10 or 20');
    }
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

function evaluatedUsers(targets: Csr, users: Int32Array | undefined, nUsers: number): Int32Array {
  const has = (u: number): boolean => targets.indptr[u + 1] > targets.indptr[u];
  if (users === undefined) {
    const out: number[] = [];
    for (let u = 0; u < nUsers; u++) if (has(u)) out.push(u);
    return Int32Array.from(out);
  }
  const pick = new Uint8Array(nUsers);
  for (const u of users) {
    if (u < 0 || u >= nUsers) {
      throw new KnowrecError('validation', `User ${u} is outside 0..${nUsers - 1}`, {}, 'pass dense user indices');
    }
    pick[u] = 1;
  }
  const out: number[] = [];
  for (let u = 0; u < nUsers; u++) if (pick[u] === 1 && has(u)) out.push(u);
  return Int32Array.from(out);
}
