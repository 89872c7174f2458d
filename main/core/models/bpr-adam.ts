/**
 * BPR's optimizer steps: dense Adam over every weight (as torch.optim.Adam without weight decay),
 * and the scale mode's sparse Adam over only the rows a batch touched (bpr.ts).
 */

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** One dense Adam step (bias-corrected), as torch.optim.Adam without weight decay; leaves `g` zeroed for the next batch. */
export function adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, t: number, lr: number): void {
  const c1 = 1 - Math.pow(BETA1, t);
  const c2 = 1 - Math.pow(BETA2, t);
  adamRange(w, g, m, v, 0, w.length, lr / c1, Math.sqrt(c2));
}

/** One Adam update of w[from, to) with its bias-corrected step size; clears the gradients there. */
function adamRange(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, from: number, to: number, stepSize: number, sqrtC2: number): void {
  for (let p = from; p < to; p++) {
    const gp = g[p];
    g[p] = 0;
    const mp = BETA1 * m[p] + (1 - BETA1) * gp;
    const vp = BETA2 * v[p] + (1 - BETA2) * gp * gp;
    m[p] = mp;
    v[p] = vp;
    w[p] -= (stepSize * mp) / (Math.sqrt(vp) / sqrtC2 + EPS);
  }
}

/** Collects the distinct table rows (users, then items after `itemRow0`) of the batch. */
export function markBatchRows(
  t: { readonly rows: Int32Array; readonly mark: Uint8Array; n: number },
  bu: Int32Array,
  bi: Int32Array,
  bj: Int32Array,
  nb: number,
  itemRow0: number,
): void {
  t.n = 0;
  const add = (row: number): void => {
    if (t.mark[row] === 1) return;
    t.mark[row] = 1;
    t.rows[t.n++] = row;
  };
  for (let s = 0; s < nb; s++) {
    add(bu[s]);
    add(itemRow0 + bi[s]);
    add(itemRow0 + bj[s]);
  }
}

/** Adam (bias-corrected by the global step) on the touched rows only; clears their gradients and marks. */
export function sparseAdamStep(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  t: number,
  lr: number,
  d: number,
  touched: { readonly rows: Int32Array; readonly mark: Uint8Array; n: number },
): void {
  const stepSize = lr / (1 - Math.pow(BETA1, t));
  const sqrtC2 = Math.sqrt(1 - Math.pow(BETA2, t));
  for (let r = 0; r < touched.n; r++) {
    const row = touched.rows[r];
    touched.mark[row] = 0;
    adamRange(w, g, m, v, row * d, row * d + d, stepSize, sqrtC2);
  }
}
