/**
 * Whether the serving snapshot was fitted on the workspace's data as it is now (the
 * Recommendations view's `dataMatches`), without loading the data when the workspace knows its
 * hash: recorded at import, or known to differ after a forget (main/core/store/data-stamp.ts).
 * A workspace imported before hashes were recorded has it recorded in a worker, started after it
 * opens or on the first ask (ApiImplOptions.recordDataHash), which the view waits for. Otherwise (no such worker, a forget
 * of data whose hash was never known, test fakes) the dataset is loaded and hashed once, and the
 * hash recorded for the next calls and sessions.
 */
import type { ApiContext, Opened } from './context';
import { dataHash } from '../core/data/data-hash';

/** True when `snapshotSha256` (a manifest's data_sha256) is the hash of the workspace's data now. */
export async function snapshotDataMatches(ctx: ApiContext, o: Opened, snapshotSha256: string): Promise<boolean> {
  const known = await recordedMatch(ctx, o, snapshotSha256);
  return known ?? ((await loadedDataHash(ctx, o)) === snapshotSha256);
}

/** The answer the workspace's recorded hash gives (after the background recording, when one runs), else null. */
async function recordedMatch(ctx: ApiContext, o: Opened, snapshotSha256: string): Promise<boolean | null> {
  const state = o.ws.dataHashState?.bind(o.ws);
  if (state === undefined) return null;
  const answer = (): boolean | null => {
    const s = state();
    return s.sha256 !== null ? s.sha256 === snapshotSha256 : s.differsFrom === snapshotSha256 ? false : null;
  };
  const now = answer();
  if (now !== null) return now;
  const job = ctx.dataHashJob(o);
  if (job === null) return null;
  await job;
  return answer();
}

/** dataHash of the loaded dataset (kept per dataset), recorded in the workspace when the data did not change meanwhile. */
async function loadedDataHash(ctx: ApiContext, o: Opened): Promise<string> {
  const load = ctx.datasetOf(o);
  // the stamp read when this load started: a change meanwhile (changed(o), then a new load) sets another
  const stamp = o.datasetStamp;
  const ds = await load;
  // kept with the load it belongs to (a change clears both): not hashed again
  if (o.dataset === load && o.hash !== null) return o.hash;
  const hash = dataHash(ds);
  if (o.dataset !== load) return hash; // an older load than the kept one: neither kept nor recorded
  o.hash = hash;
  // recorded only when the stamp read before the load is still the workspace's (nothing changed since)
  if (stamp !== null) o.ws.recordDataHash?.(stamp, o.hash);
  return o.hash;
}

/** The imported dataset's name: from the store's meta when it has the catalog reads, else from the loaded dataset. */
export async function datasetNameOf(ctx: ApiContext, o: Opened): Promise<string> {
  return (o.ws.userTopItems !== undefined ? o.ws.getMeta('dataset') : null) ?? (await ctx.datasetOf(o)).name;
}
