/**
 * The workspace: versions, its summary, opening another file, and paged item and user lists
 * (done by the store in SQL, main/core/store/catalog.ts, without loading the dataset; over the
 * loaded dataset only for a workspace without those reads, the tests' fakes).
 */
import { API_VERSION, type ApiGroupMethod, type Api, type ItemRow, type Page, type UserHistory, type UserRow } from '../contract';
import { KnowrecError } from '../../core/errors';
import type { Dataset } from '../../core/types';
import type { ApiSession } from '../context';
import { fail, guard, ok } from '../result';

export function workspaceMethods(session: ApiSession): Pick<Api, ApiGroupMethod<'workspace'>> {
  return {
    version: async () =>
      ok({
        app: session.options.appVersion,
        api: API_VERSION,
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        platform: process.platform,
      }),

    workspaceSummary: () => guard(async () => session.summaryOf(await session.ensureOpen())),

    // Only a path under the allowed roots (resolved with symlinks) is opened; see ../paths.ts.
    openWorkspace: async (request) => {
      if (session.closed) return fail('internal', 'The Api was closed', 'restart the workbench');
      return guard(async () => {
        const o = await session.switchTo(session.allowedPath(request.path));
        const summary = await session.summaryOf(o);
        session.emit({ type: 'workspace', summary });
        return summary;
      });
    },

    listItems: (request) =>
      guard(async () => {
        const o = await session.ensureOpen();
        if (o.ws.itemPage !== undefined) return { offset: request.offset, limit: request.limit, ...o.ws.itemPage(request.offset, request.limit, request.query) };
        const ds = await session.datasetOf(o);
        const needle = request.query?.trim().toLowerCase() ?? '';
        // rows are built for the page only (catalogs of 100k+ items)
        const matches = needle === '' ? null : ds.items.flatMap((it, i) => (it.id.toLowerCase().includes(needle) || it.title.toLowerCase().includes(needle) ? [i] : []));
        const total = matches === null ? ds.items.length : matches.length;
        return pageOf(total, request.offset, request.limit, (j): ItemRow => {
          const it = ds.items[matches === null ? j : matches[j]];
          return { id: it.id, title: it.title };
        });
      }),

    listUsers: (request) =>
      guard(async () => {
        const o = await session.ensureOpen();
        if (o.ws.userPage !== undefined) return { offset: request.offset, limit: request.limit, ...o.ws.userPage(request.offset, request.limit) };
        const ds = await session.datasetOf(o);
        return pageOf(ds.users.length, request.offset, request.limit, (j): UserRow => ({ id: ds.users[j].id, attributes: ds.users[j].attributes }));
      }),

    userHistory: (request) =>
      guard(async () => {
        const o = await session.ensureOpen();
        if (o.ws.userHistory !== undefined) return o.ws.userHistory(request.user, request.limit) ?? unknownUser(request.user);
        return userHistoryOf(await session.datasetOf(o), request.user, request.limit);
      }),
  };
}

/** The user's interactions, highest rating first, then newest, then catalog order. */
export function userHistoryOf(ds: Dataset, user: string, limit: number): UserHistory {
  const u = ds.userIds.indexOf(user);
  if (u < 0) unknownUser(user);
  const { user: col, item, rating, timestamp } = ds.interactions;
  const mine: number[] = [];
  for (let k = 0; k < col.length; k++) if (col[k] === u) mine.push(k);
  mine.sort((a, b) => rating[b] - rating[a] || timestamp[b] - timestamp[a] || item[a] - item[b]);
  return {
    user,
    attributes: ds.users[u].attributes,
    total: mine.length,
    items: mine.slice(0, limit).map((k) => ({ item: ds.itemIds[item[k]], title: ds.items[item[k]].title, rating: rating[k], timestamp: timestamp[k] })),
  };
}

function unknownUser(user: string): never {
  throw new KnowrecError('not-found', `no user with id "${user}" in this workspace`, {}, 'pick a user from the list of users');
}

/** Rows offset..offset+limit of `total`, each made by `row(position)`. */
function pageOf<T>(total: number, offset: number, limit: number, row: (j: number) => T): Page<T> {
  const end = Math.min(total, offset + limit);
  const rows: T[] = [];
  for (let j = offset; j < end; j++) rows.push(row(j));
  return { offset, limit, total, rows };
}
