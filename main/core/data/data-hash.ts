/**
 * A content hash of a dataset's interactions and id counts: a serving snapshot records the hash
 * of the data it was fitted on (manifest `data_sha256`), and readers compare it with the hash of
 * the data they hold. The workspace records the hash of its stored data at import
 * (main/core/store/data-stamp.ts), so readers need not load 10M interactions to know it.
 */
import { createHash } from 'node:crypto';
import type { Dataset } from '../types';

/** SHA-256 of the name, the user and item counts and the four interaction columns (in order). */
export function dataHash(d: Pick<Dataset, 'name' | 'userIds' | 'itemIds' | 'interactions'>): string {
  const h = createHash('sha256');
  h.update(d.name);
  h.update(JSON.stringify([d.userIds.length, d.itemIds.length]));
  for (const a of [d.interactions.user, d.interactions.item, d.interactions.rating, d.interactions.timestamp]) {
    h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
}
