import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type Api, type ListItemsRequest, type WorkspaceSummary } from '../../main/api';
import { BRIDGE_HOST, startBridge, type Bridge } from '../../main/bridge/server';
import { resolveStaticPath } from '../../main/bridge/static';
import { KnowrecError } from '../../main/core/errors';
import { kgAndRecommendStubs, unusedApiMethods } from '../helpers/api-stubs';

const SUMMARY: WorkspaceSummary = {
  path: '/w/tiny.sqlite',
  dataset: 'tiny',
  users: 2,
  items: 3,
  interactions: 5,
  entities: 4,
  relations: 1,
  triples: 4,
  links: 3,
  schemaVersion: 1,
};
const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';

const listCalls: ListItemsRequest[] = [];
const fakeApi: Api = {
  ...unusedApiMethods(),
  version: async () => ok({ app: 't', api: 1, node: process.versions.node, electron: null, platform: process.platform }),
  workspaceSummary: async () => ok(SUMMARY),
  openWorkspace: async () => {
    throw new Error('store exploded');
  },
  listItems: async (r) => {
    listCalls.push(r);
    return ok({ offset: r.offset, limit: r.limit, total: 3, rows: [{ id: '1', title: 'Toy Story' }] });
  },
  listUsers: async (r) => ok({ offset: r.offset, limit: r.limit, total: 0, rows: [] }),
  ...kgAndRecommendStubs(),
};

let dir: string;
let root: string;
let bridge: Bridge;
let logged: string[];

/** Raw HTTP so that paths reach the server exactly as written (fetch would normalize '..'). */
function raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: BRIDGE_HOST, port: bridge.port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

