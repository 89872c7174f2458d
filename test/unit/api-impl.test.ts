import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_VERSION, createApi, workspacePathFromArgv, type WorkspaceCounts, type WorkspaceLike } from '../../main/api';
import { KnowrecError } from '../../main/core/errors';
import { JobRepository, SCHEMA_VERSION, Workspace, migrate, type KgEditStore, type LabelStore, type RunStore, type UserStore } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';

function counts(items: number): WorkspaceCounts {
  return { dataset: 'tiny', users: 2, items, interactions: 3, entities: 0, relations: 0, triples: 0, links: 0, schemaVersion: 1 };
}

/** A tiny in-memory dataset: items i0..i(n-1) titled "Film k", plus two users. */
function tinyDataset(nItems: number): Dataset {
  const items = Array.from({ length: nItems }, (_, k) => ({ id: `i${k}`, title: k === 3 ? 'Toy Story' : `Film ${k}`, text: {}, attributes: {} }));
  return {
    name: 'tiny',
    userIds: ['u0', 'u1'],
    itemIds: items.map((i) => i.id),
    users: [
      { id: 'u0', attributes: { age: 30 } },
      { id: 'u1', attributes: { age: 41 } },
    ],
    items,
    interactions: { user: new Int32Array(0), item: new Int32Array(0), rating: new Float32Array(0), timestamp: new Float64Array(0) },
    kg: { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) },
    itemEntities: items.map(() => new Int32Array(0)),
  };
}

interface FakeWs extends WorkspaceLike {
  closed: boolean;
  loads: number;
  /** The connection of the jobs table the Api opened, null before. */
  jobsDb: Database.Database | null;
}

/** These tests do not reach the labels, edits, users or runs of a fake workspace. */
function absent(what: string): never {
  throw new Error(`the fake workspace has no ${what}`);
}

function fakeWorkspace(nItems: number): FakeWs {
  const ws: FakeWs = {
    closed: false,
    loads: 0,
    jobsDb: null,
    summary: () => counts(nItems),
    close: () => {
      ws.closed = true;
    },
    loadDataset: async () => {
      ws.loads++;
      return tinyDataset(nItems);
    },
    getMeta: () => null,
    setMeta: () => absent('meta'),
    importReport: () => null,
    get labels(): LabelStore {
      return absent('labels');
    },
    get edits(): KgEditStore {
      return absent('edits');
    },
    get users(): UserStore {
      return absent('users');
    },
    get runs(): RunStore {
      return absent('runs');
    },
    openJobs: () => {
      const db = new Database(':memory:');
      migrate(db, ':memory:');
      ws.jobsDb = db;
      return new JobRepository(db, ':memory:');
    },
  };
  return ws;
}

