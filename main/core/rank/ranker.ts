/**
 * Shared pieces of the fusion rankers: grouped training data (one group per user), feature
 * standardization, and NDCG@K over groups (the validation metric used to choose a ranker).
 */
import { KnowrecError } from '../errors';

/** Rows of standardized features grouped by user. */
export interface RankingData {
  readonly nFeatures: number;
  /** Row-major, rows × nFeatures. */
  readonly x: Float64Array;
  /** 1 for a positive (a validation item of the user), else 0. */
  readonly label: Uint8Array;
  /** Group g holds rows groupPtr[g]..groupPtr[g+1]). */
  readonly groupPtr: Int32Array;
  /** Per group: the user's number of target items (candidates or not), for the ideal DCG. */
  readonly nTargets: Int32Array;
}

/** A fitted fusion model over standardized feature rows. */
export interface RankerModel {
  readonly kind: 'linear' | 'gbdt';
  /** Score of the row starting at x[offset]. */
  predict(x: Float64Array, offset: number): number;
  /**
   * Per-feature contributions of the row (length nFeatures) and the bias: bias + Σ values =
   * predict. Linear: w_j·z_j (z standardized, so relative to the training mean); trees: Saabas
   * path attribution (change of the node value along the decision path).
   */
  contributions(x: Float64Array, offset: number): { bias: number; values: Float64Array };
  /** Short description for params(). */
  summary(): Readonly<Record<string, number | string>>;
}

export class Standardizer {
  constructor(
    readonly mean: Float64Array,
    readonly std: Float64Array,
  ) {}

  /** Mean and standard deviation of each column (std 0 → 1). */
  static fit(x: Float64Array, nFeatures: number): Standardizer {
    const n = nFeatures > 0 ? x.length / nFeatures : 0;
    const mean = new Float64Array(nFeatures);
    const std = new Float64Array(nFeatures);
    for (let r = 0; r < n; r++) for (let f = 0; f < nFeatures; f++) mean[f] += x[r * nFeatures + f];
    for (let f = 0; f < nFeatures; f++) mean[f] = n > 0 ? mean[f] / n : 0;
    for (let r = 0; r < n; r++) {
      for (let f = 0; f < nFeatures; f++) {
        const d = x[r * nFeatures + f] - mean[f];
        std[f] += d * d;
      }
    }
    for (let f = 0; f < nFeatures; f++) {
      const s = n > 0 ? Math.sqrt(std[f] / n) : 0;
      std[f] = s > 1e-12 ? s : 1;
    }
    return new Standardizer(mean, std);
  }

  /** Standardizes rows in place. */
  apply(x: Float64Array): Float64Array {
    const nF = this.mean.length;
    for (let p = 0; p < x.length; p++) {
      const f = p % nF;
      x[p] = (x[p] - this.mean[f]) / this.std[f];
    }
    return x;
  }
}

/** Mean NDCG@k over groups with ≥ 1 target, ranking each group by `pred` (ties: lower row first). */
export function groupNdcg(data: RankingData, pred: Float64Array, k: number, groups?: Int32Array): number {
  const per = perGroupNdcg(data, pred, k, groups);
  let sum = 0;
  for (const v of per) sum += v;
  return per.length > 0 ? sum / per.length : 0;
}

/** NDCG@k of every group with ≥ 1 target, in group order. */
export function perGroupNdcg(data: RankingData, pred: Float64Array, k: number, groups?: Int32Array): Float64Array {
  const all = groups ?? Int32Array.from({ length: data.groupPtr.length - 1 }, (_, g) => g);
  const out: number[] = [];
  for (const g of all) {
    const t = data.nTargets[g];
    if (t <= 0) continue;
    const a = data.groupPtr[g];
    const b = data.groupPtr[g + 1];
    const order = Array.from({ length: b - a }, (_, j) => a + j);
    order.sort((u, v) => pred[v] - pred[u] || u - v);
    let dcg = 0;
    for (let r = 0; r < Math.min(k, order.length); r++) if (data.label[order[r]] === 1) dcg += 1 / Math.log2(r + 2);
    let idcg = 0;
    for (let r = 0; r < Math.min(k, t); r++) idcg += 1 / Math.log2(r + 2);
    out.push(dcg / idcg);
  }
  return Float64Array.from(out);
}

/** Mean of a − b and its standard error (paired over groups). */
export function pairedDifference(a: Float64Array, b: Float64Array): { mean: number; se: number } {
  const n = Math.min(a.length, b.length);
  if (n === 0) return { mean: 0, se: 0 };
  let m = 0;
  for (let i = 0; i < n; i++) m += a[i] - b[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i] - b[i] - m) ** 2;
  const se = n > 1 ? Math.sqrt(v / (n - 1) / n) : 0;
  return { mean: m, se };
}

/** Predictions of a model for every row. */
export function predictAll(model: RankerModel, data: RankingData): Float64Array {
  const nF = data.nFeatures;
  const n = data.label.length;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = model.predict(data.x, r * nF);
  return out;
}

/** The subset of groups `groups` as its own data set (rows copied). */
export function subsetGroups(data: RankingData, groups: Int32Array): RankingData {
  const nF = data.nFeatures;
  let rows = 0;
  for (const g of groups) rows += data.groupPtr[g + 1] - data.groupPtr[g];
  const x = new Float64Array(rows * nF);
  const label = new Uint8Array(rows);
  const groupPtr = new Int32Array(groups.length + 1);
  const nTargets = new Int32Array(groups.length);
  let o = 0;
  for (let j = 0; j < groups.length; j++) {
    const g = groups[j];
    const a = data.groupPtr[g];
    const b = data.groupPtr[g + 1];
    x.set(data.x.subarray(a * nF, b * nF), o * nF);
    label.set(data.label.subarray(a, b), o);
    o += b - a;
    groupPtr[j + 1] = o;
    nTargets[j] = data.nTargets[g];
  }
  return { nFeatures: nF, x, label, groupPtr, nTargets };
}

export function checkPositive(name: string, v: number, integer: boolean): void {
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new KnowrecError('config', `hybrid: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  }
}

/** Number of entries of ascending `a` that are ≤ v. */
export function upperBound(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
