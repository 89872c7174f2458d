/**
 * Test helpers for comparing the hybrid's fast and straightforward explain paths: every user's
 * top-N explained in turn (scores first, as the app does), plus the fused scores without some
 * history items that the caller asks for after each user; a CSR of listed histories; and the
 * small removal sets the re-score tests try.
 */
import { rowIndices } from '../../main/core/matrix';
import { explainRecommendation, type Explanation } from '../../main/core/rank';
import type { HybridScorer } from '../../main/core/rank/hybrid';
import type { KgIndex } from '../../main/core/kg';
import { topK } from '../../main/core/topk';
import type { Csr, FitContext } from '../../main/core/types';

export interface ExplainRun {
  readonly explanations: Explanation[];
  readonly without: Float32Array[];
}

/** Explains each user's `top` items; `after(user, history)` returns score arrays to compare too. */
export function explainEveryUser(
  h: HybridScorer,
  ctx: FitContext,
  kg: KgIndex,
  itemVector: (i: number) => Float32Array,
  top: number,
  after: (user: number, history: Int32Array) => Float32Array[],
): ExplainRun {
  const explanations: Explanation[] = [];
  const without: Float32Array[] = [];
  const trainHistory = (v: number): { items: Int32Array } => ({ items: rowIndices(ctx.trainCsr, v) });
  for (let u = 0; u < ctx.nUsers; u++) {
    const hist = trainHistory(u).items;
    const excluded = new Uint8Array(ctx.nItems);
    for (const i of hist) excluded[i] = 1;
    const scores = h.score(u);
    for (const item of topK(scores, top, excluded)) {
      explanations.push(explainRecommendation({ hybrid: h, user: u, item, dataset: ctx.dataset, kg, trainHistory, lang: 'en', k: 5, excluded, scores, itemVectors: itemVector }));
    }
    without.push(...after(u, hist));
  }
  return { explanations, without };
}

/** One user per row, holding the listed items (sorted), each with value 1. */
export function historyCsr(rows: readonly (readonly number[])[], nItems: number): Csr {
  const indptr = [0];
  const indices: number[] = [];
  for (const r of rows) {
    indices.push(...[...r].sort((a, b) => a - b));
    indptr.push(indices.length);
  }
  return { nRows: rows.length, nCols: nItems, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) };
}

/** Every subset of `items` with 1..max elements (in lexicographic order of positions). */
export function subsets(items: readonly number[], max: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, cur: number[]): void => {
    if (cur.length > 0) out.push([...cur]);
    if (cur.length === max) return;
    for (let j = start; j < items.length; j++) rec(j + 1, [...cur, items[j]]);
  };
  rec(0, []);
  return out;
}
