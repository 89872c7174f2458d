/**
 * Maximal marginal relevance: a diversity re-rank of a candidate list. Greedily picks
 *   argmax_i  λ·rel(i) − (1 − λ)·max_{j picked} cos(v_i, v_j),
 * where rel is the candidate's score min-max scaled to [0, 1] over the candidates.
 * λ = 1 keeps the score order; smaller λ trades relevance for variety.
 */
import { KnowrecError } from '../errors';

export function mmrRerank(
  scores: ArrayLike<number>,
  candidates: Int32Array,
  itemVectors: (item: number) => Float32Array,
  lambda: number,
  k: number,
): Int32Array {
  if (!(lambda >= 0 && lambda <= 1)) {
    throw new KnowrecError('config', `mmr: lambda must be in [0, 1], got ${lambda}`, {}, 'e.g. 0.7');
  }
  if (!Number.isInteger(k) || k < 0) throw new KnowrecError('config', `mmr: k must be a whole number ≥ 0, got ${k}`);
  const n = candidates.length;
  const rel = new Float64Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < n; j++) {
    const it = candidates[j];
    if (!Number.isInteger(it) || it < 0 || it >= scores.length) {
      throw new KnowrecError('validation', `mmr: candidate ${it} is outside 0..${scores.length - 1}`, {}, 'pass dense item indices');
    }
    const s = scores[it];
    rel[j] = s;
    if (Number.isFinite(s)) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
  }
  for (let j = 0; j < n; j++) {
    const s = rel[j];
    rel[j] = !Number.isFinite(s) ? (s > 0 ? 1 : -1) : hi > lo ? (s - lo) / (hi - lo) : 1;
  }
  const vecs = Array.from(candidates, (it) => itemVectors(it));
  const maxSim = new Float64Array(n).fill(-Infinity);
  const picked = new Uint8Array(n);
  const out = new Int32Array(Math.min(k, n));
  for (let r = 0; r < out.length; r++) {
    let best = -1;
    let bestVal = -Infinity;
    for (let j = 0; j < n; j++) {
      if (picked[j] === 1) continue;
      const penalty = r === 0 ? 0 : maxSim[j];
      const val = lambda * rel[j] - (1 - lambda) * penalty;
      if (val > bestVal || (val === bestVal && best >= 0 && candidates[j] < candidates[best])) {
        bestVal = val;
        best = j;
      }
    }
    picked[best] = 1;
    out[r] = candidates[best];
    const vb = vecs[best];
    for (let j = 0; j < n; j++) {
      if (picked[j] === 1) continue;
      const vj = vecs[j];
      let d = 0;
      for (let q = 0; q < Math.min(vb.length, vj.length); q++) d += vb[q] * vj[q];
      if (d > maxSim[j]) maxSim[j] = d;
    }
  }
  return out;
}
