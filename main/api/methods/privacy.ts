/**
 * Forgetting a user: every row the workspace holds about them (interactions, labels, cached
 * vectors, the user) goes in one transaction (main/core/store/privacy.ts); the cached dataset is
 * dropped and a 'workspace' event tells the views to reload. The next fit no longer sees them.
 */
import type { Api, ApiGroupMethod } from '../contract';
import { type ApiContext } from '../context';
import { guard } from '../result';
import { KnowrecError } from '../../core/errors';

export function privacyMethods(ctx: ApiContext): Pick<Api, ApiGroupMethod<'privacy'>> {
  return {
    forgetUser: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const runner = o.runner;
        if (runner !== null && runner.busy()) {
          throw new KnowrecError('config', 'a job is queued or running on this workspace', { file: o.path }, 'wait for it to finish (or cancel it), then forget the user');
        }
        const report = o.ws.users.forget(request.user);
        await ctx.changed(o);
        return { user: report.user, removed: { ...report.removed } };
      }),
  };
}
