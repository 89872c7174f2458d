/**
 * Who may talk to the bridge. Every request must name the bridge itself in Host (127.0.0.1:PORT
 * exactly: a DNS-rebound name such as evil.example, and `localhost`, get 421); an Origin header,
 * when present, must be the bridge's own origin (403). Api calls and the events WebSocket also
 * need a credential: the session cookie (browsers; then Origin is required too, as browsers always
 * send it on POST and WebSocket handshakes) or `authorization: Bearer TOKEN` (tests, CLI clients).
 * The cookie is set by opening the printed address once: `GET /?token=TOKEN` answers 303 to the
 * same address without the token, so it leaves the address bar and the history.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

/** The policy electron.vite.config.ts puts in the built page's <meta> (a test keeps them equal). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

/** Sent with every response, refusals and the WebSocket handshake included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** The bridge's identity once it listens. */
export interface Gate {
  /** `127.0.0.1:PORT`, the only Host accepted. */
  readonly host: string;
  /** `http://127.0.0.1:PORT`, the only Origin accepted. */
  readonly origin: string;
  readonly token: string;
  /** Per port: cookies are not scoped by port, so two bridges must not share one name. */
  readonly cookieName: string;
}

export interface Refusal {
  readonly status: 401 | 403 | 421;
  /** HTTP reason phrase. */
  readonly reason: string;
  readonly message: string;
  readonly hint: string;
}

export function gateFor(host: string, port: number, token: string): Gate {
  return { host: `${host}:${port}`, origin: `http://${host}:${port}`, token, cookieName: `knowrec_session_${port}` };
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Host and Origin (when present): what every request must pass, the page included. */
export function checkSite(gate: Gate, req: IncomingMessage): Refusal | null {
  if (req.headers.host !== gate.host) {
    return {
      status: 421,
      reason: 'Misdirected Request',
      message: 'This workbench answers only requests addressed to it',
      hint: `open ${gate.origin}/ (the address printed by the workbench), not another host name`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== gate.origin) {
    return { status: 403, reason: 'Forbidden', message: 'Requests from other sites are refused', hint: `use the workbench page at ${gate.origin}/` };
  }
  return null;
}

/** The credential a request carries, if it is valid. */
export function credential(gate: Gate, req: IncomingMessage): 'bearer' | 'cookie' | null {
  const auth = req.headers.authorization;
  if (auth !== undefined && same(auth, `Bearer ${gate.token}`)) return 'bearer';
  const cookies = req.headers.cookie ?? '';
  for (const pair of cookies.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === gate.cookieName && same(pair.slice(eq + 1).trim(), gate.token)) return 'cookie';
  }
  return null;
}

/** Api calls and the WebSocket: the site checks, then a credential; the cookie only with our Origin. */
export function checkCaller(gate: Gate, req: IncomingMessage): Refusal | null {
  const site = checkSite(gate, req);
  if (site !== null) return site;
  const via = credential(gate, req);
  if (via === null) {
    return {
      status: 401,
      reason: 'Unauthorized',
      message: 'Missing or wrong access token',
      hint: 'open the full address printed by the workbench once; it ends with ?token=... and signs this browser in',
    };
  }
  if (via === 'cookie' && req.headers.origin === undefined) {
    return { status: 403, reason: 'Forbidden', message: 'A browser request without an Origin is refused', hint: `use the workbench page at ${gate.origin}/` };
  }
  return null;
}

/**
 * A page request carrying `?token=`: the right token sets the session cookie and redirects (303)
 * to the same path without it; a wrong one gets 401. Returns false (nothing sent) without a token.
 */
export function startSession(gate: Gate, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const raw = req.url ?? '/';
  const at = raw.indexOf('?');
  if (at < 0) return false;
  const query = new URLSearchParams(raw.slice(at + 1));
  const given = query.get('token');
  if (given === null) return false;
  if (!same(given, gate.token)) {
    const body = 'Wrong access token: open the address printed by the running workbench (knowrec serve).';
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  query.delete('token');
  const rest = query.toString();
  // One leading slash only: '//host' in a Location would leave the bridge.
  const path = '/' + raw.slice(0, at).replace(/^[/\\]+/, '');
  res.writeHead(303, {
    location: rest === '' ? path : `${path}?${rest}`,
    'set-cookie': `${gate.cookieName}=${gate.token}; HttpOnly; SameSite=Strict; Path=/`,
    'cache-control': 'no-store',
    'content-length': 0,
  });
  res.end();
  return true;
}
