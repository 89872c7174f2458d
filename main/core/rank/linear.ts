/**
 * Pairwise linear fusion (RankNet / BPR style): s(x) = w·x over standardized features, fitted by
 * minimising Σ log(1 + exp(−(s(x_pos) − s(x_neg)))) + (l2/2)‖w‖² over (positive, sampled negative)
 * pairs of the same user, with mini-batch Adam (one batch per user), seeded.
 * Features that are constant within a user (history length) cancel in every pair and get w = 0.
 */
import { createRng } from '../random';
import { checkPositive, type RankerModel, type RankingData } from './ranker';

export interface LinearOptions {
  /**
   * 'pairwise': uniform (positive, sampled negative) pairs; 'lambdarank': every (positive,
   * negative) pair with either side ranked inside `truncation` under the current weights,
   * weighted by the NDCG change of swapping them; 'softmax': listwise cross-entropy over the
   * user's candidates. Default 'pairwise'.
   */
  readonly objective?: 'pairwise' | 'lambdarank' | 'softmax';
  readonly truncation?: number;
  /** Negatives sampled per positive each epoch ('pairwise'). Default 16. */
  readonly negatives?: number;
  readonly epochs?: number;
  readonly lr?: number;
  readonly l2?: number;
}

export const LINEAR_DEFAULTS = { objective: 'pairwise', truncation: 30, negatives: 16, epochs: 30, lr: 0.02, l2: 1e-3 } as const;

export class LinearRanker implements RankerModel {
  readonly kind = 'linear';
  constructor(
    readonly weights: Float64Array,
    private readonly names: readonly string[],
  ) {}

  predict(x: Float64Array, offset: number): number {
    const w = this.weights;
    let s = 0;
    for (let f = 0; f < w.length; f++) s += w[f] * x[offset + f];
    return s;
  }

  contributions(x: Float64Array, offset: number): { bias: number; values: Float64Array } {
    const w = this.weights;
    const values = new Float64Array(w.length);
    for (let f = 0; f < w.length; f++) values[f] = w[f] * x[offset + f];
    return { bias: 0, values };
  }

  summary(): Readonly<Record<string, number | string>> {
    const parts: string[] = [];
    for (let f = 0; f < this.weights.length; f++) parts.push(`${this.names[f]}=${this.weights[f].toFixed(3)}`);
    return { weights: parts.join(' ') };
  }
}

export function fitLinear(data: RankingData, names: readonly string[], seed: number, opts: LinearOptions = {}): LinearRanker {
  const negatives = opts.negatives ?? LINEAR_DEFAULTS.negatives;
  const epochs = opts.epochs ?? LINEAR_DEFAULTS.epochs;
  const lr = opts.lr ?? LINEAR_DEFAULTS.lr;
  const l2 = opts.l2 ?? LINEAR_DEFAULTS.l2;
  const objective = opts.objective ?? LINEAR_DEFAULTS.objective;
  const truncation = opts.truncation ?? LINEAR_DEFAULTS.truncation;
  checkPositive('linear.truncation', truncation, true);
  checkPositive('linear.negatives', negatives, true);
  checkPositive('linear.epochs', epochs, true);
  checkPositive('linear.lr', lr, false);
  if (!(l2 >= 0)) checkPositive('linear.l2', l2, false);
  const nF = data.nFeatures;
  const rng = createRng(seed);
  const w = new Float64Array(nF);
  const m = new Float64Array(nF);
  const v = new Float64Array(nF);
  const g = new Float64Array(nF);
  const nGroups = data.groupPtr.length - 1;
  const order = Int32Array.from({ length: nGroups }, (_, j) => j);
  const pos: number[] = [];
  const neg: number[] = [];
  const x = data.x;
  let step = 0;
  const b1 = 0.9;
  const b2 = 0.999;
  const nBatches = epochs * nGroups;
  for (let epoch = 0; epoch < epochs; epoch++) {
    rng.shuffle(order);
    for (const gi of order) {
      pos.length = 0;
      neg.length = 0;
      for (let r = data.groupPtr[gi]; r < data.groupPtr[gi + 1]; r++) (data.label[r] === 1 ? pos : neg).push(r);
      if (pos.length === 0 || neg.length === 0) continue;
      g.fill(0);
      let pairs = 0;
      if (objective === 'softmax') {
        pairs = softmaxGrad(data, gi, w, pos.length, g);
      } else if (objective === 'lambdarank') {
        pairs = lambdaPairs(data, gi, w, pos, neg, truncation, g);
        if (pairs === 0) continue;
      } else for (const p of pos) {
        const po = p * nF;
        for (let t = 0; t < negatives; t++) {
          const q = neg[rng.int(neg.length)] * nF;
          let s = 0;
          for (let f = 0; f < nF; f++) s += w[f] * (x[po + f] - x[q + f]);
          // d/ds log(1 + e^{−s}) = −σ(−s)
          const coef = -1 / (1 + Math.exp(s));
          for (let f = 0; f < nF; f++) g[f] += coef * (x[po + f] - x[q + f]);
          pairs++;
        }
      }
      step++;
      const c1 = 1 - Math.pow(b1, step);
      const c2 = 1 - Math.pow(b2, step);
      // cosine decay to 0 over all batches: the last iterates settle instead of wandering
      const rate = lr * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, nBatches)) / nBatches));
      for (let f = 0; f < nF; f++) {
        const gf = g[f] / pairs + l2 * w[f];
        m[f] = b1 * m[f] + (1 - b1) * gf;
        v[f] = b2 * v[f] + (1 - b2) * gf * gf;
        w[f] -= (rate * (m[f] / c1)) / (Math.sqrt(v[f] / c2) + 1e-8);
      }
    }
  }
  return new LinearRanker(w, names);
}

