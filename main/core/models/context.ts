/**
 * Building a FitContext from a split (or bare interactions) so that callers and tests do not
 * repeat the boilerplate. The test part of a split is never put into the context.
 */
import { emptyInteractions, toCsr } from '../matrix';
import type { Dataset, FitContext, Interactions, Progress } from '../types';

export interface FitContextInput {
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Interactions;
  readonly valid?: Interactions;
  readonly seed?: number;
  /** The dataset the indices refer to; a placeholder without records is used when absent. */
  readonly dataset?: Dataset;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export function buildFitContext(input: FitContextInput): FitContext {
  const { nUsers, nItems, train } = input;
  return {
    dataset: input.dataset ?? placeholderDataset(nUsers, nItems, train),
    nUsers,
    nItems,
    train,
    trainCsr: toCsr(train, nUsers, nItems),
    valid: input.valid ?? emptyInteractions(),
    seed: input.seed ?? 0,
    signal: input.signal,
    onProgress: input.onProgress,
  };
}

/** A dataset with index-named users and items, no attributes and an empty KG. */
export function placeholderDataset(nUsers: number, nItems: number, interactions: Interactions): Dataset {
  const userIds = Array.from({ length: nUsers }, (_, u) => String(u));
  const itemIds = Array.from({ length: nItems }, (_, i) => String(i));
  return {
    name: 'anonymous',
    userIds,
    itemIds,
    users: userIds.map((id) => ({ id, attributes: {} })),
    items: itemIds.map((id) => ({ id, title: id, text: {}, attributes: {} })),
    interactions,
    kg: {
      entityIds: [],
      entityNames: [],
      relationNames: [],
      head: new Int32Array(0),
      relation: new Int32Array(0),
      tail: new Int32Array(0),
      derived: new Uint8Array(0),
    },
    itemEntities: Array.from({ length: nItems }, () => new Int32Array(0)),
  };
}