describe('createApi', () => {
  it('opens the startup workspace once, even for concurrent first calls, with an absolute path', async () => {
    const opened: string[] = [];
    const api = createApi({
      open: async (p) => {
        opened.push(p);
        await new Promise((r) => setTimeout(r, 5));
        return fakeWorkspace(4);
      },
      workspacePath: 'rel/w.sqlite',
      appVersion: '1.2.3',
    });
    const [a, b, c] = await Promise.all([api.workspaceSummary(), api.workspaceSummary(), api.listItems({ offset: 0, limit: 2 })]);
    expect(opened).toEqual([resolve('rel/w.sqlite')]);
    expect(a).toEqual({ ok: true, value: { path: resolve('rel/w.sqlite'), ...counts(4) } });
    expect(b).toEqual(a);
    expect(c.ok && c.value.total).toBe(4);
    expect(api.currentPath()).toBe(resolve('rel/w.sqlite'));
  });

  it('says how to open a workspace when none was given', async () => {
    const api = createApi({ open: () => fakeWorkspace(1), workspacePath: null, appVersion: '1' });
    const r = await api.workspaceSummary();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('not-found');
      expect(r.error.hint).toContain('--workspace');
    }
  });

  it('returns the store error as a value and retries the open on the next call', async () => {
    let attempts = 0;
    const api = createApi({
      open: (p) => {
        attempts++;
        if (attempts === 1) throw new KnowrecError('parse', 'this file is not a SQLite database', { file: p }, 'open a .sqlite workspace file');
        return fakeWorkspace(2);
      },
      workspacePath: '/tmp/broken.sqlite',
      appVersion: '1',
    });
    const first = await api.workspaceSummary();
    expect(first).toEqual({
      ok: false,
      error: { code: 'parse', message: '/tmp/broken.sqlite: this file is not a SQLite database', hint: 'open a .sqlite workspace file' },
    });
    const second = await api.workspaceSummary();
    expect(second.ok && second.value.items).toBe(2);
    expect(attempts).toBe(2);
  });

  it('openWorkspace switches and closes the previous one; a failed open keeps the current one', async () => {
    const made = new Map<string, FakeWs>();
    const api = createApi({
      open: (p) => {
        if (p.endsWith('missing.sqlite')) throw new KnowrecError('not-found', 'no workspace file at this path', { file: p }, 'check the path');
        const ws = fakeWorkspace(p.endsWith('b.sqlite') ? 7 : 3);
        made.set(p, ws);
        return ws;
      },
      workspacePath: '/w/a.sqlite',
      appVersion: '1',
    });
    expect((await api.workspaceSummary()).ok).toBe(true);
    const b = await api.openWorkspace({ path: '/w/b.sqlite' });
    expect(b.ok && b.value).toEqual({ path: '/w/b.sqlite', ...counts(7) });
    expect(made.get('/w/a.sqlite')?.closed).toBe(true);
    const bad = await api.openWorkspace({ path: '/w/missing.sqlite' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('not-found');
    expect(api.currentPath()).toBe('/w/b.sqlite');
    expect(made.get('/w/b.sqlite')?.closed).toBe(false);
    const s = await api.workspaceSummary();
    expect(s.ok && s.value.items).toBe(7);
    api.close();
    expect(made.get('/w/b.sqlite')?.closed).toBe(true);
    const after = await api.workspaceSummary();
    expect(after.ok).toBe(false);
  });

  it('pages and filters items and users from the dataset, loading it once', async () => {
    const ws = fakeWorkspace(10);
    const api = createApi({ open: () => ws, workspacePath: '/w.sqlite', appVersion: '1' });
    const p1 = await api.listItems({ offset: 0, limit: 4 });
    expect(p1).toEqual({
      ok: true,
      value: { offset: 0, limit: 4, total: 10, rows: [{ id: 'i0', title: 'Film 0' }, { id: 'i1', title: 'Film 1' }, { id: 'i2', title: 'Film 2' }, { id: 'i3', title: 'Toy Story' }] },
    });
    const p3 = await api.listItems({ offset: 8, limit: 4 });
    expect(p3.ok && p3.value.rows.map((r) => r.id)).toEqual(['i8', 'i9']);
    const q = await api.listItems({ offset: 0, limit: 50, query: ' toy ' });
    expect(q.ok && q.value).toEqual({ offset: 0, limit: 50, total: 1, rows: [{ id: 'i3', title: 'Toy Story' }] });
    const byId = await api.listItems({ offset: 0, limit: 50, query: 'I7' });
    expect(byId.ok && byId.value.rows).toEqual([{ id: 'i7', title: 'Film 7' }]);
    const users = await api.listUsers({ offset: 1, limit: 5 });
    expect(users.ok && users.value).toEqual({ offset: 1, limit: 5, total: 2, rows: [{ id: 'u1', attributes: { age: 41 } }] });
    expect(ws.loads).toBe(1);
  });

  it('keeps jobs in the workspace\'s jobs table, opened with it and closed with it', async () => {
    const made: FakeWs[] = [];
    const api = createApi({
      open: () => {
        const ws = fakeWorkspace(1);
        made.push(ws);
        return ws;
      },
      workspacePath: '/w/a.sqlite',
      appVersion: '1',
    });
    expect(await api.listJobs()).toEqual({ ok: true, value: [] });
    expect(made[0].jobsDb?.open).toBe(true);
    expect((await api.openWorkspace({ path: '/w/b.sqlite' })).ok).toBe(true);
    expect(made[0].jobsDb?.open).toBe(false);
    expect(made[1].jobsDb?.open).toBe(true);
    api.close();
    expect(made[1].jobsDb?.open).toBe(false);
  });

  it('reports versions of the running process', async () => {
    const api = createApi({ open: () => fakeWorkspace(1), workspacePath: null, appVersion: '9.8.7' });
    expect(await api.version()).toEqual({
      ok: true,
      value: { app: '9.8.7', api: API_VERSION, node: process.versions.node, electron: null, platform: process.platform },
    });
  });
});

describe('createApi over the real store', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('summarizes a fresh workspace file and reports a missing one as not-found', async () => {
    dir = mkdtempSync(join(tmpdir(), 'knowrec-api-'));
    const file = join(dir, 'w.sqlite');
    Workspace.create(file).close();
    const api = createApi({ open: (p) => Workspace.open(p), workspacePath: file, appVersion: '1' });
    const r = await api.workspaceSummary();
    expect(r).toEqual({
      ok: true,
      value: { path: file, dataset: null, users: 0, items: 0, interactions: 0, entities: 0, relations: 0, triples: 0, links: 0, schemaVersion: SCHEMA_VERSION },
    });
    // Listing an empty workspace passes the store's own advice through.
    const items = await api.listItems({ offset: 0, limit: 10 });
    expect(items.ok).toBe(false);
    if (!items.ok) {
      expect(items.error.code).toBe('not-found');
      expect(items.error.hint).toContain('import');
    }
    const missing = await api.openWorkspace({ path: join(dir, 'nope.sqlite') });
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error.code).toBe('not-found');
      expect(missing.error.message).toContain('nope.sqlite');
      expect(missing.error.hint).toBeTruthy();
    }
    api.close();
  });
});

describe('workspacePathFromArgv', () => {
  it('reads --workspace FILE and --workspace=FILE among other arguments', () => {
    expect(workspacePathFromArgv(['/usr/bin/electron', '.', '--workspace', 'a.sqlite'])).toBe('a.sqlite');
    expect(workspacePathFromArgv(['electron', '--inspect', '--workspace=/x/b.sqlite', '--other'])).toBe('/x/b.sqlite');
    expect(workspacePathFromArgv(['electron', '.'])).toBeNull();
    expect(workspacePathFromArgv(['electron', '--workspaces', 'x'])).toBeNull();
  });

  it('fails with a config error when the flag has no value', () => {
    for (const argv of [['e', '--workspace'], ['e', '--workspace='], ['e', '--workspace', '--dev']]) {
      expect(() => workspacePathFromArgv(argv)).toThrow(KnowrecError);
      try {
        workspacePathFromArgv(argv);
      } catch (e) {
        expect((e as KnowrecError).code).toBe('config');
        expect((e as KnowrecError).hint).toContain('--workspace');
      }
    }
  });
});
