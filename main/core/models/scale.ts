/**
 * Scale mode: the cheaper fitting choices taken only for large catalogs (issue 11), so that the
 * hybrid and its sources fit the synthetic L size (100k users × 300k items, 10M interactions) on
 * a 2-core machine. Below the threshold every model takes its full path, unchanged: ml-100k,
 * ml-latest-small, ml-1m and the synthetic S size (their numbers are compared with RecBole and
 * with earlier runs) never enter scale mode.
 *
 * Threshold: nUsers × nItems ≥ SCALE_MODE_MIN_CELLS (250M), i.e. when one full-ranking pass over
 * every user scores more than a quarter billion (user, item) pairs. ml-1m: 22M, ml-latest-small:
 * 6M, S: 20M (full path); M: 2G, L: 30G (scale mode).
 *
 * What changes in scale mode (each choice is recorded in the model's params()):
 *   jobs      early stopping / tuning validate on a seeded sample of SCALE_MODE.validationUsers
 *             validation users (validationUsers below) instead of all of them;
 *   hybrid    the fusion learns on a seeded sample of SCALE_MODE.fusionUsers validation users
 *             (drawn from the users with validation targets only; test is never read), and its
 *             z-score / rank features take their statistics from a fixed seeded sample of
 *             SCALE_MODE.featureStatsItems items instead of sorting every unseen item per user
 *             and source (ranks within each source's top-N stay exact);
 *   bpr       sparse Adam (only the rows in a batch are updated, as torch.optim.SparseAdam), so
 *             an epoch costs O(interactions) instead of O(batches × (users + items)); at most
 *             SCALE_MODE.bprEpochs epochs, validated every SCALE_MODE.bprEvalEvery;
 *   kg-embed  at most SCALE_MODE.kgEmbedEpochs epochs of SCALE_MODE.kgEmbedPairsPerEpoch sampled
 *             pairs each (and the same share of the triples), patience SCALE_MODE.kgEmbedPatience;
 *   ease      the dense model over the SCALE_MODE.easeMaxItems most interacted items (default 12k);
 *   itemknn   similarities from at most SCALE_MODE.itemknnMaxUserItems sampled items per user;
 *   fit job   the serving snapshot explains a seeded sample of users (jobs/explained-users.ts)
 *             instead of every user, unless --users / --sample choose.
 * Options given explicitly by the caller always win over these defaults.
 */
import { createRng } from '../random';
import type { Interactions } from '../types';

/** A fit context with at least this many user × item cells is fitted in scale mode. */
export const SCALE_MODE_MIN_CELLS = 250_000_000;

export const SCALE_MODE = {
  /** Validation users (seeded sample) that early stopping and tuning score in the fit jobs. */
  validationUsers: 1000,
  /** Validation users (seeded sample) the hybrid's fusion learns on. */
  fusionUsers: 600,
  /** Items (seeded sample) the hybrid's z-score and rank features are computed over, per user and source (exact ranks in each source's top-N). */
  featureStatsItems: 20_000,
  /** An L epoch is ~3,900 Adam steps (S: 40), so few epochs suffice. */
  bprEpochs: 4,
  /** Validate after epochs 2 and 4 only: a validation scores every sampled user against the whole catalog in JavaScript. */
  bprEvalEvery: 2,
  bprPatience: 2,
  kgEmbedEpochs: 4,
  kgEmbedPatience: 2,
  /** kg-embed trains on a fresh sample of this many pairs (and the same share of triples) per epoch. */
  kgEmbedPairsPerEpoch: 1_500_000,
  easeMaxItems: 8000,
  /** itemknn counts co-occurrences over at most this many (seeded random) items per user. */
  itemknnMaxUserItems: 50,
} as const;

/** True when a fit over nUsers × nItems takes the scale-mode choices (see the file header); `minCells` for tests. */
export function isScaleMode(nUsers: number, nItems: number, minCells: number = SCALE_MODE_MIN_CELLS): boolean {
  return nUsers * nItems >= minCells;
}

/**
 * A seeded sample of at most `m` of the distinct values in `users`, ascending. All of them (sorted,
 * deduplicated) when there are no more than `m`.
 */
export function sampleUsers(users: ArrayLike<number>, m: number, seed: number): Int32Array {
  const distinct = Int32Array.from(new Set(Array.from(users))).sort();
  if (distinct.length <= m) return distinct;
  createRng(seed).shuffle(distinct);
  return distinct.slice(0, Math.max(0, m)).sort();
}

/**
 * The users early stopping and tuning score on the validation split: undefined (every user)
 * below the threshold; in scale mode a seeded sample of SCALE_MODE.validationUsers of the users
 * with validation targets.
 */
export function validationUsers(valid: Pick<Interactions, 'user'>, nUsers: number, nItems: number, seed: number): Int32Array | undefined {
  return isScaleMode(nUsers, nItems) ? sampleUsers(valid.user, SCALE_MODE.validationUsers, seed + 11) : undefined;
}
