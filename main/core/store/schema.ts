/**
 * Workspace schema as an ordered list of migrations. A workspace records every migration it
 * has applied in `schema_version`; opening an older file applies the missing ones in one
 * transaction; opening a file newer than this code fails with a clear message.
 * To change the schema, append a migration (never edit an applied one).
 */
import type Database from 'better-sqlite3';
import { KnowrecError } from '../errors';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'dataset tables: items, users, interactions, entities, relations, triples, item_links, meta',
    up: (db) => {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE items (
          idx INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          title TEXT NOT NULL DEFAULT '',
          text TEXT NOT NULL DEFAULT '{}',        -- JSON object: field → free text
          attributes TEXT NOT NULL DEFAULT '{}'   -- JSON object: column → string | number | string[]
        );
        CREATE TABLE users (
          idx INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          attributes TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE interactions (
          user_idx INTEGER NOT NULL REFERENCES users(idx),
          item_idx INTEGER NOT NULL REFERENCES items(idx),
          rating REAL NOT NULL,
          timestamp REAL NOT NULL
        );
        CREATE INDEX interactions_user ON interactions(user_idx, item_idx);
        CREATE INDEX interactions_item ON interactions(item_idx);
        CREATE TABLE entities (idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT);
        CREATE TABLE relations (idx INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE triples (
          head INTEGER NOT NULL REFERENCES entities(idx),
          relation INTEGER NOT NULL REFERENCES relations(idx),
          tail INTEGER NOT NULL REFERENCES entities(idx),
          derived INTEGER NOT NULL DEFAULT 0 CHECK (derived IN (0, 1)),
          UNIQUE (head, relation, tail)
        );
        CREATE INDEX triples_tail ON triples(tail);
        CREATE INDEX triples_relation ON triples(relation);
        CREATE TABLE item_links (
          item_idx INTEGER NOT NULL REFERENCES items(idx),
          entity_idx INTEGER NOT NULL REFERENCES entities(idx),
          PRIMARY KEY (item_idx, entity_idx)
        );
        CREATE INDEX item_links_entity ON item_links(entity_idx);
      `);
    },
  },
  {
    version: 2,
    description: 'work tables: labels, embeddings cache, runs, jobs',
    up: (db) => {
      db.exec(`
        -- labels refer to string ids, so they survive a re-import of the dataset
        CREATE TABLE labels (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('relevance', 'fact')),
          user_id TEXT,
          item_id TEXT,
          head_id TEXT,
          relation TEXT,
          tail_id TEXT,
          value REAL NOT NULL,
          author TEXT,
          note TEXT,
          created TEXT NOT NULL
        );
        CREATE INDEX labels_kind ON labels(kind);
        CREATE TABLE embeddings (
          model_id TEXT NOT NULL,
          text_hash TEXT NOT NULL,
          dim INTEGER NOT NULL,
          vector BLOB NOT NULL,                   -- float32 little-endian, dim values
          PRIMARY KEY (model_id, text_hash)
        ) WITHOUT ROWID;
        CREATE TABLE runs (id TEXT PRIMARY KEY, created TEXT NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL);
        CREATE TABLE jobs (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          state TEXT NOT NULL,                    -- queued | running | done | failed | cancelled
          created TEXT NOT NULL,
          updated TEXT NOT NULL,
          progress REAL,
          json TEXT NOT NULL DEFAULT '{}'
        );
      `);
    },
  },
  {
    version: 3,
    description: 'labels keep the proposing model version and their replaced history; kg_edits; embedding_owners',
    up: (db) => {
      db.exec(`
        ALTER TABLE labels ADD COLUMN model_version TEXT;
        -- 1 once a newer label of the same pair replaced it (kept so that undo can restore it)
        ALTER TABLE labels ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1));
        CREATE INDEX labels_user ON labels(user_id);
        CREATE INDEX labels_pair ON labels(kind, user_id, item_id, head_id, relation, tail_id);
        -- KG edits by analysts, replayed in id order over the imported KG by loadDataset();
        -- ends are entity ids (an end given as an item id is resolved to its linked entity and
        -- the item id is kept in head_item / tail_item)
        CREATE TABLE kg_edits (
          id INTEGER PRIMARY KEY,
          op TEXT NOT NULL CHECK (op IN ('add', 'remove')),
          head_id TEXT NOT NULL,
          relation TEXT NOT NULL,
          tail_id TEXT NOT NULL,
          head_name TEXT,
          tail_name TEXT,
          head_item TEXT,
          tail_item TEXT,
          author TEXT NOT NULL,
          created TEXT NOT NULL,
          undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
          undone_at TEXT
        );
        -- which user a cached vector (a user sentence) belongs to, so forgetting a user can drop it
        CREATE TABLE IF NOT EXISTS embedding_owners (
          model_id TEXT NOT NULL,
          text_hash TEXT NOT NULL,
          user_id TEXT NOT NULL,
          PRIMARY KEY (model_id, text_hash, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS embedding_owners_user ON embedding_owners(user_id);
      `);
    },
  },
  {
    version: 4,
    description: "labels of kind 'explanation' (an analyst accepts or rejects an explanation) with its provenance",
    up: (db) => {
      // SQLite cannot change a CHECK constraint in place: the table is rebuilt, rows and ids kept
      db.exec(`
        CREATE TABLE labels_v4 (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('relevance', 'fact', 'explanation')),
          user_id TEXT,
          item_id TEXT,
          head_id TEXT,
          relation TEXT,
          tail_id TEXT,
          value REAL NOT NULL,
          author TEXT,
          note TEXT,
          created TEXT NOT NULL,
          model_version TEXT,
          superseded INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
          -- explanation labels: JSON {history: [item ids], facts: [text], ties: [{item, relation, entity}], reason}
          provenance TEXT
        );
        INSERT INTO labels_v4 (id, kind, user_id, item_id, head_id, relation, tail_id, value, author, note, created, model_version, superseded)
          SELECT id, kind, user_id, item_id, head_id, relation, tail_id, value, author, note, created, model_version, superseded FROM labels;
        DROP TABLE labels;
        ALTER TABLE labels_v4 RENAME TO labels;
        CREATE INDEX labels_kind ON labels(kind);
        CREATE INDEX labels_user ON labels(user_id);
        CREATE INDEX labels_pair ON labels(kind, user_id, item_id, head_id, relation, tail_id);
      `);
    },
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Applied schema version; 0 for a database without a schema_version table. */
export function schemaVersion(db: Database.Database): number {
  const t = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (t === undefined) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Brings `db` up to the last migration in one transaction. Returns the versions before and
 * after. `file` is only used in messages.
 */
export function migrate(
  db: Database.Database,
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new KnowrecError('internal', `migration list out of order at version ${m.version}`);
  });
  const latest = migrations.length;
  const from = schemaVersion(db);
  if (from === 0) {
    const tables = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) {
      throw new KnowrecError(
        'validation',
        'this SQLite file is not a KnowRec workspace (it has tables but no schema_version)',
        { file },
        'open a workspace file, or create a new one at another path',
      );
    }
  }
  if (from > latest) {
    throw new KnowrecError(
      'validation',
      `the workspace has schema version ${from}, newer than this KnowRec supports (${latest})`,
      { file },
      'update KnowRec to open it; older versions cannot read newer workspaces',
    );
  }
  if (from === latest) return { from, to: latest };
  db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied TEXT NOT NULL)',
    );
    const record = db.prepare('INSERT INTO schema_version (version, description, applied) VALUES (?, ?, ?)');
    for (const m of migrations.slice(from)) {
      m.up(db);
      record.run(m.version, m.description, new Date().toISOString());
    }
  })();
  return { from, to: latest };
}
