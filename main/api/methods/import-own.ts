/**
 * Api methods for an analyst's own files (jobs group): previewImport reads the first rows and
 * infers the mapping (nothing is written); startImportOwn queues an import job. Every path must
 * lie under the allowed roots (a KG folder stands for its files); the job gets the resolved
 * paths, checked here.
 */
import { existsSync, statSync } from 'node:fs';
import type { Api } from '../contract';
import type { ApiContext } from '../context';
import { folderName } from '../paths';
import type { PreviewImportRequest } from '../requests';
import { guard } from '../result';
import { previewOwnFiles } from '../../core/data';
import { KnowrecError } from '../../core/errors';
import { expandKgPaths } from '../../jobs/kg-import';

type OwnMethods = Pick<Api, 'previewImport' | 'startImportOwn'>;

/** The request with every path resolved and checked (allowed, an existing file). */
function checkedFiles<R extends PreviewImportRequest>(ctx: ApiContext, r: R): R {
  const file = (p: string, what: string): string => {
    const abs = ctx.allowedPath(p);
    if (!existsSync(abs) || !statSync(abs).isFile()) throw new KnowrecError('not-found', `no ${what} file at this path`, { file: abs }, 'check the path');
    return abs;
  };
  return {
    ...r,
    interactions: file(r.interactions, 'interactions'),
    ...(r.items === undefined ? {} : { items: file(r.items, 'items') }),
    ...(r.links === undefined ? {} : { links: file(r.links, 'links') }),
    ...(r.kg === undefined ? {} : { kg: expandKgPaths(r.kg.map((k) => ctx.allowedPath(k))).map((k) => file(k, 'KG')) }),
  };
}

export function importOwnMethods(ctx: ApiContext): OwnMethods {
  return {
    previewImport: (request) =>
      guard(async () => {
        const r = checkedFiles(ctx, request);
        return previewOwnFiles(r, r.mapping);
      }),

    startImportOwn: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const checked = checkedFiles(ctx, request);
        if (request.name !== undefined) folderName(request.name);
        const key = request.pseudonymize === true || o.ws.users.isPseudonymized() ? ctx.options.pseudonymKey?.(request.pseudonymize === true) : undefined;
        const pseudonymKey = key?.bytes.toString('hex');
        return ctx.runner(o).submit((id) => ({ id, kind: 'import', workspace: o.path, request: checked, ...(pseudonymKey === undefined ? {} : { pseudonymKey }) }));
      }),
  };
}
