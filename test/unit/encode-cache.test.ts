import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CachedEncoder, MemoryEmbeddingCache, textHash, type EmbeddingCache } from '../../main/core/encode/cache';
import { SqliteEmbeddingCache } from '../../main/core/store';
import type { EncodeOptions, Encoder } from '../../main/core/encode/types';

/** A deterministic encoder that records every text it was asked to encode. */
class CountingEncoder implements Encoder {
  readonly modelId: string;
  readonly dim = 3;
  readonly calls: string[][] = [];
  constructor(modelId = 'counting') {
    this.modelId = modelId;
  }
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    this.calls.push([...texts]);
    const out = texts.map((t) => {
      const v = Float32Array.of(t.length, t.charCodeAt(0) || 0, 1);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    });
    options.onProgress?.(texts.length, texts.length);
    return out;
  }
}

function caches(): [string, () => EmbeddingCache][] {
  return [
    ['memory', () => new MemoryEmbeddingCache()],
    ['sqlite', () => new SqliteEmbeddingCache(new Database(':memory:'))],
  ];
}

describe('textHash', () => {
  it('is the hex SHA-256 of the UTF-8 text', () => {
    expect(textHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(textHash('é')).not.toBe(textHash('e'));
  });
});

describe.each(caches())('%s embedding cache', (_name, make) => {
  it('returns exactly what was put, per model, undefined for misses', () => {
    const cache = make();
    const v = Float32Array.of(0.1, -2.5, 3e-8, 3.4e38);
    cache.putMany('m1', [{ hash: 'h1', vector: v }]);
    const [hit, miss] = cache.getMany('m1', ['h1', 'h2']);
    expect(hit).toEqual(v);
    expect(hit).not.toBe(v);
    expect(miss).toBeUndefined();
    expect(cache.getMany('m2', ['h1'])).toEqual([undefined]);
  });

  it('handles more keys than one SQL statement takes', () => {
    const cache = make();
    const entries = Array.from({ length: 1203 }, (_, i) => ({ hash: `h${i}`, vector: Float32Array.of(i, -i) }));
    cache.putMany('m', entries);
    const got = cache.getMany('m', [...entries.map((e) => e.hash), 'absent']);
    expect(got).toHaveLength(1204);
    got.slice(0, 1203).forEach((v, i) => expect(Array.from(v ?? [])).toEqual([i, -i]));
    expect(got[1203]).toBeUndefined();
  });
});

describe('SqliteEmbeddingCache', () => {
  it('uses the embeddings table (model_id, text_hash, dim, vector BLOB)', () => {
    const db = new Database(':memory:');
    new SqliteEmbeddingCache(db).putMany('m', [{ hash: 'h', vector: Float32Array.of(1, 2, 3) }]);
    const row = db.prepare('SELECT model_id, text_hash, dim, length(vector) AS bytes FROM embeddings').get() as Record<string, unknown>;
    expect(row).toEqual({ model_id: 'm', text_hash: 'h', dim: 3, bytes: 12 });
    // A second instance on the same handle sees the rows (table already exists).
    expect(new SqliteEmbeddingCache(db).getMany('m', ['h'])[0]).toEqual(Float32Array.of(1, 2, 3));
  });
});

describe.each(caches())('CachedEncoder over a %s cache', (_name, make) => {
  it('encodes each distinct text once, ever, and returns identical vectors', async () => {
    const inner = new CountingEncoder();
    const enc = new CachedEncoder(inner, make());
    expect(enc.dim).toBe(3);
    expect(enc.modelId).toBe('counting');
    const first = await enc.encode(['alpha', 'beta', 'alpha', 'gamma']);
    expect(inner.calls).toEqual([['alpha', 'beta', 'gamma']]);
    expect(first[0]).toEqual(first[2]);
    const second = await enc.encode(['gamma', 'delta', 'beta', 'alpha']);
    expect(inner.calls).toEqual([['alpha', 'beta', 'gamma'], ['delta']]);
    expect(second[0]).toEqual(first[3]);
    expect(second[2]).toEqual(first[1]);
    expect(second[3]).toEqual(first[0]);
    const seen: number[] = [];
    const third = await enc.encode(['beta', 'delta'], { onProgress: (d, t) => seen.push(d / t) });
    expect(inner.calls).toHaveLength(2);
    expect(third[1]).toEqual(second[1]);
    expect(seen).toEqual([1]);
  });

  it('keeps models apart', async () => {
    const cache = make();
    const a = new CountingEncoder('model-a');
    const b = new CountingEncoder('model-b');
    await new CachedEncoder(a, cache).encode(['x']);
    await new CachedEncoder(b, cache).encode(['x']);
    expect(a.calls).toEqual([['x']]);
    expect(b.calls).toEqual([['x']]);
  });
});
