import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../main/core/types';
import { Workspace } from '../../main/core/store';
import { SCHEMA_VERSION } from '../../main/core/store/schema';
import { IMPORT_CACHE_KIB } from '../../main/core/store/dataset-tables';
import { ReportBuilder } from '../../main/core/data/report';
import { failure } from '../helpers/failure';
import { readTables } from '../helpers/read-tables';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `ws${n++}.sqlite`);

/** Two users, three items, a KG where only items 0 and 2 share a director. */
function tiny(name = 'tiny', extraUser = false): Dataset {
  const userIds = extraUser ? ['alice', 'bob', 'carol'] : ['alice', 'bob'];
  return {
    name,
    userIds,
    itemIds: ['i1', 'i2', 'i3'],
    users: userIds.map((id, k) => ({ id, attributes: { age: String(20 + k), tags: ['a', 'b'] } })),
    items: [
      { id: 'i1', title: 'Toy Story (1995)', text: { plot: 'toys' }, attributes: { genres: ['Animation'], year: 1995 } },
      { id: 'i2', title: 'Heat (1995)', text: {}, attributes: {} },
      { id: 'i3', title: "A Bug's Life (1998)", text: {}, attributes: { genres: ['Animation', 'Comedy'] } },
    ],
    interactions: {
      user: Int32Array.of(0, 0, 1, 1),
      item: Int32Array.of(0, 2, 1, 0),
      rating: Float32Array.of(5, 4.5, 3, 1),
      timestamp: Float64Array.of(100, 200, 300, 1.5),
    },
    kg: {
      entityIds: ['m.toy', 'm.lasseter', 'm.bug', 'm.heat', 'm.mann'],
      entityNames: [null, 'John Lasseter', null, null, 'Michael Mann'],
      relationNames: ['directed_by', 'genre'],
      head: Int32Array.of(0, 2, 3),
      relation: Int32Array.of(0, 0, 0),
      tail: Int32Array.of(1, 1, 4),
      derived: Uint8Array.of(0, 0, 1),
    },
    itemEntities: [Int32Array.of(0), Int32Array.of(3), Int32Array.of(2, 1)],
  };
}

