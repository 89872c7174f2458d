/**
 * Browser mode: the same Api over HTTP on 127.0.0.1. Who may call is checked in guard.ts: Host
 * must be 127.0.0.1:PORT (else 421), an Origin must be the bridge's own (else 403), and the Api and
 * the events socket need the session cookie (set by opening the printed `/?token=TOKEN` once,
 * which redirects 303 to `/`) or `authorization: Bearer TOKEN`.
 *
 *   GET  /?token=<token> sets the HttpOnly SameSite=Strict session cookie → 303 to the address
 *                        without the token; a wrong token → 401
 *   POST /api/<method>   body: the method's input as JSON (empty for none)
 *                        → 200 with the method's Result (an Api error is still 200, ok:false)
 *                        → 400 malformed JSON or invalid input, 401 no/wrong credential,
 *                          403 foreign Origin (or the cookie without Origin), 404 unknown method,
 *                          405 not POST, 413 body too large, 421 wrong Host
 *   GET  /anything       the built renderer (staticDir), path-traversal safe, no credential
 *
 *   GET  /events         WebSocket (RFC 6455): every ApiEvent as one JSON text frame; same checks
 *                        as the Api → 401, 403, 421; 404 other paths, 400 a malformed handshake
 *
 * Every response carries SECURITY_HEADERS (CSP with frame-ancestors 'none', X-Frame-Options,
 * Referrer-Policy, nosniff). Every Api error body is a Result ({ok:false, error:{code, message,
 * hint}}) a person can act on.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { EVENTS_PATH, type Api, type ApiEvent, type ApiEvents, type Result } from '../api/contract';
import { dispatchApi, type Dispatched } from '../api/dispatch';
import { fail } from '../api/result';
import { KnowrecError } from '../core/errors';
import { checkCaller, checkSite, gateFor, SECURITY_HEADERS, startSession, type Gate, type Refusal } from './guard';
import { BodyTooLarge, rawResponse, readBody, sendJson, sendText } from './http';
import { serveStatic } from './static';
import { acceptUpgrade, handshakeProblem, type WsConnection } from './websocket';

export const BRIDGE_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1 << 20;

export interface BridgeOptions {
  readonly api: Api;
  /** Source of the events pushed over the WebSocket (default: `api` when it has onEvent). */
  readonly events?: ApiEvents;
  /** 0 or absent: a free port chosen by the system. */
  readonly port?: number;
  /** Only the loopback address is accepted; the bridge is never reachable from other machines. */
  readonly host?: typeof BRIDGE_HOST;
  /** Folder of the built renderer, normally `out/renderer`. */
  readonly staticDir: string;
  /** Fixed token (tests); default: 32 random bytes, hex. */
  readonly token?: string;
  /** Where the startup line goes; default console.log. */
  readonly log?: (line: string) => void;
}

