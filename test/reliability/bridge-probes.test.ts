/**
 * The bridge checks who calls (main/bridge/guard.ts), probed with raw HTTP so that Host, Origin
 * and cookies are exactly what a hostile page or a DNS-rebound name would send: a wrong Host gets
 * 421 on the page, the Api and the WebSocket; a foreign or `null` Origin gets 403; the printed
 * `?token=` address sets an HttpOnly SameSite=Strict cookie and redirects (303) to an address
 * without the token; that cookie alone (with the page's own Origin) then opens the Api and the
 * events socket. Every response carries the security headers.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect as tcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type Api, type ApiEvent, type ApiEvents } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { CONTENT_SECURITY_POLICY } from '../../main/bridge/guard';
import { unusedApiMethods } from '../helpers/api-stubs';

const listeners = new Set<(e: ApiEvent) => void>();
const api: Api & ApiEvents = {
  ...unusedApiMethods(),
  version: async () => ok({ app: 'probe', api: 1, node: 'n', electron: null, platform: 'p' }),
  onEvent: (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The open socket of an accepted WebSocket (101). */
  readonly socket?: Socket;
}

let dir: string;
let bridge: Bridge;
let host: string;
/** Every reply seen, for the header check at the end. */
const seen: { what: string; reply: Reply }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-probes-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>probe</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  bridge = await startBridge({ api, staticDir: dir, log: () => undefined });
  host = `127.0.0.1:${bridge.port}`;
});
afterAll(async () => {
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
});

const WS_HEADERS = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };

