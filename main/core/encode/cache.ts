/**
 * Embeddings cache keyed by (the encoder's cacheKey, else its modelId; sha256(text)), and an
 * Encoder wrapper that never encodes the same text twice for the same model file. The workspace's cache (SQLite) is
 * SqliteEmbeddingCache in main/core/store/embeddings.ts.
 */
import { createHash } from 'node:crypto';
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

/** An Encoder that looks every text up in the cache first and encodes only the misses, once each. */
export class CachedEncoder implements Encoder {
  readonly modelId: string;
  readonly cacheKey: string;
  readonly dim: number;
  readonly asymmetric?: boolean;
  readonly languages?: 'en' | 'multilingual';
  private readonly inner: Encoder;
  private readonly cache: EmbeddingCache;

  constructor(inner: Encoder, cache: EmbeddingCache) {
    this.inner = inner;
    this.cache = cache;
    this.modelId = inner.modelId;
    this.cacheKey = inner.cacheKey ?? inner.modelId;
    this.dim = inner.dim;
    this.asymmetric = inner.asymmetric;
    this.languages = inner.languages;
  }

  /** `options.owners[i]`, when given, is recorded as the owner of text i (see EmbeddingCache.recordOwners). */
  async encode(texts: readonly string[], options: OwnedEncodeOptions = {}): Promise<Float32Array[]> {
    const hashes = texts.map(textHash);
    // A model with query/passage prefixes caches queries apart from passages of the same text.
    const key = this.asymmetric === true && options.role === 'query' ? `${this.cacheKey}#query` : this.cacheKey;
    const cached = this.cache.getMany(key, hashes);
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
          role: options.role,
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
      this.cache.putMany(key, entries);
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
      if (list.length > 0) this.cache.recordOwners(key, list);
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
