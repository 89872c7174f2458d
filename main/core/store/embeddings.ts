/**
 * The workspace's embeddings cache: the `embeddings` table (model_id, text_hash, dim, vector
 * BLOB of little-endian float32) and `embedding_owners` (which user a cached user sentence
 * belongs to, so that forgetting the user drops the vector). Creates both tables if missing,
 * so it also serves a bare database (tests).
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { CacheEntry, CacheOwner, EmbeddingCache } from '../encode/cache';
import { KnowrecError } from '../errors';
import type { Db } from './database';

const SQL_CHUNK = 500;

type VectorRow = { text_hash: string; dim: number; vector: Buffer };

export class SqliteEmbeddingCache implements EmbeddingCache {
  private readonly insert: Database.Statement<[string, string, number, Buffer]>;
  private readonly insertOwner: Database.Statement<[string, string, string]>;
  private readonly selectCache = new Map<number, Database.Statement<string[], VectorRow>>();

  /** `owned`: close() closes `db` (a connection opened for this cache alone). */
  constructor(
    private readonly db: Db,
    private readonly owned = false,
  ) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS embeddings(model_id TEXT, text_hash TEXT, dim INTEGER, vector BLOB, PRIMARY KEY(model_id, text_hash))',
    );
    this.insert = db.prepare('INSERT OR REPLACE INTO embeddings(model_id, text_hash, dim, vector) VALUES (?, ?, ?, ?)');
    db.exec(
      'CREATE TABLE IF NOT EXISTS embedding_owners(model_id TEXT NOT NULL, text_hash TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY(model_id, text_hash, user_id)) WITHOUT ROWID',
    );
    this.insertOwner = db.prepare('INSERT OR IGNORE INTO embedding_owners(model_id, text_hash, user_id) VALUES (?, ?, ?)');
  }

  /** A cache on its own connection to the workspace file at `path` (WAL mode). */
  static open(path: string): SqliteEmbeddingCache {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('secure_delete = ON');
    return new SqliteEmbeddingCache(db, true);
  }

  recordOwners(modelId: string, owners: readonly CacheOwner[]): void {
    const tx = this.db.transaction((list: readonly CacheOwner[]) => {
      for (const o of list) this.insertOwner.run(modelId, o.hash, o.owner);
    });
    tx(owners);
  }

  getMany(modelId: string, hashes: readonly string[]): (Float32Array | undefined)[] {
    const found = new Map<string, Float32Array>();
    for (let start = 0; start < hashes.length; start += SQL_CHUNK) {
      const chunk = hashes.slice(start, start + SQL_CHUNK);
      const rows = this.select(chunk.length).all(modelId, ...chunk);
      for (const row of rows) found.set(row.text_hash, decodeVector(row.vector, row.dim, modelId, row.text_hash));
    }
    return hashes.map((h) => found.get(h));
  }

  putMany(modelId: string, entries: readonly CacheEntry[]): void {
    const tx = this.db.transaction((list: readonly CacheEntry[]) => {
      for (const e of list) {
        const bytes = Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength);
        this.insert.run(modelId, e.hash, e.vector.length, bytes);
      }
    });
    tx(entries);
  }

  /**
   * Moves the owner rows of each pair's first user id to its second (an import that turns ids
   * into pseudonyms); rows the new id already has are dropped.
   */
  renameOwners(pairs: readonly (readonly [from: string, to: string])[]): void {
    const reown = this.db.prepare('UPDATE OR IGNORE embedding_owners SET user_id = ? WHERE user_id = ?');
    const unown = this.db.prepare('DELETE FROM embedding_owners WHERE user_id = ?');
    for (const [from, to] of pairs) {
      reown.run(to, from);
      unown.run(from);
    }
  }

  /** Closes the connection when the cache opened it (see `open`); else a no-op. */
  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }

  private select(n: number): Database.Statement<string[], VectorRow> {
    let st = this.selectCache.get(n);
    if (st === undefined) {
      st = this.db.prepare<string[], VectorRow>(`SELECT text_hash, dim, vector FROM embeddings WHERE model_id = ? AND text_hash IN (${new Array(n).fill('?').join(',')})`);
      this.selectCache.set(n, st);
    }
    return st;
  }
}

function decodeVector(blob: Buffer, dim: number, modelId: string, hash: string): Float32Array {
  if (blob.byteLength !== dim * 4) {
    throw new KnowrecError('validation', `Cached embedding ${modelId}/${hash} has ${blob.byteLength} bytes, expected ${dim * 4}`, {}, 'delete the rows of this model from the embeddings table to re-encode');
  }
  // Copy: the Buffer may not be 4-byte aligned.
  const out = new Float32Array(dim);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** The workspace meta key naming the text model its embeddings (and query answers) come from. */
export const TEXT_MODEL_META_KEY = 'text_model';

/**
 * The text model recorded in the workspace file at `path` (null: none, or no such file); when
 * `record` is given and differs, records it first and returns the one it replaced.
 */
export function workspaceTextModel(path: string, record?: string): { recorded: string | null; previous: string | null } {
  if (!existsSync(path)) return { recorded: null, previous: null };
  const db = new Database(path);
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
    if (!hasMeta) return { recorded: null, previous: null };
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(TEXT_MODEL_META_KEY) as { value: string } | undefined;
    const previous = row?.value ?? null;
    if (record === undefined || record === previous) return { recorded: previous, previous };
    db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(TEXT_MODEL_META_KEY, record);
    return { recorded: record, previous };
  } finally {
    db.close();
  }
}
