/**
 * Training pairs for the adapter, from the TRAIN split only: for every training interaction t of
 * a user (in time order, ties by row order) the pair is (the user's vector built from the history
 * strictly before t, the item of t). The user vector follows the semantic scorer's formula:
 *   x = normalize(β · s + (1 − β) · normalize(Σ_{j<t} w_j v_j)),
 * w_j = (rating_j / max rating) · 2^(−age_j / halfLife) with ages relative to interaction t−1, and
 * s the encoded user sentence of the latest prefix cut c ≤ t (sentences are encoded only at a few
 * cut points per user, see `prefixCuts`; before the first cut x is the weighted mean alone).
 * Positive relevance labels add pairs (the user's full-history vector, the labelled item).
 */
import { KnowrecError } from '../errors';
import { createRng } from '../random';
import type { Interactions } from '../types';

export interface RelevanceLabel {
  readonly user: number;
  readonly item: number;
  /** 1 = relevant (an extra positive pair), 0 = not relevant (a labelled negative). */
  readonly value: 0 | 1;
}

export interface PairSet {
  readonly n: number;
  readonly dim: number;
  /** User-tower inputs, n×d. */
  readonly x: Float32Array;
  readonly user: Int32Array;
  readonly item: Int32Array;
}

/** Encoded sentences of history prefixes: for user u, prefix lengths cuts[u][k] with vector vec(u, k). */
export interface PrefixSentences {
  readonly cuts: readonly Int32Array[];
  readonly vec: (user: number, k: number) => Float32Array;
}

export interface PairOptions {
  readonly train: Interactions;
  readonly nUsers: number;
  readonly nItems: number;
  readonly dim: number;
  /** Frozen unit item vectors, nItems×d. */
  readonly itemVecs: Float32Array;
  /** Weight β of the sentence vector (the semantic scorer's tuned blend). */
  readonly blend: number;
  readonly halfLifeSeconds: number;
  readonly sentences?: PrefixSentences;
  /** Keep at most this many pairs per user (seeded sample); 0 = all. */
  readonly maxPairsPerUser?: number;
  readonly seed?: number;
  /** Relevance labels; value 1 adds a pair with the user's full-history vector from `userVecs`. */
  readonly labels?: readonly RelevanceLabel[];
  /** Full-history user vectors (nUsers×d), needed only for positive labels. */
  readonly userVecs?: Float32Array;
}

/** Per user, the indices of their training interactions in time order (ties: row order). */
export function chronological(train: Interactions, nUsers: number): Int32Array[] {
  const counts = new Int32Array(nUsers);
  for (let i = 0; i < train.user.length; i++) counts[train.user[i]]++;
  const out = Array.from({ length: nUsers }, (_, u) => new Int32Array(counts[u]));
  const fill = new Int32Array(nUsers);
  for (let i = 0; i < train.user.length; i++) {
    const u = train.user[i];
    out[u][fill[u]++] = i;
  }
  const ts = train.timestamp;
  for (const rows of out) {
    const sorted = Array.from(rows).sort((a, b) => ts[a] - ts[b] || a - b);
    rows.set(sorted);
  }
  return out;
}

/** Prefix lengths at which a user sentence is encoded: ⌊n·k/(cuts+1)⌋, k = 1..cuts, distinct and ≥ 1. */
export function prefixCuts(historyLength: number, cuts: number): Int32Array {
  const out: number[] = [];
  for (let k = 1; k <= cuts; k++) {
    const c = Math.floor((historyLength * k) / (cuts + 1));
    if (c >= 1 && c < historyLength && out[out.length - 1] !== c) out.push(c);
  }
  return Int32Array.from(out);
}

export function checkLabels(labels: readonly RelevanceLabel[], nUsers: number, nItems: number, file?: string): void {
  labels.forEach((l, i) => {
    const where = { file, line: file !== undefined ? i + 2 : undefined };
    if (!Number.isInteger(l.user) || l.user < 0 || l.user >= nUsers) {
      throw new KnowrecError('validation', `label ${i + 1}: user index ${l.user} is outside 0..${nUsers - 1}`, { ...where, column: 1 }, 'use user ids of the dataset');
    }
    if (!Number.isInteger(l.item) || l.item < 0 || l.item >= nItems) {
      throw new KnowrecError('validation', `label ${i + 1}: item index ${l.item} is outside 0..${nItems - 1}`, { ...where, column: 2 }, 'use item ids of the dataset');
    }
    if (l.value !== 0 && l.value !== 1) {
      throw new KnowrecError('validation', `label ${i + 1}: value must be 0 or 1, got ${String(l.value)}`, { ...where, column: 3 }, '1 = relevant, 0 = not relevant');
    }
  });
}

