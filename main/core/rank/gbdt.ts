/**
 * Small gradient-boosted regression trees for ranking (LambdaMART style). Each round computes,
 * per user group, pairwise logistic gradients between positives and negatives weighted by the
 * NDCG change of swapping them (pairs where one side is ranked inside `truncation`), then fits
 * one depth-limited tree to them by Newton steps on histogram splits over quantile bins.
 * Leaf value = −lr·G/(H + l2). Explanations use Saabas path attribution: every node stores its
 * own Newton value, and a split's feature is credited with value(child) − value(node).
 */
import { KnowrecError } from '../errors';
import { createRng } from '../random';
import { lambdaGradients } from './gbdt-lambda';
import { checkPositive, perGroupNdcg, type RankerModel, type RankingData } from './ranker';

export interface GbdtOptions {
  readonly trees?: number;
  /** Maximum depth (1..6). Default 3. */
  readonly depth?: number;
  readonly learningRate?: number;
  /** Quantile bins per feature (2..255). Default 32. */
  readonly bins?: number;
  /** L2 on leaf values. Default 1. */
  readonly l2?: number;
  /** Smallest summed hessian in a child. Default 1. */
  readonly minChildHessian?: number;
  /** 'lambdarank' (ΔNDCG-weighted pairs) or 'pairwise' (unweighted RankNet). Default lambdarank. */
  readonly objective?: 'lambdarank' | 'pairwise';
  /** Pairs are used when either side is ranked above this position. Default 30. */
  readonly truncation?: number;
  /** Share of groups used per tree (row subsampling by user). Default 1. */
  readonly subsample?: number;
  /**
   * Boost from a feature instead of from 0: every row starts at baseScale · x[baseFeature] (e.g.
   * the best source's standardized score), so that zero trees rank exactly as that feature and the
   * trees learn corrections. −1 (default): start from 0.
   */
  readonly baseFeature?: number;
  /** Scale of the base feature. Default 1. */
  readonly baseScale?: number;
}

export const GBDT_DEFAULTS = {
  trees: 100,
  depth: 3,
  learningRate: 0.1,
  bins: 32,
  l2: 1,
  minChildHessian: 1,
  objective: 'lambdarank',
  truncation: 30,
  subsample: 1,
  baseFeature: -1,
  baseScale: 1,
} as const;


interface Tree {
  /** Split feature per node (−1 for a leaf). */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Newton value of every node (already scaled by the learning rate). */
  readonly value: Float64Array;
}

export class GbdtRanker implements RankerModel {
  readonly kind = 'gbdt';
  constructor(
    private readonly trees: readonly Tree[],
    private readonly nFeatures: number,
    private readonly names: readonly string[],
    private readonly opts: Required<GbdtOptions>,
  ) {}

  get treeCount(): number {
    return this.trees.length;
  }

  /** The first n trees (n ≥ 0; 0 keeps only the base feature) as their own model. */
  truncate(n: number): GbdtRanker {
    return new GbdtRanker(this.trees.slice(0, n), this.nFeatures, this.names, { ...this.opts, trees: n });
  }

  /** The base feature's index, or −1. */
  get baseFeature(): number {
    return this.opts.baseFeature;
  }

