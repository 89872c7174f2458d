import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type Api, type ApiEvents, type WorkspaceSummary } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { createApiClient, createBridgeApi, type FetchLike } from '../../renderer/src/api-client';
import { kgAndRecommendStubs, unusedApiMethods } from '../helpers/api-stubs';

const SUMMARY: WorkspaceSummary = {
  path: '/w/c.sqlite',
  dataset: 'client',
  users: 11,
  items: 12,
  interactions: 13,
  entities: 14,
  relations: 15,
  triples: 16,
  links: 17,
  schemaVersion: 2,
};

const served: Api & ApiEvents = {
  ...unusedApiMethods(),
  onEvent: () => () => undefined,
  version: async () => ok({ app: 'c', api: 1, node: 'n', electron: null, platform: 'p' }),
  workspaceSummary: async () => ok(SUMMARY),
  openWorkspace: async (r) => ok({ ...SUMMARY, path: r.path }),
  listItems: async (r) =>
    ok({ offset: r.offset, limit: r.limit, total: 2, rows: [{ id: 'a', title: r.query ?? 'no query' }] }),
  listUsers: async (r) => ok({ offset: r.offset, limit: r.limit, total: 0, rows: [] }),
  ...kgAndRecommendStubs(),
};

let dir: string;
let bridge: Bridge;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-client-'));
  bridge = await startBridge({ api: served, staticDir: dir, log: () => undefined });
});
afterAll(async () => {
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
});

const nodeFetch: FetchLike = (url, init) => fetch(url, init);

describe('renderer Api client over the real bridge', () => {
  it('calls every kind of method end to end', async () => {
    const api = createBridgeApi({ baseUrl: `http://127.0.0.1:${bridge.port}`, token: bridge.token, fetch: nodeFetch });
    expect(await api.workspaceSummary()).toEqual({ ok: true, value: SUMMARY });
    expect(await api.listItems({ offset: 4, limit: 2, query: 'star' })).toEqual({
      ok: true,
      value: { offset: 4, limit: 2, total: 2, rows: [{ id: 'a', title: 'star' }] },
    });
    const opened = await api.openWorkspace({ path: '/elsewhere.sqlite' });
    expect(opened.ok && opened.value.path).toBe('/elsewhere.sqlite');
  });

  it('passes the bridge error Results through (bad input, wrong token)', async () => {
    const api = createBridgeApi({ baseUrl: `http://127.0.0.1:${bridge.port}`, token: bridge.token, fetch: nodeFetch });
    const bad = await api.listItems({ offset: 0, limit: 0 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('limit');
    const stranger = createBridgeApi({ baseUrl: `http://127.0.0.1:${bridge.port}`, token: 'f'.repeat(64), fetch: nodeFetch });
    const denied = await stranger.workspaceSummary();
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.error.code).toBe('unauthorized');
  });

  it('in the page: calls the page origin with no token, the session cookie authenticates', async () => {
    // Open the printed address once, as the browser does: it answers the session cookie.
    const visit = await fetch(bridge.url, { redirect: 'manual' });
    expect(visit.status).toBe(303);
    const cookie = (visit.headers.get('set-cookie') ?? '').split(';')[0];
    const sent: Record<string, string>[] = [];
    const api = createApiClient({
      location: { href: `http://127.0.0.1:${bridge.port}/` } as Location,
      // what a browser adds to a same-origin POST: its cookie and Origin
      fetch: (url, init) => {
        const headers = (init?.headers ?? {}) as Record<string, string>;
        sent.push(headers);
        return fetch(url, { ...init, headers: { ...headers, cookie, origin: bridge.origin } });
      },
    });
    expect(await api.workspaceSummary()).toEqual({ ok: true, value: SUMMARY });
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0]).map((k) => k.toLowerCase())).not.toContain('authorization');
  });

  it('in the page without a session: passes the bridge 401 on, with the advice to open the printed address', async () => {
    const api = createApiClient({ location: { href: `http://127.0.0.1:${bridge.port}/` } as Location, fetch: (url, init) => fetch(url, init) });
    const r = await api.workspaceSummary();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('unauthorized');
      expect(r.error.hint).toContain('?token=');
    }
  });
});

describe('renderer Api client without a bridge', () => {
  it('uses window.api when the preload provided it', () => {
    const api = createApiClient({ api: served, location: { href: 'file:///index.html' } as Location, fetch });
    expect(api).toBe(served);
  });

  it('reports an unreachable bridge and a non-Result reply as errors with advice', async () => {
    const down = createBridgeApi({
      baseUrl: 'http://127.0.0.1:9',
      token: 't',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const r1 = await down.version();
    expect(r1.ok).toBe(false);
    if (!r1.ok) {
      expect(r1.error.message).toContain('fetch failed');
      expect(r1.error.hint).toContain('knowrec serve');
    }
    const garbled = createBridgeApi({
      baseUrl: '',
      token: 't',
      fetch: async () => ({ status: 502, json: async () => ({ hello: 'proxy' }) }),
    });
    const r2 = await garbled.version();
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toContain('502');
  });
});