describe('Workspace lifecycle', () => {
  it('creates an empty workspace in WAL mode with the current schema and all tables', () => {
    const p = fresh();
    const ws = Workspace.create(p);
    expect(ws.summary()).toEqual({ dataset: null, users: 0, items: 0, interactions: 0, entities: 0, relations: 0, triples: 0, links: 0, schemaVersion: SCHEMA_VERSION });
    const { mode, tables } = readTables(ws.path, (db) => ({
      mode: db.pragma('journal_mode', { simple: true }),
      tables: (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").pluck().all() as string[]).sort(),
    }));
    expect(mode).toBe('wal');
    for (const t of ['items', 'users', 'interactions', 'entities', 'relations', 'triples', 'item_links', 'meta', 'schema_version', 'labels', 'embeddings', 'runs', 'jobs']) {
      expect(tables).toContain(t);
    }
    ws.close();
    expect(failure(() => Workspace.create(p)).code).toBe('config');
  });

  it('open fails clearly for a missing file, a non-SQLite file and a foreign SQLite file', () => {
    expect(failure(() => Workspace.open(join(dir, 'missing.sqlite'))).code).toBe('not-found');
    const txt = join(dir, 'notes.sqlite');
    writeFileSync(txt, 'this is not a database, just some text that is long enough to have a header '.repeat(10));
    const e = failure(() => Workspace.open(txt));
    expect(e.code).toBe('parse');
    expect(e.message).toContain('not a SQLite database');
    const foreign = join(dir, 'foreign.sqlite');
    const db = new Database(foreign);
    db.exec('CREATE TABLE other (x)');
    db.close();
    const e2 = failure(() => Workspace.open(foreign));
    expect(e2.message).toContain('not a KnowRec workspace');
  });

  it('loadDataset before any import says so', () => {
    const ws = Workspace.create(fresh());
    expect(failure(() => ws.loadDataset()).code).toBe('not-found');
    ws.close();
  });
});

describe('import and load', () => {
  it('round-trips a dataset through a closed and reopened file', () => {
    const p = fresh();
    const ws = Workspace.create(p);
    const ds = tiny();
    const report = new ReportBuilder('tiny', '/src').build({ users: 2, items: 3, interactions: 4, entities: 5, relations: 2, triples: 3, links: 4 });
    ws.importDataset(ds, { report });
    ws.close();
    const again = Workspace.open(p);
    expect(again.loadDataset()).toEqual(ds);
    expect(again.summary()).toEqual({ dataset: 'tiny', users: 2, items: 3, interactions: 4, entities: 5, relations: 2, triples: 3, links: 4, schemaVersion: SCHEMA_VERSION });
    expect(again.importReport()).toEqual(report);
    again.close();
  });

  it('a second import replaces the first', () => {
    const ws = Workspace.create(fresh());
    ws.importDataset(tiny('first'));
    const second: Dataset = { ...tiny('second', true), interactions: { user: Int32Array.of(2), item: Int32Array.of(1), rating: Float32Array.of(2), timestamp: Float64Array.of(9) } };
    ws.importDataset(second);
    expect(ws.loadDataset()).toEqual(second);
    expect(ws.summary().interactions).toBe(1);
    ws.close();
  });

  it('reports progress up to 1', () => {
    const ws = Workspace.create(fresh());
    const fractions: number[] = [];
    ws.importDataset(tiny(), { onProgress: (p) => fractions.push(p.fraction ?? -1) });
    expect(fractions[fractions.length - 1]).toBe(1);
    for (let k = 1; k < fractions.length; k++) expect(fractions[k]).toBeGreaterThanOrEqual(fractions[k - 1]);
    ws.close();
  });

  it('a failing or cancelled import leaves the previous content intact', () => {
    const ws = Workspace.create(fresh());
    ws.importDataset(tiny('before'));
    const e = failure(() =>
      ws.importDataset(tiny('after', true), {
        onProgress: (p) => {
          if (p.message === 'triples') throw new Error('disk on fire');
        },
      }),
    );
    expect(e.message).toContain('rolled back');
    const ac = new AbortController();
    const e2 = failure(() =>
      ws.importDataset(tiny('after', true), {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.message === 'interactions') ac.abort();
        },
      }),
    );
    expect(e2.code).toBe('cancelled');
    expect(ws.loadDataset()).toEqual(tiny('before'));
    ws.close();
  });

  it('writes without the secondary indexes and the foreign-key checks, and puts both back, also after a failed import', () => {
    const p = fresh();
    const ws = Workspace.create(p);
    // what the schema made: every index of the workspace (the dataset tables' secondary ones among them)
    const indexes = (): string[] => {
      const db = new Database(p, { readonly: true });
      const rows = db.prepare("SELECT name || ': ' || IFNULL(sql, '(key)') AS x FROM sqlite_master WHERE type = 'index' ORDER BY name").pluck().all() as string[];
      db.close();
      return rows;
    };
    // the workspace's own connection: foreign_keys and cache_size are settings of a connection
    const db = (ws as unknown as { db: Database.Database }).db;
    const cacheBefore = db.pragma('cache_size', { simple: true });
    const tempBefore = db.pragma('temp_store', { simple: true });
    const made = indexes();
    expect(made.filter((x) => /^(interactions|triples|item_links)_/.test(x))).toHaveLength(5);
    let during: string[] = [];
    let settings: unknown[] = [];
    ws.importDataset(tiny(), {
      onProgress: (pr) => {
        if (pr.message !== 'links') return;
        during = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('interactions', 'triples', 'item_links')").pluck().all() as string[];
        settings = [db.pragma('foreign_keys', { simple: true }), db.pragma('cache_size', { simple: true }), db.pragma('temp_store', { simple: true })];
      },
    });
    // dropped while the rows went in, all back after (in a reader's view too: committed)
    expect(during).toEqual([]);
    // (temp_store 2: MEMORY, the index sorts' overflow in memory)
    expect(settings).toEqual([0, -IMPORT_CACHE_KIB, 2]);
    expect(indexes()).toEqual(made);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('cache_size', { simple: true })).toBe(cacheBefore);
    expect(db.pragma('temp_store', { simple: true })).toBe(tempBefore);
    // the queries use them again
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM interactions WHERE item_idx = 1').all() as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' ')).toContain('interactions_item');
    // a failed import rolls the drops back with the rows, and the settings are put back
    failure(() => ws.importDataset(tiny('after', true), { onProgress: (pr) => { if (pr.message === 'triples') throw new Error('disk on fire'); } }));
    expect(indexes()).toEqual(made);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('cache_size', { simple: true })).toBe(cacheBefore);
    expect(db.pragma('temp_store', { simple: true })).toBe(tempBefore);
    // every other write still checks the keys
    expect(() => db.prepare('INSERT INTO interactions (user_idx, item_idx, rating, timestamp) VALUES (9, 0, 1, 1)').run()).toThrow(/FOREIGN KEY/);
    expect(ws.loadDataset()).toEqual(tiny());
    ws.close();
  });

  it('rejects triples and item links whose keys are outside their tables (the import does not ask SQLite to check them)', () => {
    const ws = Workspace.create(fresh());
    const t = tiny();
    const cases: [Dataset, string][] = [
      [{ ...t, kg: { ...t.kg, tail: Int32Array.from(t.kg.tail, (x, k) => (k === 1 ? 5 : x)) } }, 'triple 1 has tail entity index 5'],
      [{ ...t, kg: { ...t.kg, head: Int32Array.from(t.kg.head, (x, k) => (k === 0 ? -1 : x)) } }, 'triple 0 has head entity index -1'],
      [{ ...t, kg: { ...t.kg, relation: Int32Array.from(t.kg.relation, (x, k) => (k === 2 ? 2 : x)) } }, 'triple 2 has relation index 2'],
      [{ ...t, itemEntities: t.itemEntities.map((a, i) => (i === 2 ? Int32Array.of(...a, 9) : a)) }, 'item 2 links to entity index 9'],
    ];
    for (const [bad, msg] of cases) {
      const e = failure(() => ws.importDataset(bad));
      expect(e.code).toBe('validation');
      expect(e.message).toContain(msg);
    }
    expect(ws.summary().items).toBe(0);
    ws.close();
  });

  it('rejects an inconsistent dataset before touching the file', () => {
    const ws = Workspace.create(fresh());
    const bad: Dataset = { ...tiny(), interactions: { ...tiny().interactions, item: Int32Array.of(0, 7, 1, 0) } };
    const e = failure(() => ws.importDataset(bad));
    expect(e.code).toBe('validation');
    expect(e.message).toContain('item index 7');
    expect(ws.summary().items).toBe(0);
    ws.close();
  });

  it('a process killed in the middle of an import leaves the committed content intact', () => {
    const p = fresh();
    const ws = Workspace.create(p);
    ws.importDataset(tiny('committed'));
    ws.close();
    const script = join(dir, 'crash.ts');
    const storeIndex = resolve(__dirname, '../../main/core/store/index.ts');
    writeFileSync(
      script,
      `import { Workspace } from ${JSON.stringify(storeIndex)};
const ws = Workspace.open(${JSON.stringify(p)});
const ds = { name: 'half', userIds: ['x'], itemIds: ['y'], users: [{ id: 'x', attributes: {} }], items: [{ id: 'y', title: '', text: {}, attributes: {} }],
  interactions: { user: Int32Array.of(0), item: Int32Array.of(0), rating: Float32Array.of(1), timestamp: Float64Array.of(0) },
  kg: { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) },
  itemEntities: [new Int32Array(0)] };
ws.importDataset(ds, { onProgress: (pr) => { if (pr.message === 'interactions') process.kill(process.pid, 'SIGKILL'); } });
`,
    );
    const tsx = resolve(__dirname, '../../node_modules/.bin/tsx');
    const r = spawnSync(tsx, [script], { encoding: 'utf8', timeout: 60_000 });
    // tsx runs the script in a child node process and exits 137 when that one is killed
    expect(r.signal === 'SIGKILL' || r.status === 137, r.stderr).toBe(true);
    const again = Workspace.open(p);
    expect(again.loadDataset()).toEqual(tiny('committed'));
    again.close();
  });
});
