/**
 * Interaction filters applied before splitting. Each returns new interactions plus a report of
 * exactly what was removed; indices are not re-mapped (users/items that lose all interactions
 * keep their index and are listed in the report).
 */
import { KnowrecError } from '../errors';
import { selectInteractions } from '../matrix';
import type { Interactions } from '../types';
import { checkInteractions } from './split';

export interface RatingFilterReport {
  readonly threshold: number;
  readonly kept: number;
  readonly removed: number;
}

export interface KCoreReport {
  readonly userK: number;
  readonly itemK: number;
  /** Passes that removed at least one interaction (0 when the input already is a k-core). */
  readonly rounds: number;
  readonly kept: number;
  readonly removedInteractions: number;
  /** Users that had interactions before and none after, ascending. */
  readonly removedUsers: Int32Array;
  /** Items that had interactions before and none after, ascending. */
  readonly removedItems: Int32Array;
}

export interface FilterResult<R> {
  readonly interactions: Interactions;
  readonly report: R;
}

/** Keeps interactions with rating ≥ `threshold` (NaN ratings are removed and counted). */
export function filterByRating(x: Interactions, threshold: number): FilterResult<RatingFilterReport> {
  if (!Number.isFinite(threshold)) {
    throw new KnowrecError('config', `Rating threshold must be a finite number, got ${threshold}`, {}, 'e.g. 4 for ml-100k');
  }
  const n = x.user.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (x.rating[i] >= threshold) keep.push(i);
  return {
    interactions: selectInteractions(x, keep),
    report: { threshold, kept: keep.length, removed: n - keep.length },
  };
}

/**
 * Iterative k-core: repeatedly removes every interaction whose user has fewer than `userK` or
 * whose item has fewer than `itemK` interactions (counted as rows, duplicates included) among the
 * remaining ones, until a pass removes nothing. Users and items are checked in the same pass.
 */
export function filterKCore(
  x: Interactions,
  nUsers: number,
  nItems: number,
  k: number | { readonly userK: number; readonly itemK: number },
): FilterResult<KCoreReport> {
  const userK = typeof k === 'number' ? k : k.userK;
  const itemK = typeof k === 'number' ? k : k.itemK;
  for (const [name, v] of [['userK', userK], ['itemK', itemK]] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new KnowrecError('config', `k-core ${name} must be a non-negative integer, got ${v}`, {}, 'e.g. 5 or 10');
    }
  }
  checkInteractions(x, nUsers, nItems);
  const n = x.user.length;
  const alive = new Uint8Array(n).fill(1);
  const uDeg = new Int32Array(nUsers);
  const iDeg = new Int32Array(nItems);
  for (let i = 0; i < n; i++) {
    uDeg[x.user[i]]++;
    iDeg[x.item[i]]++;
  }
  const hadUser = uDeg.map((d) => (d > 0 ? 1 : 0));
  const hadItem = iDeg.map((d) => (d > 0 ? 1 : 0));
  let rounds = 0;
  let kept = n;
  for (;;) {
    const drop: number[] = [];
    for (let i = 0; i < n; i++) {
      if (alive[i] === 1 && (uDeg[x.user[i]] < userK || iDeg[x.item[i]] < itemK)) drop.push(i);
    }
    if (drop.length === 0) break;
    rounds++;
    for (const i of drop) {
      alive[i] = 0;
      uDeg[x.user[i]]--;
      iDeg[x.item[i]]--;
    }
    kept -= drop.length;
  }
  const keep = new Int32Array(kept);
  for (let i = 0, o = 0; i < n; i++) if (alive[i] === 1) keep[o++] = i;
  const removedUsers: number[] = [];
  for (let u = 0; u < nUsers; u++) if (hadUser[u] === 1 && uDeg[u] === 0) removedUsers.push(u);
  const removedItems: number[] = [];
  for (let it = 0; it < nItems; it++) if (hadItem[it] === 1 && iDeg[it] === 0) removedItems.push(it);
  return {
    interactions: selectInteractions(x, keep),
    report: {
      userK,
      itemK,
      rounds,
      kept,
      removedInteractions: n - kept,
      removedUsers: Int32Array.from(removedUsers),
      removedItems: Int32Array.from(removedItems),
    },
  };
}
