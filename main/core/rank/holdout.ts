/**
 * An inner holdout carved from the TRAINING interactions, for learning the fusion on more data
 * than the validation split holds (stacking): the sources are refitted on the rest, and the
 * held-out interactions are the fusion's positives. The test split is never involved.
 *
 * Two kinds of held-out interactions:
 *   - pseudo-cold: a seeded share of the items with training interactions is held out entirely
 *     (every interaction of such an item goes to the holdout), so the fusion sees targets that no
 *     source has seen — needed when the real targets are cold items;
 *   - warm: of every user's remaining interactions, ⌊share · n⌋ (at least one when the user has
 *     two or more, never all) chosen at random.
 */
import { KnowrecError } from '../errors';
import { selectInteractions } from '../matrix';
import { createRng } from '../random';
import type { Interactions } from '../types';

export interface HoldoutOptions {
  /** Share of each user's (warm) training interactions held out; in [0, 1). Default 0.1. */
  readonly share?: number;
  /** Share of the items with interactions held out entirely (pseudo-cold); in [0, 1). Default 0. */
  readonly coldItemShare?: number;
  readonly seed: number;
}

export interface Holdout {
  /** Training interactions the inner sources are fitted on. */
  readonly rest: Interactions;
  /** Held-out interactions (the fusion's positives). */
  readonly holdout: Interactions;
  /** The pseudo-cold items (ascending); empty when coldItemShare is 0. */
  readonly coldItems: Int32Array;
}

export const HOLDOUT_DEFAULTS = { share: 0.1, coldItemShare: 0 } as const;

export function carveHoldout(train: Interactions, nUsers: number, nItems: number, opts: HoldoutOptions): Holdout {
  const share = opts.share ?? HOLDOUT_DEFAULTS.share;
  const coldShare = opts.coldItemShare ?? HOLDOUT_DEFAULTS.coldItemShare;
  for (const [name, v] of [['share', share], ['coldItemShare', coldShare]] as const) {
    if (!(v >= 0 && v < 1)) {
      throw new KnowrecError('config', `hybrid inner holdout: ${name} must be in [0, 1), got ${v}`, {}, 'e.g. 0.1');
    }
  }
  const n = train.user.length;
  for (let i = 0; i < n; i++) {
    const u = train.user[i];
    const it = train.item[i];
    if (!(u >= 0 && u < nUsers && it >= 0 && it < nItems)) {
      throw new KnowrecError('validation', `hybrid inner holdout: interaction ${i} (user ${u}, item ${it}) is outside ${nUsers} users × ${nItems} items`, {},
        'pass the training interactions of the same dataset');
    }
  }
  const rng = createRng(opts.seed);
  const held = new Uint8Array(n);
  // pseudo-cold items
  const count = new Int32Array(nItems);
  for (let i = 0; i < n; i++) count[train.item[i]]++;
  const active: number[] = [];
  for (let i = 0; i < nItems; i++) if (count[i] > 0) active.push(i);
  rng.shuffle(active);
  const coldItems = Int32Array.from(active.slice(0, Math.round(coldShare * active.length))).sort();
  const isCold = new Uint8Array(nItems);
  for (const i of coldItems) isCold[i] = 1;
  for (let i = 0; i < n; i++) if (isCold[train.item[i]] === 1) held[i] = 1;
  // warm: per user, among the interactions not already held out
  const byUser: number[][] = Array.from({ length: nUsers }, () => []);
  for (let i = 0; i < n; i++) if (held[i] === 0) byUser[train.user[i]].push(i);
  for (const rows of byUser) {
    if (rows.length < 2 || share === 0) continue;
    rng.shuffle(rows);
    const k = Math.min(rows.length - 1, Math.max(1, Math.floor(share * rows.length)));
    for (let j = 0; j < k; j++) held[rows[j]] = 1;
  }
  const restIdx: number[] = [];
  const holdIdx: number[] = [];
  for (let i = 0; i < n; i++) (held[i] === 1 ? holdIdx : restIdx).push(i);
  return { rest: selectInteractions(train, restIdx), holdout: selectInteractions(train, holdIdx), coldItems };
}

/**
 * Share of the distinct (user, item) targets in `targets` whose item has no interaction in
 * `train`: near 1 when the targets are cold items (the cold-items protocol's validation split).
 */
export function coldTargetShare(train: Interactions, targets: Interactions, nItems: number): number {
  const seen = new Uint8Array(nItems);
  for (let i = 0; i < train.item.length; i++) seen[train.item[i]] = 1;
  const m = targets.item.length;
  if (m === 0) return 0;
  let cold = 0;
  for (let i = 0; i < m; i++) if (seen[targets.item[i]] === 0) cold++;
  return cold / m;
}
