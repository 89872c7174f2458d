/**
 * Whether the serving snapshot was fitted on the workspace's data as it is now (the
 * Recommendations view's `dataMatches`), without loading the data when the workspace knows its
 * hash: recorded at import, or known to differ after a forget (main/core/store/data-stamp.ts).
 * Otherwise (a workspace imported before the hash was recorded, a forget of data whose hash was
 * never known, test fakes) the dataset is loaded and hashed once, and the hash recorded for the
 * next calls and sessions.
 */
import type { ApiContext, Opened } from './context';
import { dataHash } from '../core/data/data-hash';

/** True when `snapshotSha256` (a manifest's data_sha256) is the hash of the workspace's data now. */
export async function snapshotDataMatches(ctx: ApiContext, o: Opened, snapshotSha256: string): Promise<boolean> {
  const known = o.ws.dataHashState?.();
  if (known !== undefined) {
    if (known.sha256 !== null) return known.sha256 === snapshotSha256;
    if (known.differsFrom === snapshotSha256) return false;
  }
  return (await loadedDataHash(ctx, o)) === snapshotSha256;
}

/** dataHash of the loaded dataset (kept per dataset), recorded in the workspace when the data did not change meanwhile. */
async function loadedDataHash(ctx: ApiContext, o: Opened): Promise<string> {
  const ds = await ctx.datasetOf(o);
  if (o.hash === null) {
    o.hash = dataHash(ds);
    // recorded only when the stamp read before the load is still the workspace's (nothing changed since)
    if (o.datasetStamp !== null) o.ws.recordDataHash?.(o.datasetStamp, o.hash);
  }
  return o.hash;
}

/** The imported dataset's name: from the store's meta when it has the catalog reads, else from the loaded dataset. */
export async function datasetNameOf(ctx: ApiContext, o: Opened): Promise<string> {
  return (o.ws.userTopItems !== undefined ? o.ws.getMeta('dataset') : null) ?? (await ctx.datasetOf(o)).name;
}
