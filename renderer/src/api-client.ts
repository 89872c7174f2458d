/**
 * The renderer's only way to the workbench: `window.api` inside Electron (set by the preload),
 * else the browser bridge over HTTP with the token from the page address (`?token=`).
 * Only TYPES come from main/api.ts, so nothing of the main process lands in this bundle.
 */
import type { Api, ApiError, ApiInput, ApiMethod, ApiResult } from '../../main/api';

declare global {
  interface Window {
    /** Set by preload/index.ts in the desktop app; absent in a browser. */
    api?: Api;
  }
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{
  readonly status: number;
  json(): Promise<unknown>;
}>;

export interface BridgeClientOptions {
  /** Origin of the bridge, e.g. `http://127.0.0.1:5173`; '' for the page's own origin. */
  readonly baseUrl: string;
  /** The access token, null when the page was opened without one. */
  readonly token: string | null;
  readonly fetch: FetchLike;
}

const failure = (error: ApiError): { readonly ok: false; readonly error: ApiError } => ({ ok: false, error });

function isResultShaped(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const r = body as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return 'value' in r;
  return r.ok === false && typeof r.error?.code === 'string' && typeof r.error.message === 'string';
}

/** The Api over the bridge: POST /api/<method> with a JSON body and a bearer token. */
export function createBridgeApi(options: BridgeClientOptions): Api {
  const call = async <M extends ApiMethod>(method: M, input?: ApiInput<M>): Promise<ApiResult<M>> => {
    if (options.token === null || options.token === '') {
      return failure({
        code: 'unauthorized',
        message: 'This page was opened without its access token',
        hint: 'open the full address printed by `knowrec serve`; it ends with ?token=...',
      });
    }
    const url = `${options.baseUrl}/api/${method}`;
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await options.fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        ...(input === undefined ? {} : { body: JSON.stringify(input) }),
      });
    } catch (e) {
      return failure({
        code: 'internal',
        message: `Could not reach the workbench at ${url}: ${e instanceof Error ? e.message : String(e)}`,
        hint: 'check that `knowrec serve` is still running, then reload the page',
      });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (isResultShaped(body)) return body as ApiResult<M>;
    return failure({
      code: 'internal',
      message: `The workbench answered HTTP ${response.status} without a readable result`,
      hint: 'reload the page; if it persists, restart `knowrec serve`',
    });
  };
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
  return api;
}

/** Chooses the transport: the preload's `window.api` when present, else the bridge. */
export function createApiClient(win: Pick<Window, 'api' | 'location' | 'fetch'> = window): Api {
  if (win.api !== undefined) return win.api;
  const page = new URL(win.location.href);
  return createBridgeApi({
    baseUrl: page.origin,
    token: page.searchParams.get('token'),
    fetch: (url, init) => win.fetch(url, init),
  });
}
