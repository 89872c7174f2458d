/**
 * The renderer's only way to the workbench: `window.api` inside Electron (set by the preload),
 * else the browser bridge over HTTP. In the page the bridge's HttpOnly session cookie
 * authenticates (set when the printed `?token=` address was opened; same-origin fetch and the
 * WebSocket handshake send it): the page never sees the token.
 * It imports only main/api/contract.ts (zod-free: types, the method names, the events path), so
 * nothing of the main process lands in this bundle.
 */
import { buildApiProxy, EVENTS_PATH, type Api, type ApiError, type ApiEvent, type ApiEvents, type ApiInput, type ApiMethod, type ApiResult, type FileChooser } from '../../main/api/contract';

declare global {
  interface Window {
    /** Set by preload/index.ts in the desktop app; absent in a browser. */
    api?: Api & ApiEvents;
    /** The OS file dialog, set by preload/index.ts in the desktop app; absent in a browser (the path fields stay). */
    files?: FileChooser;
  }
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{
  readonly status: number;
  json(): Promise<unknown>;
}>;

export interface BridgeClientOptions {
  /** Origin of the bridge, e.g. `http://127.0.0.1:5173`; '' for the page's own origin. */
  readonly baseUrl: string;
  /** Outside a browser (tests, CLI): sent as `authorization: Bearer`. In the page: absent (the cookie). */
  readonly token?: string;
  readonly fetch: FetchLike;
}

const failure = (error: ApiError): { readonly ok: false; readonly error: ApiError } => ({ ok: false, error });

function isResultShaped(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const r = body as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return 'value' in r;
  return r.ok === false && typeof r.error?.code === 'string' && typeof r.error.message === 'string';
}

/**
 * The Api over the bridge: POST /api/<method> with a JSON body; the bridge's 401 (no session yet)
 * comes back as its Result, which says to open the printed address.
 */
export function createBridgeApi(options: BridgeClientOptions): Api {
  const auth: Record<string, string> = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  const call = async <M extends ApiMethod>(method: M, input?: ApiInput<M>): Promise<ApiResult<M>> => {
    const url = `${options.baseUrl}/api/${method}`;
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await options.fetch(url, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
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
  return buildApiProxy((method, input) => call(method, input as ApiInput<typeof method>));
}

/** Minimal WebSocket surface the events client needs (the browser's WebSocket satisfies it). */
export interface SocketLike {
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

export interface BridgeEventsOptions {
  readonly baseUrl: string;
  readonly connect: (url: string) => SocketLike;
  /** Delay before reconnecting after the socket closes (ms); default 1000. */
  readonly retryMs?: number;
}

/**
 * Events over the bridge's WebSocket (`/events`, authenticated by the session cookie): one socket shared by all listeners,
 * opened on the first subscription, reconnected after a drop, closed when the last one leaves.
 */
export function createBridgeEvents(options: BridgeEventsOptions): ApiEvents {
  const listeners = new Set<(event: ApiEvent) => void>();
  let socket: SocketLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const wsUrl = `${options.baseUrl.replace(/^http/, 'ws')}${EVENTS_PATH}`;
  const open = (): void => {
    if (socket !== null) return;
    const s = options.connect(wsUrl);
    socket = s;
    s.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let event: ApiEvent;
      try {
        event = JSON.parse(ev.data) as ApiEvent;
      } catch {
        return;
      }
      for (const l of [...listeners]) l(event);
    };
    s.onclose = () => {
      socket = null;
      if (listeners.size > 0 && timer === null) {
        timer = setTimeout(() => {
          timer = null;
          if (listeners.size > 0) open();
        }, options.retryMs ?? 1000);
      }
    };
    s.onerror = () => undefined;
  };
  return {
    onEvent: (listener) => {
      listeners.add(listener);
      open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          if (timer !== null) clearTimeout(timer);
          timer = null;
          const s = socket;
          socket = null;
          if (s !== null) {
            s.onclose = null;
            s.close();
          }
        }
      };
    },
  };
}

/** Chooses the transport: the preload's `window.api` when present, else the bridge. */
export function createApiClient(win: Pick<Window, 'api' | 'location' | 'fetch'> & { readonly WebSocket?: unknown } = window): Api & ApiEvents {
  if (win.api !== undefined) return win.api;
  const page = new URL(win.location.href);
  const api = createBridgeApi({ baseUrl: page.origin, fetch: (url, init) => win.fetch(url, init) });
  // The DOM WebSocket satisfies SocketLike (its handlers take wider events than we read).
  const Ws = win.WebSocket as (new (url: string) => SocketLike) | undefined;
  const events: ApiEvents =
    Ws === undefined ? { onEvent: () => () => undefined } : createBridgeEvents({ baseUrl: page.origin, connect: (url) => new Ws(url) });
  return { ...api, onEvent: events.onEvent };
}