  predict(x: Float64Array, offset: number): number {
    const bf = this.opts.baseFeature;
    let s = bf >= 0 ? this.opts.baseScale * x[offset + bf] : 0;
    for (const t of this.trees) {
      let n = 0;
      while (t.feature[n] >= 0) n = x[offset + t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
      s += t.value[n];
    }
    return s;
  }

  contributions(x: Float64Array, offset: number): { bias: number; values: Float64Array } {
    const values = new Float64Array(this.nFeatures);
    const bf = this.opts.baseFeature;
    if (bf >= 0) values[bf] += this.opts.baseScale * x[offset + bf];
    let bias = 0;
    for (const t of this.trees) {
      let n = 0;
      bias += t.value[0];
      while (t.feature[n] >= 0) {
        const f = t.feature[n];
        const c = x[offset + f] <= t.threshold[n] ? t.left[n] : t.right[n];
        values[f] += t.value[c] - t.value[n];
        n = c;
      }
    }
    return { bias, values };
  }

  /** How often each feature is split on, and its summed split gain share (importance). */
  splitCounts(): Int32Array {
    const c = new Int32Array(this.nFeatures);
    for (const t of this.trees) for (const f of t.feature) if (f >= 0) c[f]++;
    return c;
  }

  summary(): Readonly<Record<string, number | string>> {
    const c = this.splitCounts();
    const parts: string[] = [];
    for (let f = 0; f < this.nFeatures; f++) if (c[f] > 0) parts.push(`${this.names[f]}:${c[f]}`);
    return {
      trees: this.trees.length,
      depth: this.opts.depth,
      learningRate: this.opts.learningRate,
      objective: this.opts.objective,
      ...(this.opts.baseFeature >= 0 ? { base: `${this.names[this.opts.baseFeature]}×${this.opts.baseScale}` } : {}),
      splits: parts.join(' '),
    };
  }
}

/** Curve of a validation metric every `every` trees, when eval data is given. */
export interface GbdtFit {
  readonly model: GbdtRanker;
  /** (trees, NDCG@10 on the eval data). */
  readonly curve: readonly { trees: number; ndcg: number }[];
  /** Per-group NDCG@10 on the eval data at the best point of the curve (empty without eval data). */
  readonly bestPerGroup: Float64Array;
}

export function fitGbdt(
  data: RankingData,
  names: readonly string[],
  seed: number,
  options: GbdtOptions = {},
  evalData?: RankingData,
  every = 10,
  init?: { readonly train: Float64Array; readonly eval?: Float64Array },
): GbdtFit {
  const o: Required<GbdtOptions> = { ...GBDT_DEFAULTS, ...options };
  checkPositive('gbdt.trees', o.trees, true);
  checkPositive('gbdt.depth', o.depth, true);
  checkPositive('gbdt.learningRate', o.learningRate, false);
  checkPositive('gbdt.bins', o.bins, true);
  checkPositive('gbdt.truncation', o.truncation, true);
  if (o.depth > 6) checkPositive('gbdt.depth (≤ 6)', -1, true);
  if (o.bins > 255) checkPositive('gbdt.bins (≤ 255)', -1, true);
  if (!(o.subsample > 0 && o.subsample <= 1)) checkPositive('gbdt.subsample (≤ 1)', -1, false);
  const nF = data.nFeatures;
  if (!Number.isInteger(o.baseFeature) || o.baseFeature < -1 || o.baseFeature >= nF) {
    throw new KnowrecError('config', `hybrid: gbdt.baseFeature must be −1 or a feature index below ${nF}, got ${o.baseFeature}`);
  }
  if (!Number.isFinite(o.baseScale)) checkPositive('gbdt.baseScale', NaN, false);
  const nRows = data.label.length;
  const rng = createRng(seed);
  const { thresholds, bins } = binFeatures(data, o.bins);
  const grad = new Float64Array(nRows);
  const hess = new Float64Array(nRows);
  const score = init !== undefined ? Float64Array.from(init.train) : new Float64Array(nRows);
  const evalScore =
    evalData !== undefined ? (init?.eval !== undefined ? Float64Array.from(init.eval) : new Float64Array(evalData.label.length)) : null;
  if (o.baseFeature >= 0) {
    for (let r = 0; r < nRows; r++) score[r] += o.baseScale * data.x[r * nF + o.baseFeature];
    if (evalData !== undefined && evalScore !== null) {
      for (let r = 0; r < evalScore.length; r++) evalScore[r] += o.baseScale * evalData.x[r * nF + o.baseFeature];
    }
  }
  const nGroups = data.groupPtr.length - 1;
  const useGroup = new Uint8Array(nGroups);
  const trees: Tree[] = [];
  const curve: { trees: number; ndcg: number }[] = [];
  let bestPerGroup: Float64Array = new Float64Array(0);
  if (o.baseFeature >= 0 && evalData !== undefined && evalScore !== null) {
    // zero trees: the base feature alone
    bestPerGroup = perGroupNdcg(evalData, evalScore, 10);
    let mean = 0;
    for (const v of bestPerGroup) mean += v / bestPerGroup.length;
    curve.push({ trees: 0, ndcg: mean });
  }
  for (let t = 0; t < o.trees; t++) {
    for (let g = 0; g < nGroups; g++) useGroup[g] = o.subsample >= 1 || rng.next() < o.subsample ? 1 : 0;
    lambdaGradients(data, score, grad, hess, useGroup, o);
    const tree = buildTree(bins, thresholds, nF, nRows, grad, hess, data.groupPtr, useGroup, o);
    trees.push(tree);
    for (let r = 0; r < nRows; r++) score[r] += predictTree(tree, data.x, r * nF);
    if (evalData !== undefined && evalScore !== null) {
      for (let r = 0; r < evalScore.length; r++) evalScore[r] += predictTree(tree, evalData.x, r * nF);
      if ((t + 1) % every === 0 || t + 1 === o.trees) {
        const per = perGroupNdcg(evalData, evalScore, 10);
        let mean = 0;
        for (const v of per) mean += v / per.length;
        if (curve.length === 0 || mean > Math.max(...curve.map((c) => c.ndcg))) bestPerGroup = per;
        curve.push({ trees: t + 1, ndcg: mean });
      }
    }
  }
  return { model: new GbdtRanker(trees, nF, names, o), curve, bestPerGroup };
}

function predictTree(t: Tree, x: Float64Array, offset: number): number {
  let n = 0;
  while (t.feature[n] >= 0) n = x[offset + t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
  return t.value[n];
}

/** Quantile thresholds per feature and each row's bin (value ≤ thresholds[f][b] ⇒ bin ≤ b). */
function binFeatures(data: RankingData, maxBins: number): { thresholds: Float64Array[]; bins: Uint8Array } {
  const nF = data.nFeatures;
  const nRows = data.label.length;
  const thresholds: Float64Array[] = [];
  const bins = new Uint8Array(nRows * nF);
  const col = new Float64Array(nRows);
  for (let f = 0; f < nF; f++) {
    for (let r = 0; r < nRows; r++) col[r] = data.x[r * nF + f];
    const sorted = col.slice().sort();
    const cuts: number[] = [];
    for (let b = 1; b < maxBins; b++) {
      const v = sorted[Math.min(nRows - 1, Math.floor((b * nRows) / maxBins))];
      if (nRows > 0 && v < sorted[nRows - 1] && (cuts.length === 0 || v > cuts[cuts.length - 1])) cuts.push(v);
    }
    const th = Float64Array.from(cuts);
    thresholds.push(th);
    for (let r = 0; r < nRows; r++) {
      const v = col[r];
      let lo = 0;
      let hi = th.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= th[mid]) hi = mid;
        else lo = mid + 1;
      }
      bins[r * nF + f] = lo;
    }
  }
  return { thresholds, bins };
}