/** One request with exactly these headers (Host included: node adds none). */
function probe(path: string, headers: Record<string, string>, init: { method?: string; body?: string } = {}): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method: init.method ?? 'GET', headers, setHost: false, agent: false });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const reply = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
        seen.push({ what: `${init.method ?? 'GET'} ${path} ${JSON.stringify(headers)}`, reply });
        resolvePromise(reply);
      });
    });
    req.on('upgrade', (res, socket: Socket) => {
      const reply = { status: res.statusCode ?? 0, headers: res.headers, body: '', socket };
      seen.push({ what: `upgrade ${path} ${JSON.stringify(headers)}`, reply });
      resolvePromise(reply);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const callApi = (headers: Record<string, string>): Promise<Reply> => probe('/api/version', headers, { method: 'POST' });
const ws = async (headers: Record<string, string>): Promise<number> => {
  const r = await probe('/events', { ...WS_HEADERS, ...headers });
  r.socket?.destroy();
  return r.status;
};
const bearer = (): Record<string, string> => ({ authorization: `Bearer ${bridge.token}` });

/** The session cookie, as the printed address sets it. */
async function sessionCookie(): Promise<string> {
  const r = await probe(`/?token=${bridge.token}`, { host });
  const set = r.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0];
}

/** Raw bytes on a fresh connection; resolves with the whole reply once the server closes. */
function rawExchange(text: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const s = tcp({ host: '127.0.0.1', port: bridge.port }, () => s.write(text));
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
}

describe('bridge probes: Host (DNS rebinding)', () => {
  const wrongHosts = (): string[] => [
    `evil.example:${bridge.port}`,
    'evil.example',
    `localhost:${bridge.port}`,
    '127.0.0.1',
    `127.0.0.1:${bridge.port + 1}`,
    `[::1]:${bridge.port}`,
    `127.0.0.1.nip.io:${bridge.port}`,
    `${host}.`,
  ];

  it('answers 421 on the page, the Api and the WebSocket for any other Host, even with the token', async () => {
    for (const h of wrongHosts()) {
      expect((await probe('/', { host: h })).status, h).toBe(421);
      expect((await probe(`/?token=${bridge.token}`, { host: h })).headers['set-cookie'], h).toBeUndefined();
      expect((await probe('/assets/app.js', { host: h })).status, h).toBe(421);
      const a = await callApi({ host: h, ...bearer() });
      expect(a.status, h).toBe(421);
      expect(a.body, h).not.toContain('probe');
      expect(await ws({ host: h, ...bearer() }), h).toBe(421);
    }
  });

  it('refuses a request without Host, and an absolute-form target naming another host', async () => {
    const noHost = await rawExchange('GET / HTTP/1.0\r\n\r\n');
    expect(noHost).toMatch(/^HTTP\/1\.1 421 /);
    const proxied = await rawExchange(`GET http://evil.example/ HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(proxied).toMatch(/^HTTP\/1\.1 421 /);
  });

  it('accepts its own Host', async () => {
    expect((await probe('/', { host })).status).toBe(200);
    expect((await callApi({ host, ...bearer() })).status).toBe(200);
    expect(await ws({ host, ...bearer() })).toBe(101);
  });
});

describe('bridge probes: Origin (cross-site requests)', () => {
  const foreign = (): string[] => ['http://evil.example', 'null', `http://127.0.0.1:${bridge.port + 1}`, `http://localhost:${bridge.port}`, `https://${host}`, `${bridge.origin}.evil.example`];

  it('refuses a foreign or null Origin on the Api and the WebSocket (403), with the token or the cookie', async () => {
    const cookie = await sessionCookie();
    for (const origin of foreign()) {
      for (const credential of [bearer(), { cookie }]) {
        const a = await callApi({ host, origin, ...credential });
        expect(a.status, origin).toBe(403);
        expect(JSON.parse(a.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
        expect(await ws({ host, origin, ...credential }), origin).toBe(403);
      }
    }
  });

  it('accepts its own Origin', async () => {
    const cookie = await sessionCookie();
    expect((await callApi({ host, origin: bridge.origin, ...bearer() })).status).toBe(200);
    expect((await callApi({ host, origin: bridge.origin, cookie })).status).toBe(200);
    expect(await ws({ host, origin: bridge.origin, cookie })).toBe(101);
  });

  it('refuses the cookie without an Origin (browsers always send one on POST and WebSocket)', async () => {
    const cookie = await sessionCookie();
    expect((await callApi({ host, cookie })).status).toBe(403);
    expect(await ws({ host, cookie })).toBe(403);
  });
});

describe('bridge probes: the token becomes a cookie', () => {
  it('prints the address with the token once', () => {
    expect(bridge.url).toBe(`${bridge.origin}/?token=${bridge.token}`);
  });

  it('answers the printed address with 303, an HttpOnly SameSite=Strict cookie and a Location without the token', async () => {
    const r = await probe(`/?token=${bridge.token}`, { host });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(r.headers['cache-control']).toBe('no-store');
    const set = r.headers['set-cookie'] ?? [];
    expect(set).toHaveLength(1);
    const attrs = set[0].split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(set[0].split(';')[0]).toBe(`knowrec_session_${bridge.port}=${bridge.token}`);
    const other = await probe(`/view?x=1&token=${bridge.token}&y=2`, { host });
    expect(other.status).toBe(303);
    expect(other.headers.location).toBe('/view?x=1&y=2');
  });

  it('never redirects off the bridge', async () => {
    for (const path of ['//evil.example/', '/\\evil.example/', '///evil.example', '/\\/evil.example']) {
      const r = await probe(`${path}?token=${bridge.token}`, { host });
      expect(r.status, path).toBe(303);
      expect(r.headers.location, path).toMatch(/^\/[^/\\]/);
      expect(r.headers.location).not.toContain(bridge.token);
    }
  });

  it('answers a wrong token with 401 and no cookie', async () => {
    for (const token of ['wrong', '0'.repeat(bridge.token.length), bridge.token.slice(1), '']) {
      const r = await probe(`/?token=${token}`, { host });
      expect(r.status, token).toBe(401);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses the Api and the WebSocket without a valid token or cookie (401)', async () => {
    const own = { host, origin: bridge.origin };
    const wrong: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${'0'.repeat(bridge.token.length)}` },
      { authorization: bridge.token },
      { cookie: `knowrec_session_${bridge.port}=${'0'.repeat(bridge.token.length)}` },
      { cookie: `knowrec_session_${bridge.port + 1}=${bridge.token}` },
      { cookie: `token=${bridge.token}` },
    ];
    for (const credential of wrong) {
      const a = await callApi({ ...own, ...credential });
      expect(a.status, JSON.stringify(credential)).toBe(401);
      expect(JSON.parse(a.body).error.hint).toContain('?token=');
      expect(await ws({ ...own, ...credential }), JSON.stringify(credential)).toBe(401);
    }
    // the token in a URL is not a credential for the Api or the socket
    expect((await probe(`/api/version?token=${bridge.token}`, own, { method: 'POST' })).status).toBe(401);
    const r = await probe(`/events?token=${bridge.token}`, { ...own, ...WS_HEADERS });
    expect(r.status).toBe(401);
  });

  it('then the cookie alone opens the Api and the events socket', async () => {
    const cookie = await sessionCookie();
    const own = { host, origin: bridge.origin };
    const a = await callApi({ ...own, cookie: `other=1; ${cookie}; more=2` });
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toMatchObject({ ok: true, value: { app: 'probe' } });
    const w = await probe('/events', { ...own, ...WS_HEADERS, cookie });
    expect(w.status).toBe(101);
    const socket = w.socket as Socket;
    const frame = new Promise<Buffer>((r) => socket.once('data', (c: Buffer) => r(c)));
    for (let i = 0; i < 100 && listeners.size === 0; i++) await new Promise((r) => setTimeout(r, 5));
    for (const l of listeners) l({ type: 'job', job: null } as unknown as ApiEvent);
    const got = await frame;
    expect(got[0] & 0x0f).toBe(0x1);
    expect(JSON.parse(got.subarray(2, 2 + (got[1] & 0x7f)).toString('utf8'))).toEqual({ type: 'job', job: null });
    socket.destroy();
  });
});

describe('bridge probes: headers', () => {
  it('sends the built page policy (plus frame-ancestors) as a header', () => {
    const config = readFileSync(resolve(__dirname, '..', '..', 'electron.vite.config.ts'), 'utf8');
    expect(config).toContain(`"${CONTENT_SECURITY_POLICY}"`);
  });

  it('puts the security headers on every response seen, refusals and the WebSocket included', async () => {
    // a malformed request too (answered outside the http handler)
    const bad = await rawExchange('NOT HTTP\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    const badHead = bad.toLowerCase();
    const notFound = await probe('/nothing.js', { host });
    expect(notFound.status).toBe(404);
    const badApi = await probe('/api/nope', { host, ...bearer() }, { method: 'POST', body: '{' });
    expect(badApi.status).toBe(400);

    expect(seen.length).toBeGreaterThan(80);
    const statuses = new Set(seen.map((s) => s.reply.status));
    for (const s of [101, 200, 303, 400, 401, 403, 404, 421]) expect(statuses).toContain(s);
    for (const { what, reply } of seen) {
      expect(reply.headers['content-security-policy'], what).toBe(`${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
      expect(reply.headers['x-frame-options'], what).toBe('DENY');
      expect(reply.headers['referrer-policy'], what).toBe('no-referrer');
      expect(reply.headers['x-content-type-options'], what).toBe('nosniff');
      if (what.includes(' /api/')) expect(reply.headers['cache-control'], what).toBe('no-store');
    }
    for (const h of ["content-security-policy: default-src 'self'", 'x-frame-options: deny', 'referrer-policy: no-referrer', 'x-content-type-options: nosniff']) {
      expect(badHead).toContain(h);
    }
  });
});
