/**
 * Embeddings cache keyed by (modelId, sha256(text)), and an Encoder wrapper that never
 * encodes the same text twice for the same model.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { KnowrecError } from '../errors';
import type { EncodeOptions, Encoder } from './types';

export interface CacheEntry {
  readonly hash: string;
  readonly vector: Float32Array;
}

export interface EmbeddingCache {
  /** One result per hash, in order; undefined where absent. */
  getMany(modelId: string, hashes: readonly string[]): (Float32Array | undefined)[];
  putMany(modelId: string, entries: readonly CacheEntry[]): void;
  /**
   * Records which user a cached text belongs to (a user sentence), so that forgetting the user
   * can drop the vector. Optional: caches that do not persist may ignore owners.
   */
  recordOwners?(modelId: string, owners: readonly CacheOwner[]): void;
}

/** A cached text's owner: the (stored) id of the user whose sentence it is. */
export interface CacheOwner {
  readonly hash: string;
  readonly owner: string;
}

/** EncodeOptions plus, per text, the user it belongs to (recorded by the cache), or null. */
export interface OwnedEncodeOptions extends EncodeOptions {
  readonly owners?: readonly (string | null | undefined)[];
}

/** Hex SHA-256 of the UTF-8 text: the cache key of a text. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Process-local cache. Vectors are copied in and out, so callers may mutate theirs. */
export class MemoryEmbeddingCache implements EmbeddingCache {
  private readonly byModel = new Map<string, Map<string, Float32Array>>();

  getMany(modelId: string, hashes: readonly string[]): (Float32Array | undefined)[] {
    const m = this.byModel.get(modelId);
    return hashes.map((h) => {
      const v = m?.get(h);
      return v === undefined ? undefined : v.slice();
    });
  }

  putMany(modelId: string, entries: readonly CacheEntry[]): void {
    let m = this.byModel.get(modelId);
    if (m === undefined) {
      m = new Map();
      this.byModel.set(modelId, m);
    }
    for (const e of entries) m.set(e.hash, e.vector.slice());
  }

  get size(): number {
    let n = 0;
    for (const m of this.byModel.values()) n += m.size;
    return n;
  }
}

const SQL_CHUNK = 500;

/**
 * Cache in the workspace's `embeddings` table (model_id, text_hash, dim, vector BLOB of
 * little-endian float32). Creates the table if missing.
 */
export class SqliteEmbeddingCache implements EmbeddingCache {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, string, number, Buffer]>;
  private readonly insertOwner: Database.Statement<[string, string, string]>;
  private readonly selectCache = new Map<number, Database.Statement<string[], { text_hash: string; dim: number; vector: Buffer }>>();

  constructor(db: Database.Database) {
    this.db = db;
    db.exec(
      'CREATE TABLE IF NOT EXISTS embeddings(model_id TEXT, text_hash TEXT, dim INTEGER, vector BLOB, PRIMARY KEY(model_id, text_hash))',
    );
    this.insert = db.prepare('INSERT OR REPLACE INTO embeddings(model_id, text_hash, dim, vector) VALUES (?, ?, ?, ?)');
    db.exec(
      'CREATE TABLE IF NOT EXISTS embedding_owners(model_id TEXT NOT NULL, text_hash TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY(model_id, text_hash, user_id)) WITHOUT ROWID',
    );
    this.insertOwner = db.prepare('INSERT OR IGNORE INTO embedding_owners(model_id, text_hash, user_id) VALUES (?, ?, ?)');
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

  private select(n: number): Database.Statement<string[], { text_hash: string; dim: number; vector: Buffer }> {
    let st = this.selectCache.get(n);
    if (st === undefined) {
      st = this.db.prepare<string[], { text_hash: string; dim: number; vector: Buffer }>(
        `SELECT text_hash, dim, vector FROM embeddings WHERE model_id = ? AND text_hash IN (${new Array(n).fill('?').join(',')})`,
      );
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

/** An Encoder that looks every text up in the cache first and encodes only the misses, once each. */
export class CachedEncoder implements Encoder {
  readonly modelId: string;
  readonly dim: number;
  private readonly inner: Encoder;
  private readonly cache: EmbeddingCache;

  constructor(inner: Encoder, cache: EmbeddingCache) {
    this.inner = inner;
    this.cache = cache;
    this.modelId = inner.modelId;
    this.dim = inner.dim;
  }

  /** `options.owners[i]`, when given, is recorded as the owner of text i (see EmbeddingCache.recordOwners). */
  async encode(texts: readonly string[], options: OwnedEncodeOptions = {}): Promise<Float32Array[]> {
    const hashes = texts.map(textHash);
    const cached = this.cache.getMany(this.modelId, hashes);
    const out: Float32Array[] = new Array<Float32Array>(texts.length);
    // Distinct missing texts, each with the positions that need it.
    const missing = new Map<string, { text: string; positions: number[] }>();
    for (let i = 0; i < texts.length; i++) {
      const v = cached[i];
      if (v !== undefined && v.length === this.dim) {
        out[i] = v;
        continue;
      }
      const m = missing.get(hashes[i]);
      if (m === undefined) missing.set(hashes[i], { text: texts[i], positions: [i] });
      else m.positions.push(i);
    }
    const hits = texts.length - [...missing.values()].reduce((n, m) => n + m.positions.length, 0);
    const todo = [...missing.entries()];
    if (todo.length > 0) {
      const vectors = await this.inner.encode(
        todo.map(([, m]) => m.text),
        {
          signal: options.signal,
          onProgress: options.onProgress && ((done) => options.onProgress?.(hits + countPositions(todo, done), texts.length)),
        },
      );
      const entries: CacheEntry[] = [];
      for (let k = 0; k < todo.length; k++) {
        const [hash, m] = todo[k];
        entries.push({ hash, vector: vectors[k] });
        m.positions.forEach((p, j) => {
          out[p] = j === 0 ? vectors[k] : vectors[k].slice();
        });
      }
      this.cache.putMany(this.modelId, entries);
    } else {
      options.onProgress?.(texts.length, texts.length);
    }
    const owners = options.owners;
    if (owners !== undefined && this.cache.recordOwners !== undefined) {
      const list: CacheOwner[] = [];
      hashes.forEach((hash, i) => {
        const owner = owners[i];
        if (owner !== undefined && owner !== null) list.push({ hash, owner });
      });
      if (list.length > 0) this.cache.recordOwners(this.modelId, list);
    }
    return out;
  }
}

/** Positions covered by the first `done` distinct texts (progress counts input texts). */
function countPositions(todo: readonly [string, { positions: number[] }][], done: number): number {
  let n = 0;
  for (let k = 0; k < done && k < todo.length; k++) n += todo[k][1].positions.length;
  return n;
}