function callApi(method: string, body: string | undefined, token: string | null = bridge.token) {
  return raw(`/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-bridge-'));
  root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>wb</title><script src="./assets/app.js"></script>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'));
  logged = [];
  bridge = await startBridge({ api: fakeApi, staticDir: root, log: (l) => logged.push(l) });
});

afterAll(async () => {
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('bridge: Api over HTTP', () => {
  it('prints the address with a fresh random token', async () => {
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/);
    expect(logged).toEqual([`Workbench: http://127.0.0.1:${bridge.port}/?token=${bridge.token}`]);
    const other = await startBridge({ api: fakeApi, staticDir: root, log: () => undefined });
    expect(other.token).not.toBe(bridge.token);
    expect(other.port).not.toBe(bridge.port);
    await other.close();
  });

  it('refuses calls without a token, with a wrong token, or without the Bearer scheme (401)', async () => {
    const none = await callApi('workspaceSummary', undefined, null);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(JSON.parse(none.body).error.hint).toContain('?token=');
    const wrong = await callApi('workspaceSummary', undefined, bridge.token.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toContain(String(SUMMARY.interactions) + ',');
    const bare = await raw('/api/workspaceSummary', { method: 'POST', headers: { authorization: bridge.token } });
    expect(bare.status).toBe(401);
    const unknownUnauth = await callApi('nope', undefined, null);
    expect(unknownUnauth.status).toBe(401);
  });

  it('returns the summary from the Api for a valid call', async () => {
    const r = await callApi('workspaceSummary', undefined);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('application/json');
    expect(JSON.parse(r.body)).toEqual({ ok: true, value: SUMMARY });
    const withEmptyObject = await callApi('workspaceSummary', '{}');
    expect(JSON.parse(withEmptyObject.body)).toEqual({ ok: true, value: SUMMARY });
  });

  it('passes the validated JSON body to the method', async () => {
    listCalls.length = 0;
    const r = await callApi('listItems', JSON.stringify({ offset: 20, limit: 10, query: 'toy' }));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).value.rows).toEqual([{ id: '1', title: 'Toy Story' }]);
    expect(listCalls).toEqual([{ offset: 20, limit: 10, query: 'toy' }]);
  });

  it('answers malformed JSON with 400 and a message', async () => {
    for (const body of ['{"offset": 0,', 'not json', '{offset: 1}']) {
      const r = await callApi('listItems', body);
      expect(r.status).toBe(400);
      const parsed = JSON.parse(r.body);
      expect(parsed.ok).toBe(false);
      expect(parsed.error.code).toBe('parse');
      expect(parsed.error.message).toContain('not valid JSON');
    }
  });

  it('answers input that fails validation with 400 naming the field', async () => {
    listCalls.length = 0;
    const r = await callApi('listItems', JSON.stringify({ offset: 0, limit: 100000 }));
    expect(r.status).toBe(400);
    const parsed = JSON.parse(r.body);
    expect(parsed.error.code).toBe('config');
    expect(parsed.error.message).toContain('limit');
    expect(listCalls).toEqual([]);
  });

  it('answers unknown methods with 404', async () => {
    for (const m of ['deleteEverything', '__proto__', 'constructor', 'listItems/extra', '']) {
      const r = await callApi(m, undefined);
      expect(r.status, m).toBe(404);
      expect(JSON.parse(r.body).error.code).toBe('not-found');
    }
  });

  it('refuses other HTTP methods (405) and oversized bodies (413)', async () => {
    const get = await raw('/api/workspaceSummary', { headers: { authorization: `Bearer ${bridge.token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const big = await callApi('listItems', JSON.stringify({ offset: 0, limit: 1, query: 'x'.repeat(2 << 20) }));
    expect(big.status).toBe(413);
  });

  it('returns an exception inside the Api as an error Result and keeps serving', async () => {
    const r = await callApi('openWorkspace', JSON.stringify({ path: '/w/other.sqlite' }));
    expect(r.status).toBe(200);
    const parsed = JSON.parse(r.body);
    expect(parsed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(parsed.error.message).toContain('store exploded');
    const again = await callApi('workspaceSummary', undefined);
    expect(again.status).toBe(200);
  });

  it('refuses WebSocket upgrades without a credential (a token in the URL is none), or to another path, and keeps serving', async () => {
    const ws = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    expect((await raw('/events', { headers: ws })).status).toBe(401);
    expect((await raw('/events?token=wrong', { headers: ws })).status).toBe(401);
    expect((await raw(`/events?token=${bridge.token}`, { headers: ws })).status).toBe(401);
    expect((await raw('/elsewhere', { headers: { ...ws, authorization: `Bearer ${bridge.token}` } })).status).toBe(404);
    const still = await callApi('version', undefined);
    expect(still.status).toBe(200);
  });
});

describe('bridge: binding', () => {
  it('listens on 127.0.0.1 only', () => {
    const addr = bridge.server.address();
    expect(addr).not.toBeNull();
    expect(typeof addr === 'object' && addr !== null ? addr.address : addr).toBe('127.0.0.1');
  });

  it('rejects any other host', async () => {
    await expect(startBridge({ api: fakeApi, staticDir: root, host: '0.0.0.0' as typeof BRIDGE_HOST, log: () => undefined })).rejects.toThrow(KnowrecError);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
  it.skipIf(external === undefined)('is not reachable through a non-loopback address of this machine', async () => {
    const code = await new Promise<string>((resolvePromise) => {
      const s = connect({ host: external?.address, port: bridge.port });
      s.on('connect', () => {
        s.destroy();
        resolvePromise('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolvePromise(e.code ?? 'error'));
    });
    expect(code).toBe('ECONNREFUSED');
  });
});

describe('bridge: static files', () => {
  it('serves the page and its assets without a token, and refuses a wrong one', async () => {
    expect((await raw('/?token=abc')).status).toBe(401);
    const page = await raw('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<title>wb</title>');
    const js = await raw('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.body).toBe('console.log("app")');
    expect((await raw('/assets/missing.js')).status).toBe(404);
    const head = await raw('/assets/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('refuses every way of climbing out of the root', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/%00', '/assets/link.txt']) {
      const r = await raw(path);
      expect([403, 404], path).toContain(r.status);
      expect(r.body, path).not.toContain(SECRET);
    }
  });

  it('resolveStaticPath keeps every result inside the root', () => {
    expect(resolveStaticPath('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(resolveStaticPath('/srv/r', '/assets/a%20b.js')).toBe('/srv/r/assets/a b.js');
    expect(resolveStaticPath('/srv/r', '//etc/passwd')).toBe('/srv/r/etc/passwd');
    expect(resolveStaticPath('/srv/r', '/a/../../x')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/%E0%A4%A')).toBeNull();
  });

  it('says how to build the page when it is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'knowrec-empty-'));
    const b = await startBridge({ api: fakeApi, staticDir: empty, log: () => undefined });
    try {
      const r = await new Promise<{ status: number; body: string }>((resolvePromise, reject) => {
        request({ host: BRIDGE_HOST, port: b.port, path: '/' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }));
        })
          .on('error', reject)
          .end();
      });
      expect(r.status).toBe(503);
      expect(r.body).toContain('npm run build');
    } finally {
      await b.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
