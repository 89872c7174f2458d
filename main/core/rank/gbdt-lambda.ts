/**
 * The gradients one boosting round of the ranking trees fits (gbdt.ts): per user group, pairwise
 * logistic gradients between positives and negatives, weighted by the NDCG change of swapping
 * them (lambdarank) or not, for pairs with one side ranked inside `truncation`.
 */
import { upperBound, type RankingData } from './ranker';

/** Tie-break step between equal scores (row order); far below any learned score difference. */
const TIE_EPS = 1e-9;

export function lambdaGradients(
  data: RankingData,
  score: Float64Array,
  grad: Float64Array,
  hess: Float64Array,
  useGroup: Uint8Array,
  o: { readonly objective: string; readonly truncation: number },
): void {
  grad.fill(0);
  hess.fill(0);
  const nGroups = data.groupPtr.length - 1;
  const weighted = o.objective === 'lambdarank';
  let maxRows = 0;
  for (let g = 0; g < nGroups; g++) maxRows = Math.max(maxRows, data.groupPtr[g + 1] - data.groupPtr[g]);
  const key = new Float64Array(maxRows);
  // the same expression as inline, computed once per rank
  const disc = Float64Array.from({ length: maxRows }, (_, r) => 1 / Math.log2(r + 2));
  for (let g = 0; g < nGroups; g++) {
    if (useGroup[g] === 0) continue;
    const a = data.groupPtr[g];
    const b = data.groupPtr[g + 1];
    const n = b - a;
    let nPos = 0;
    for (let r = a; r < b; r++) nPos += data.label[r];
    if (nPos === 0 || nPos === n) continue;
    // rank = rows ordered before this one (score descending, ties: lower row first)
    for (let j = 0; j < n; j++) key[j] = score[a + j] - j * TIE_EPS;
    const sorted = key.subarray(0, n).slice().sort();
    const rank = new Int32Array(n);
    for (let j = 0; j < n; j++) rank[j] = n - upperBound(sorted, key[j]);
    let idcg = 0;
    const t = Math.max(1, Math.min(data.nTargets[g], n));
    for (let r = 0; r < t; r++) idcg += 1 / Math.log2(r + 2);
    for (let i = a; i < b; i++) {
      if (data.label[i] !== 1) continue;
      const ri = rank[i - a];
      const di = disc[ri];
      for (let j = a; j < b; j++) {
        if (data.label[j] === 1) continue;
        const rj = rank[j - a];
        if (ri >= o.truncation && rj >= o.truncation) continue;
        const w = weighted ? Math.abs(di - disc[rj]) / idcg : 1;
        if (w === 0) continue;
        const rho = 1 / (1 + Math.exp(score[i] - score[j]));
        const lam = rho * w;
        const h = rho * (1 - rho) * w;
        grad[i] -= lam;
        grad[j] += lam;
        hess[i] += h;
        hess[j] += h;
      }
    }
  }
}
