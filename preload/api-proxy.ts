/**
 * Builds the Api object the preload exposes as `window.api`: every method forwards its input to
 * the main process over its own IPC channel. Pure (no 'electron' import) so tests can check it.
 * Only TYPES come from main/api.ts: the sandboxed preload bundle must stay free of zod and Node.
 */
import type { Api, ApiInput, ApiMethod, ApiResult } from '../main/api';

/** Same names as `apiChannel` in main/api.ts (test/unit/api-contract.test.ts checks it). */
export function preloadChannel(method: ApiMethod): string {
  return `knowrec:api:${method}`;
}

export type Invoke = (channel: string, input?: unknown) => Promise<unknown>;

export function buildPreloadApi(invoke: Invoke): Api {
  // The main process answers with the method's Result (dispatchApi never throws).
  const call = <M extends ApiMethod>(method: M, input?: ApiInput<M>): Promise<ApiResult<M>> =>
    invoke(preloadChannel(method), input) as Promise<ApiResult<M>>;
  // An object literal typed as Api: a missing or extra method is a compile error.
  const api: Api = {
    version: () => call('version'),
    workspaceSummary: () => call('workspaceSummary'),
    openWorkspace: (request) => call('openWorkspace', request),
    listItems: (request) => call('listItems', request),
    listUsers: (request) => call('listUsers', request),
    kgSearch: (request) => call('kgSearch', request),
    kgSubgraph: (request) => call('kgSubgraph', request),
    kgItem: (request) => call('kgItem', request),
    recommend: (request) => call('recommend', request),
  };
  return Object.freeze(api);
}
