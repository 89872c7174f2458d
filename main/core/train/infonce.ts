/**
 * InfoNCE over one batch: rows are (user input, positive item) pairs, columns are the batch's
 * candidate items (every row's positive — the in-batch negatives — plus labelled negatives).
 *   logit[b][j] = ⟨ŷ_u(b), ŷ_i(j)⟩ / τ − bias[j]
 *   loss = mean_b ( −logit[b][pos(b)] + log Σ_{j: mask[b][j]} exp logit[b][j] ) + (λ/2)‖θ‖²
 * `bias` is the log-Q correction of sampled softmax (log of how often an item is drawn as an
 * in-batch negative), 0 for labelled negatives. mask[b][j] = 0 hides a column from row b (the
 * user's other known positives, labelled negatives of other users); mask[b][pos(b)] must be 1.
 * Dropout is applied by the caller to `rowX` / `colV`, so this function is deterministic.
 */
import { backwardTower, forwardTower, towerCache, type Adapter, type TowerCache } from './adapter';

export interface InfoNceBatch {
  readonly nRows: number;
  readonly nCols: number;
  /** User-tower inputs, nRows×d. */
  readonly rowX: Float32Array;
  /** Item-tower inputs, nCols×d. */
  readonly colV: Float32Array;
  /** Column of each row's positive item. */
  readonly positive: Int32Array;
  /** nRows×nCols, 1 = the column competes in the row's softmax. */
  readonly mask: Uint8Array;
  /** Subtracted from every logit of the column (log-Q correction); length nCols. */
  readonly colBias: Float64Array;
  readonly temperature: number;
}

/** Reusable buffers of the batch loss; grows as needed. */
export class InfoNceWorkspace {
  rowCaches: TowerCache[] = [];
  colCaches: TowerCache[] = [];
  dRow = new Float64Array(0);
  dCol = new Float64Array(0);
  prob = new Float64Array(0);
  scratch = new Float64Array(0);

  ensure(a: Adapter, nRows: number, nCols: number): void {
    const d = a.config.dim;
    while (this.rowCaches.length < nRows) this.rowCaches.push(towerCache(a.config));
    while (this.colCaches.length < nCols) this.colCaches.push(towerCache(a.config));
    if (this.dRow.length < nRows * d) this.dRow = new Float64Array(nRows * d);
    if (this.dCol.length < nCols * d) this.dCol = new Float64Array(nCols * d);
    if (this.prob.length < nCols) this.prob = new Float64Array(nCols);
    if (this.scratch.length < d + a.config.rank + 1) this.scratch = new Float64Array(d + a.config.rank + 1);
  }
}

/**
 * Loss of the batch; when `grad` is given (same length as params) it is overwritten with
 * dLoss/dθ (weight decay included).
 */
export function infoNceLoss(
  a: Adapter,
  batch: InfoNceBatch,
  weightDecay: number,
  grad: Float64Array | null,
  ws: InfoNceWorkspace = new InfoNceWorkspace(),
): number {
  const d = a.config.dim;
  const { nRows, nCols, rowX, colV, positive, mask, colBias, temperature } = batch;
  ws.ensure(a, nRows, nCols);
  for (let b = 0; b < nRows; b++) forwardTower(a, 'user', rowX, b * d, ws.rowCaches[b]);
  for (let j = 0; j < nCols; j++) forwardTower(a, 'item', colV, j * d, ws.colCaches[j]);
  const invT = 1 / temperature;
  const dRow = ws.dRow;
  const dCol = ws.dCol;
  if (grad !== null) {
    dRow.fill(0, 0, nRows * d);
    dCol.fill(0, 0, nCols * d);
  }
  const prob = ws.prob;
  let loss = 0;
  const scale = 1 / Math.max(1, nRows);
  for (let b = 0; b < nRows; b++) {
    const u = ws.rowCaches[b].y;
    const mo = b * nCols;
    let max = -Infinity;
    for (let j = 0; j < nCols; j++) {
      if (mask[mo + j] === 0) continue;
      const e = ws.colCaches[j].y;
      let s = 0;
      for (let k = 0; k < d; k++) s += u[k] * e[k];
      const l = s * invT - colBias[j];
      prob[j] = l;
      if (l > max) max = l;
    }
    let z = 0;
    for (let j = 0; j < nCols; j++) {
      if (mask[mo + j] === 0) continue;
      const ex = Math.exp(prob[j] - max);
      prob[j] = ex;
      z += ex;
    }
    const p = positive[b];
    // −l_pos + lse = −(l_pos − max) + log z; prob[p] / z = exp(l_pos − max) / z
    loss += (Math.log(z) - Math.log(prob[p])) * scale;
    if (grad === null) continue;
    const du = dRow.subarray(b * d, (b + 1) * d);
    for (let j = 0; j < nCols; j++) {
      if (mask[mo + j] === 0) continue;
      const g = ((prob[j] / z - (j === p ? 1 : 0)) * scale) * invT;
      if (g === 0) continue;
      const e = ws.colCaches[j].y;
      const de = dCol.subarray(j * d, (j + 1) * d);
      for (let k = 0; k < d; k++) {
        du[k] += g * e[k];
        de[k] += g * u[k];
      }
    }
  }
  let l2 = 0;
  const params = a.params;
  for (let i = 0; i < params.length; i++) l2 += params[i] * params[i];
  loss += 0.5 * weightDecay * l2;
  if (grad !== null) {
    for (let i = 0; i < params.length; i++) grad[i] = weightDecay * params[i];
    for (let b = 0; b < nRows; b++) {
      backwardTower(a, 'user', rowX, b * d, ws.rowCaches[b], dRow.subarray(b * d, (b + 1) * d), grad, ws.scratch);
    }
    for (let j = 0; j < nCols; j++) {
      backwardTower(a, 'item', colV, j * d, ws.colCaches[j], dCol.subarray(j * d, (j + 1) * d), grad, ws.scratch);
    }
  }
  return loss;
}
