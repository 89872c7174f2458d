/**
 * A constructed catalogue for attribution and what-if tests: items 2p and 2p+1 share director p
 * (p < PAIRS); items 2·PAIRS… are solos, each by its own director. Every rating is 5.
 */
import type { Dataset, Interactions } from '../../main/core/types';

export const PAIRS = 4;
export const N_ITEMS = 2 * PAIRS + 3;

/** (user, item) rows as interactions, timestamps in row order. */
export function inter(rows: readonly (readonly [number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: new Float32Array(rows.length).fill(5),
    timestamp: Float64Array.from(rows.map((_, i) => 1000 + i)),
  };
}

export function pairsDataset(nUsers: number, interactions: Interactions): Dataset {
  const entityIds = Array.from({ length: N_ITEMS }, (_, i) => `film:${i}`);
  const head: number[] = [];
  const tail: number[] = [];
  for (let d = 0; d < PAIRS + 3; d++) entityIds.push(`dir:${d}`);
  for (let i = 0; i < N_ITEMS; i++) {
    head.push(i);
    tail.push(N_ITEMS + (i < 2 * PAIRS ? i >> 1 : PAIRS + i - 2 * PAIRS));
  }
  const items = Array.from({ length: N_ITEMS }, (_, i) => ({ id: String(i + 1), title: `Film ${i + 1}`, text: {}, attributes: {} }));
  const userIds = Array.from({ length: nUsers }, (_, u) => `u${u}`);
  return {
    name: 'pairs',
    userIds,
    itemIds: items.map((it) => it.id),
    users: userIds.map((id) => ({ id, attributes: {} })),
    items,
    interactions,
    kg: {
      entityIds,
      entityNames: entityIds.map((e) => e),
      relationNames: ['film.film.directed_by'],
      head: Int32Array.from(head),
      relation: new Int32Array(head.length),
      tail: Int32Array.from(tail),
      derived: new Uint8Array(head.length),
    },
    itemEntities: items.map((_, i) => Int32Array.of(i)),
  };
}
