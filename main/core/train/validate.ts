/**
 * Validation NDCG@K of an adapter: every user with validation items gets all items scored by
 * ⟨user tower(user vector), item tower(item vector)⟩, the user's training items masked (full
 * ranking, RecBole's rule), and NDCG@K averaged over those users.
 */
import { evaluateRanking } from '../eval/evaluate';
import type { Csr, Interactions } from '../types';
import type { Adapter } from './adapter';

export interface ValidationData {
  readonly nUsers: number;
  readonly nItems: number;
  readonly dim: number;
  /** Full-history user vectors (nUsers×d) and frozen item vectors (nItems×d). */
  readonly userVecs: Float32Array;
  readonly itemVecs: Float32Array;
  readonly train: Csr;
  readonly valid: Interactions;
}

/** Scores of every item for user u with projected (unit) user and item matrices. */
export function dotScores(userMat: Float32Array, itemMat: Float32Array, u: number, d: number, out?: Float32Array): Float32Array {
  const n = itemMat.length / d;
  const s = out ?? new Float32Array(n);
  const uo = u * d;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const io = i * d;
    for (let k = 0; k < d; k++) acc += userMat[uo + k] * itemMat[io + k];
    s[i] = acc;
  }
  return s;
}

export function validationNdcg(a: Adapter, v: ValidationData, k = 10, signal?: AbortSignal): number {
  if (v.valid.user.length === 0) return 0;
  const users = a.projectAll('user', v.userVecs, v.nUsers);
  const items = a.projectAll('item', v.itemVecs, v.nItems);
  const counts = new Float32Array(v.nItems);
  for (let p = 0; p < v.train.indices.length; p++) counts[v.train.indices[p]]++;
  const buf = new Float32Array(v.nItems);
  const r = evaluateRanking((u) => dotScores(users, items, u, v.dim, buf), {
    target: v.valid,
    exclude: [v.train],
    nUsers: v.nUsers,
    nItems: v.nItems,
    ks: [k],
    trainItemCounts: counts,
    signal,
  });
  return r.metrics[`ndcg@${k}`];
}
