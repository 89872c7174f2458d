/**
 * Forgetting a user (main/jobs/forget.ts): every row the workspace holds about them goes, the
 * freed space is overwritten and the WAL emptied (main/core/store/privacy.ts); their entry
 * leaves the dataset's serving snapshots (the Api's model folder and those fitted from the
 * workspace), which are marked stale, and the dataset's adapter versions are marked stale. The
 * cached dataset and snapshot are dropped and a 'workspace' event tells the views to reload.
 */
import type { Api, ApiGroupMethod } from '../contract';
import { type ApiContext } from '../context';
import { guard } from '../result';
import { KnowrecError } from '../../core/errors';
import type { PseudonymKey, UserStore } from '../../core/store';
import { forgetUserEverywhere } from '../../jobs/forget';

/**
 * Gives the users store the app's key when there is one; without it (none, or unreadable) the
 * stored ids still work and an original id fails saying the key is needed.
 */
function useKeyIfAny(ctx: ApiContext, users: UserStore): void {
  let key: PseudonymKey | undefined;
  try {
    key = ctx.options.pseudonymKey?.(false);
  } catch {
    return;
  }
  if (key !== undefined) users.useKey(key);
}

export function privacyMethods(ctx: ApiContext): Pick<Api, ApiGroupMethod<'privacy'>> {
  return {
    forgetUser: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const runner = o.runner;
        if (runner !== null && runner.busy()) {
          throw new KnowrecError('config', 'a job is queued or running on this workspace', { file: o.path }, 'wait for it to finish (or cancel it), then forget the user');
        }
        if (o.ws.users.isPseudonymized()) useKeyIfAny(ctx, o.ws.users);
        const dataset = o.ws.getMeta('dataset');
        const r = forgetUserEverywhere({ users: o.ws.users, getMeta: (k) => o.ws.getMeta(k), path: o.path }, request.user, {
          modelDirs: dataset === null ? [] : [ctx.modelDirFor(dataset)],
          adapterRoots: dataset === null ? [] : [ctx.adapterRootFor(dataset)],
        });
        await ctx.changed(o);
        return { user: r.user, removed: { ...r.removed }, compacted: r.compacted, stale: [...r.stale] };
      }),
  };
}