/** Checks the options; returns the positive labels (each adds a pair). */
function checkPairOptions(o: PairOptions): RelevanceLabel[] {
  const { nUsers, nItems, dim: d, itemVecs, blend } = o;
  if (itemVecs.length !== nItems * d) throw new KnowrecError('internal', `pairs: itemVecs has ${itemVecs.length} values, expected ${nItems * d}`);
  if (!(blend >= 0 && blend <= 1)) throw new KnowrecError('config', `pairs: blend must be in [0, 1], got ${blend}`);
  const labels = o.labels ?? [];
  checkLabels(labels, nUsers, nItems);
  const positives = labels.filter((l) => l.value === 1);
  if (positives.length > 0 && (o.userVecs === undefined || o.userVecs.length !== nUsers * d)) {
    throw new KnowrecError('internal', 'pairs: positive labels need the full-history userVecs (nUsers×d)');
  }
  return positives;
}

/** Per user, the target positions t ≥ 1 in time order: all, or a seeded sample of `cap` (0 = all). */
function chooseTargets(hist: readonly Int32Array[], cap: number, seed: number): Int32Array[] {
  const rng = createRng(seed);
  return hist.map((rows) => {
    const all = Int32Array.from({ length: Math.max(0, rows.length - 1) }, (_, k) => k + 1);
    if (cap > 0 && all.length > cap) return rng.shuffle(all).slice(0, cap).sort();
    return all;
  });
}

/**
 * Writes x[xo, xo+d) = normalize(β·s + (1 − β)·normalize(acc)), or normalize(acc) when there is no
 * sentence vector s; `mean` is scratch space of length d.
 */
function writeUserVector(x: Float32Array, xo: number, acc: Float64Array, mean: Float64Array, s: Float32Array | null, blend: number): void {
  const d = acc.length;
  let n2 = 0;
  for (let k = 0; k < d; k++) n2 += acc[k] * acc[k];
  const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0;
  for (let k = 0; k < d; k++) mean[k] = acc[k] * inv;
  if (s === null) {
    for (let k = 0; k < d; k++) x[xo + k] = mean[k];
    return;
  }
  let m2 = 0;
  for (let k = 0; k < d; k++) {
    const v = blend * s[k] + (1 - blend) * mean[k];
    mean[k] = v;
    m2 += v * v;
  }
  const mi = m2 > 0 ? 1 / Math.sqrt(m2) : 0;
  for (let k = 0; k < d; k++) x[xo + k] = mean[k] * mi;
}

export function buildPairs(o: PairOptions): PairSet {
  const { train, nUsers, dim: d, itemVecs, blend } = o;
  const positives = checkPairOptions(o);
  const hist = chronological(train, nUsers);
  const chosen = chooseTargets(hist, o.maxPairsPerUser ?? 0, o.seed ?? 0);
  const n = chosen.reduce((s, c) => s + c.length, 0) + positives.length;
  const x = new Float32Array(n * d);
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  let maxRating = 0;
  for (let i = 0; i < train.rating.length; i++) if (train.rating[i] > maxRating) maxRating = train.rating[i];
  if (maxRating <= 0) maxRating = 1;
  const half = o.halfLifeSeconds;
  const acc = new Float64Array(d);
  const mean = new Float64Array(d);
  let row = 0;
  for (let u = 0; u < nUsers; u++) {
    const rows = hist[u];
    const targets = chosen[u];
    if (targets.length === 0) continue;
    const cuts = o.sentences?.cuts[u];
    acc.fill(0);
    let last = 0;
    let ti = 0;
    let cutK = -1;
    for (let t = 0; t < rows.length && ti < targets.length; t++) {
      if (t > 0 && targets[ti] === t) {
        // the history before t is in acc (decayed to the time of interaction t−1)
        while (cuts !== undefined && cutK + 1 < cuts.length && cuts[cutK + 1] <= t) cutK++;
        const sentence = cutK >= 0 && o.sentences !== undefined ? o.sentences.vec(u, cutK) : null;
        writeUserVector(x, row * d, acc, mean, sentence, blend);
        user[row] = u;
        item[row] = train.item[rows[t]];
        row++;
        ti++;
      }
      // add interaction t to the history
      const r = rows[t];
      const time = train.timestamp[r];
      if (t > 0 && time > last) {
        const decay = Math.pow(2, -(time - last) / half);
        for (let k = 0; k < d; k++) acc[k] *= decay;
      }
      if (t === 0 || time > last) last = time;
      const w = train.rating[r] / maxRating;
      const io = train.item[r] * d;
      for (let k = 0; k < d; k++) acc[k] += w * itemVecs[io + k];
    }
  }
  for (const l of positives) {
    x.set((o.userVecs as Float32Array).subarray(l.user * d, (l.user + 1) * d), row * d);
    user[row] = l.user;
    item[row] = l.item;
    row++;
  }
  return { n: row, dim: d, x: row === n ? x : x.slice(0, row * d), user: row === n ? user : user.slice(0, row), item: row === n ? item : item.slice(0, row) };
}