/** Binned training rows with this round's gradients; rows of unused groups are left out. */
interface TreeInput {
  readonly bins: Uint8Array;
  readonly thresholds: readonly Float64Array[];
  readonly nF: number;
  readonly nRows: number;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
}

/** A tree being grown, nodes in creation order, with each node's summed gradients. */
interface Growing {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly nodeBin: Int32Array;
  readonly sumG: Float64Array;
  readonly sumH: Float64Array;
  /** Node of every used row; −1 for rows of unused groups. */
  readonly rowNode: Int32Array;
  nNodes: number;
}

function buildTree(
  bins: Uint8Array,
  thresholds: readonly Float64Array[],
  nF: number,
  nRows: number,
  grad: Float64Array,
  hess: Float64Array,
  groupPtr: Int32Array,
  useGroup: Uint8Array,
  o: Required<GbdtOptions>,
): Tree {
  const input: TreeInput = { bins, thresholds, nF, nRows, grad, hess };
  const t = rootNode(input, groupPtr, useGroup, o);
  let level = [0];
  for (let depth = 0; depth < o.depth && level.length > 0; depth++) {
    const hist = levelHistograms(input, t, level, o.bins);
    const next: number[] = [];
    for (let k = 0; k < level.length; k++) {
      const split = bestSplit(input, t, level[k], hist, k, o);
      if (split.feature < 0 || t.nNodes + 2 > t.feature.length) continue;
      next.push(...addChildren(t, level[k], split, hist, k, input, o));
    }
    if (next.length === 0) break;
    for (let r = 0; r < nRows; r++) {
      const n = t.rowNode[r];
      if (n < 0 || t.feature[n] < 0) continue;
      const f = t.feature[n];
      t.rowNode[r] = bins[r * nF + f] <= t.nodeBin[n] ? t.left[n] : t.right[n];
    }
    level = next;
  }
  const n = t.nNodes;
  return { feature: t.feature.slice(0, n), threshold: t.threshold.slice(0, n), left: t.left.slice(0, n), right: t.right.slice(0, n), value: t.value.slice(0, n) };
}

function newton(G: number, H: number, o: Required<GbdtOptions>): number {
  return (-o.learningRate * G) / (H + o.l2);
}