export interface Bridge {
  readonly host: typeof BRIDGE_HOST;
  readonly port: number;
  /** `http://127.0.0.1:PORT`: the only Origin the Api and the events socket accept. */
  readonly origin: string;
  readonly token: string;
  /** The address to open once, token included: it sets the session cookie and redirects to `/`. */
  readonly url: string;
  readonly server: Server;
  /** Open event sockets. */
  readonly clients: () => number;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { port, token } = checkOptions(options);
  const server = createServer();
  let known: Gate | null = null;
  // Requests arrive only once the server listens, so the port is known by then.
  const gate = (): Gate => (known ??= gateFor(BRIDGE_HOST, (server.address() as AddressInfo).port, token));
  const events = eventSockets(options.events ?? (hasEvents(options.api) ? options.api : undefined), gate);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(options, gate(), req, res).catch((e: unknown) => {
      // Last line of defence: a handler bug answers 500 and never takes the server down.
      if (!res.headersSent) sendJson(res, 500, fail('internal', `Bridge error: ${e instanceof Error ? e.message : String(e)}`));
      else res.destroy();
    });
  });
  server.on('upgrade', events.upgrade);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end(rawResponse(400, 'Bad Request', 'Bad request', SECURITY_HEADERS));
  });
  await listen(server, port);

  const actualPort = (server.address() as AddressInfo).port;
  const url = `${gate().origin}/?token=${token}`;
  (options.log ?? ((line: string) => console.log(line)))(`Workbench: ${url}`);

  return {
    host: BRIDGE_HOST,
    port: actualPort,
    origin: gate().origin,
    token,
    url,
    server,
    clients: events.count,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        events.close();
        server.close((e) => (e ? reject(e) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}

/** The port and token to use; throws a 'config' KnowrecError for a host, port or token it refuses. */
function checkOptions(options: BridgeOptions): { port: number; token: string } {
  const host: string = options.host ?? BRIDGE_HOST;
  if (host !== BRIDGE_HOST) {
    throw new KnowrecError('config', `the bridge binds only to ${BRIDGE_HOST}, not ${host}`, {}, `omit host or pass ${BRIDGE_HOST}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new KnowrecError('config', `invalid port ${port}`, {}, 'pass a port between 1 and 65535, or 0 for any free port');
  }
  const token = options.token ?? newToken();
  if (token.length < 16) throw new KnowrecError('config', 'the bridge token is too short', {}, 'use at least 16 characters');
  return { port, token };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, BRIDGE_HOST, () => {
      server.off('error', reject);
      resolveListen();
    });
  }).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new KnowrecError('config', `port ${port} is already in use`, {}, 'pass another --port, or 0 for any free port');
    }
    throw e;
  });
}

/** A request target that is not a path (absolute-form, `*`): the bridge is not a proxy. */
const badTarget: Refusal = { status: 421, reason: 'Misdirected Request', message: 'This workbench is not a proxy', hint: 'request a path such as /' };

async function handle(options: BridgeOptions, gate: Gate, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const target = req.url ?? '/';
  const path = target.split('?')[0];
  const isApi = path === '/api' || path.startsWith('/api/');
  const refused = !target.startsWith('/') ? badTarget : isApi ? checkCaller(gate, req) : checkSite(gate, req);
  if (refused !== null) {
    if (isApi) sendJson(res, refused.status, fail('unauthorized', refused.message, refused.hint));
    else sendText(res, refused.status, `${refused.message}: ${refused.hint}.`);
    return;
  }
  if (isApi) await handleApi(options.api, req, res, path.slice('/api/'.length));
  else if (!startSession(gate, req, res)) await serveStatic(options.staticDir, req, res);
}

async function handleApi(api: Api, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendJson(res, 405, fail('config', `Api calls use POST, not ${req.method ?? '?'}`, `POST /api/${method} with a JSON body`));
    return;
  }
  let text: string;
  try {
    text = await readBody(req, MAX_BODY_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLarge) sendJson(res, 413, fail('config', `The request body is larger than ${MAX_BODY_BYTES} bytes`, 'send a smaller request'));
    else sendJson(res, 400, fail('parse', 'The request body could not be read'));
    return;
  }
  const input = parseJson(text);
  if (!input.ok) {
    sendJson(res, 400, input);
    return;
  }
  let methodName: string;
  try {
    methodName = decodeURIComponent(method);
  } catch {
    methodName = method;
  }
  const done: Dispatched = await dispatchApi(api, methodName, input.value);
  const status = done.status === 'unknown-method' ? 404 : done.status === 'invalid-input' ? 400 : 200;
  sendJson(res, status, done.result);
}

interface EventSockets {
  /** The events WebSocket: the caller checks (guard.ts), then the RFC 6455 handshake. */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Open event sockets. */
  readonly count: () => number;
  readonly close: () => void;
}

/** The open event sockets; subscribes to `source` when the first one opens. */
function eventSockets(source: ApiEvents | undefined, gate: () => Gate): EventSockets {
  const sockets = new Set<WsConnection>();
  let unsubscribe: (() => void) | null = null;
  const broadcast = (event: ApiEvent): void => {
    const text = JSON.stringify(event);
    for (const c of sockets) c.sendText(text);
  };
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, reason: string, body: string): void => {
      socket.end(rawResponse(status, reason, body, SECURITY_HEADERS));
    };
    const target = req.url ?? '/';
    const refused = target.startsWith('/') ? checkCaller(gate(), req) : badTarget;
    if (refused !== null) {
      refuse(refused.status, refused.reason, `${refused.message}: ${refused.hint}.`);
      return;
    }
    if (target.split('?')[0] !== EVENTS_PATH) {
      refuse(404, 'Not Found', `No WebSocket here; events are at ${EVENTS_PATH}`);
      return;
    }
    const problem = handshakeProblem(req);
    if (problem !== null) {
      refuse(400, 'Bad Request', `Not a WebSocket handshake: ${problem}`);
      return;
    }
    const c = acceptUpgrade(req, socket, head, (gone) => sockets.delete(gone), SECURITY_HEADERS);
    sockets.add(c);
    if (unsubscribe === null && source !== undefined) unsubscribe = source.onEvent(broadcast);
  };
  return {
    upgrade,
    count: () => sockets.size,
    close: () => {
      unsubscribe?.();
      unsubscribe = null;
      for (const c of [...sockets]) c.destroy();
    },
  };
}

function hasEvents(api: Api): api is Api & ApiEvents {
  return typeof (api as Partial<ApiEvents>).onEvent === 'function';
}

/** Empty body: no input. Anything else must be JSON. */
function parseJson(text: string): Result<unknown> {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return fail('parse', `The request body is not valid JSON: ${(e as Error).message}`, 'send a JSON object such as {"offset": 0, "limit": 50}');
  }
}
