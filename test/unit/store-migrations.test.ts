import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/core/store';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from '../../main/core/store/schema';
import { failure } from '../helpers/failure';
import { readTables } from '../helpers/read-tables';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tables = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").pluck().all() as string[]);

/** A workspace file as version 1 of the schema wrote it, with one item. */
function versionOneFile(name: string): string {
  const p = join(dir, name);
  const db = new Database(p);
  migrate(db, p, MIGRATIONS.slice(0, 1));
  db.prepare("INSERT INTO items (idx, id, title) VALUES (0, 'i1', 'Toy Story (1995)')").run();
  db.prepare("INSERT INTO meta (key, value) VALUES ('dataset', 'old')").run();
  db.close();
  return p;
}

describe('schema migrations', () => {
  it('the migration list is ordered 1..n and SCHEMA_VERSION is its last version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('opening a version-1 file migrates it and keeps its data', () => {
    const p = versionOneFile('v1.sqlite');
    const before = new Database(p);
    expect(schemaVersion(before)).toBe(1);
    expect(tables(before)).not.toContain('labels');
    before.close();

    const ws = Workspace.open(p);
    expect(ws.schemaVersion).toBe(SCHEMA_VERSION);
    readTables(p, (db) => {
      expect(tables(db)).toEqual(expect.arrayContaining(['labels', 'embeddings', 'runs', 'jobs']));
      expect(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
      expect(db.prepare("SELECT title FROM items WHERE id = 'i1'").pluck().get()).toBe('Toy Story (1995)');
    });
    expect(ws.summary()).toMatchObject({ dataset: 'old', items: 1 });
    ws.close();
  });

  it("version 3 → 4 rebuilds labels for the 'explanation' kind, keeping every row, id and replaced label", () => {
    const p = join(dir, 'v3.sqlite');
    const db = new Database(p);
    migrate(db, p, MIGRATIONS.slice(0, 3));
    const add = db.prepare('INSERT INTO labels (id, kind, user_id, item_id, value, created, model_version, superseded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    add.run(7, 'relevance', 'u1', 'i1', 1, '2026-01-01T00:00:00Z', 'm@1', 1);
    add.run(9, 'relevance', 'u1', 'i1', 0, '2026-01-02T00:00:00Z', null, 0);
    expect(() => add.run(10, 'explanation', 'u1', 'i1', 1, 'x', null, 0)).toThrow(/CHECK/);
    db.close();
    const ws = Workspace.open(p);
    ws.close();
    readTables(p, (d) => {
      expect(schemaVersion(d)).toBe(SCHEMA_VERSION);
      expect(d.prepare('SELECT id, kind, value, model_version, superseded, provenance FROM labels ORDER BY id').all()).toEqual([
        { id: 7, kind: 'relevance', value: 1, model_version: 'm@1', superseded: 1, provenance: null },
        { id: 9, kind: 'relevance', value: 0, model_version: null, superseded: 0, provenance: null },
      ]);
      expect(d.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'labels' ORDER BY name").pluck().all()).toEqual(['labels_kind', 'labels_pair', 'labels_user']);
    });
  });

  it('a failing migration is rolled back entirely', () => {
    const p = versionOneFile('v1-broken.sqlite');
    const broken: Migration = {
      version: MIGRATIONS.length + 1,
      description: 'half-done',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };
    expect(() => Workspace.open(p, { migrations: [...MIGRATIONS, broken] })).toThrow();
    const db = new Database(p);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).not.toContain('half_done');
    expect(tables(db)).not.toContain('labels');
    db.close();
  });

  it('opening a file from a newer version fails clearly', () => {
    const p = join(dir, 'future.sqlite');
    Workspace.create(p).close();
    const db = new Database(p);
    db.prepare("INSERT INTO schema_version (version, description, applied) VALUES (?, 'from the future', 'x')").run(SCHEMA_VERSION + 1);
    db.close();
    const e = failure(() => Workspace.open(p));
    expect(e.code).toBe('validation');
    expect(e.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(e.message).toContain('newer than this KnowRec supports');
    expect(e.message).toContain(p);
  });

  it('an out-of-order migration list is refused', () => {
    const db = new Database(':memory:');
    const e = failure(() => migrate(db, ':memory:', [MIGRATIONS[1]]));
    expect(e.code).toBe('internal');
    db.close();
  });
});