/** An empty tree of the largest size the depth allows, every used row in the root. */
function rootNode(input: TreeInput, groupPtr: Int32Array, useGroup: Uint8Array, o: Required<GbdtOptions>): Growing {
  const maxNodes = (1 << (o.depth + 1)) - 1;
  const t: Growing = {
    feature: new Int32Array(maxNodes).fill(-1),
    threshold: new Float64Array(maxNodes),
    left: new Int32Array(maxNodes).fill(-1),
    right: new Int32Array(maxNodes).fill(-1),
    value: new Float64Array(maxNodes),
    nodeBin: new Int32Array(maxNodes),
    sumG: new Float64Array(maxNodes),
    sumH: new Float64Array(maxNodes),
    rowNode: new Int32Array(input.nRows).fill(-1),
    nNodes: 1,
  };
  for (let g = 0; g + 1 < groupPtr.length; g++) {
    if (useGroup[g] === 0) continue;
    for (let r = groupPtr[g]; r < groupPtr[g + 1]; r++) {
      t.rowNode[r] = 0;
      t.sumG[0] += input.grad[r];
      t.sumH[0] += input.hess[r];
    }
  }
  t.value[0] = newton(t.sumG[0], t.sumH[0], o);
  return t;
}

/** Gradient and hessian histograms (node k of the level × feature × bin) for the nodes of a level. */
function levelHistograms(input: TreeInput, t: Growing, level: readonly number[], B: number): { hg: Float64Array; hh: Float64Array } {
  const { nF, grad, hess, bins } = input;
  const slot = new Int32Array(t.feature.length).fill(-1);
  level.forEach((n, k) => (slot[n] = k));
  const hg = new Float64Array(level.length * nF * B);
  const hh = new Float64Array(level.length * nF * B);
  for (let r = 0; r < input.nRows; r++) {
    const n = t.rowNode[r];
    if (n < 0) continue;
    const k = slot[n];
    if (k < 0) continue;
    const g = grad[r];
    const h = hess[r];
    // rows without a gradient (no pair within the truncation) add nothing: skipping them is exact
    if (g === 0 && h === 0) continue;
    const base = k * nF * B;
    const rb = r * nF;
    for (let f = 0; f < nF; f++) {
      const idx = base + f * B + bins[rb + f];
      hg[idx] += g;
      hh[idx] += h;
    }
  }
  return { hg, hh };
}

/** The split of node n (k-th of its level) with the largest gain above 1e-12; feature −1 when none. */
function bestSplit(
  input: TreeInput,
  t: Growing,
  n: number,
  hist: { hg: Float64Array; hh: Float64Array },
  k: number,
  o: Required<GbdtOptions>,
): { feature: number; bin: number } {
  const { nF, thresholds } = input;
  const B = o.bins;
  const G = t.sumG[n];
  const H = t.sumH[n];
  const parentGain = (G * G) / (H + o.l2);
  let best = 1e-12;
  let out = { feature: -1, bin: 0 };
  for (let f = 0; f < nF; f++) {
    const nb = thresholds[f].length; // bins used: 0..nb
    let gl = 0;
    let hl = 0;
    const base = k * nF * B + f * B;
    for (let b = 0; b < nb; b++) {
      gl += hist.hg[base + b];
      hl += hist.hh[base + b];
      const gr = G - gl;
      const hr = H - hl;
      if (hl < o.minChildHessian || hr < o.minChildHessian) continue;
      const gain = (gl * gl) / (hl + o.l2) + (gr * gr) / (hr + o.l2) - parentGain;
      if (gain > best) {
        best = gain;
        out = { feature: f, bin: b };
      }
    }
  }
  return out;
}

/** Splits node n: two children with their summed gradients and Newton values; returns them. */
function addChildren(
  t: Growing,
  n: number,
  split: { feature: number; bin: number },
  hist: { hg: Float64Array; hh: Float64Array },
  k: number,
  input: TreeInput,
  o: Required<GbdtOptions>,
): [number, number] {
  const f = split.feature;
  const G = t.sumG[n];
  const H = t.sumH[n];
  let gl = 0;
  let hl = 0;
  const base = k * input.nF * o.bins + f * o.bins;
  for (let b = 0; b <= split.bin; b++) {
    gl += hist.hg[base + b];
    hl += hist.hh[base + b];
  }
  const l = t.nNodes++;
  const rt = t.nNodes++;
  t.feature[n] = f;
  t.threshold[n] = input.thresholds[f][split.bin];
  t.nodeBin[n] = split.bin;
  t.left[n] = l;
  t.right[n] = rt;
  t.sumG[l] = gl;
  t.sumH[l] = hl;
  t.sumG[rt] = G - gl;
  t.sumH[rt] = H - hl;
  t.value[l] = newton(gl, hl, o);
  t.value[rt] = newton(G - gl, H - hl, o);
  return [l, rt];
}