/**
 * Adds the ΔNDCG-weighted pairwise logistic gradient of group `gi` to `g`; returns the summed
 * pair weight (0 when no pair counts).
 */
function lambdaPairs(
  data: RankingData,
  gi: number,
  w: Float64Array,
  pos: readonly number[],
  neg: readonly number[],
  truncation: number,
  g: Float64Array,
): number {
  const nF = data.nFeatures;
  const x = data.x;
  const a = data.groupPtr[gi];
  const n = data.groupPtr[gi + 1] - a;
  const s = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let v = 0;
    const o = (a + r) * nF;
    for (let f = 0; f < nF; f++) v += w[f] * x[o + f];
    s[r] = v - r * 1e-9; // ties: lower row first
  }
  const sorted = s.slice().sort();
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= s[r]) lo = mid + 1;
      else hi = mid;
    }
    rank[r] = n - lo;
  }
  let idcg = 0;
  const t = Math.max(1, Math.min(data.nTargets[gi], n));
  for (let r = 0; r < t; r++) idcg += 1 / Math.log2(r + 2);
  let total = 0;
  for (const p of pos) {
    const rp = rank[p - a];
    const dp = 1 / Math.log2(rp + 2);
    for (const q of neg) {
      const rq = rank[q - a];
      if (rp >= truncation && rq >= truncation) continue;
      const wt = Math.abs(dp - 1 / Math.log2(rq + 2)) / idcg;
      if (wt === 0) continue;
      const coef = (-wt) / (1 + Math.exp(s[p - a] - s[q - a]));
      const po = p * nF;
      const qo = q * nF;
      for (let f = 0; f < nF; f++) g[f] += coef * (x[po + f] - x[qo + f]);
      total += wt;
    }
  }
  return total;
}

/**
 * Listwise softmax cross-entropy of group `gi`: −Σ_pos log(e^{s_pos} / Σ_all e^{s}), convex in w.
 * Adds its gradient to `g`; returns the number of positives.
 */
function softmaxGrad(data: RankingData, gi: number, w: Float64Array, nPos: number, g: Float64Array): number {
  const nF = data.nFeatures;
  const x = data.x;
  const a = data.groupPtr[gi];
  const b = data.groupPtr[gi + 1];
  const s = new Float64Array(b - a);
  let max = -Infinity;
  for (let r = a; r < b; r++) {
    let v = 0;
    const o = r * nF;
    for (let f = 0; f < nF; f++) v += w[f] * x[o + f];
    s[r - a] = v;
    if (v > max) max = v;
  }
  let z = 0;
  for (let j = 0; j < s.length; j++) z += (s[j] = Math.exp(s[j] - max));
  for (let r = a; r < b; r++) {
    const coef = nPos * (s[r - a] / z) - data.label[r];
    if (coef === 0) continue;
    const o = r * nF;
    for (let f = 0; f < nF; f++) g[f] += coef * x[o + f];
  }
  return nPos;
}
