/**
 * The prepared all-MiniLM-L6-v2 (`npm run model`) against the Python reference written
 * by tools/prepare_model.py: same token ids, same embeddings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedEncoder, MemoryEmbeddingCache, textHash } from '../../main/core/encode/cache';
import { OnnxEncoder, defaultSessionFactory, type SessionFactory } from '../../main/core/encode/encoder';
import { defaultModelDir } from '../../main/core/encode/model-dir';
import { loadTokenizer } from '../../main/core/encode/tokenizer';
import type { EncodeOptions, Encoder } from '../../main/core/encode/types';

const modelDir = defaultModelDir();

interface Reference {
  max_length: number;
  dim: number;
  sentences: { text: string; ids: number[]; embedding: number[] }[];
}

function requireModel(): Reference {
  const file = join(modelDir, 'reference.json');
  if (!existsSync(file)) {
    throw new Error(`The prepared encoder is missing (${file}). Run \`npm run model\` first (or set KNOWREC_MODEL_DIR).`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Reference;
}

const cosine = (a: Float32Array, b: readonly number[]): number => {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
};

describe('prepared all-MiniLM-L6-v2 vs the Python reference', () => {
  let ref: Reference;
  const encoders: OnnxEncoder[] = [];
  beforeAll(() => {
    ref = requireModel();
  });
  afterAll(async () => {
    for (const e of encoders) await e.dispose();
  });

  it('covers English, accents, truncation and Chinese', () => {
    expect(ref.sentences.length).toBeGreaterThanOrEqual(10);
    expect(ref.sentences.some((s) => /[\u4e00-\u9fff]/.test(s.text))).toBe(true);
    expect(ref.sentences.some((s) => s.ids.length === ref.max_length)).toBe(true);
  });

  it('tokenizes every reference sentence to the same ids as the Python fast tokenizer', () => {
    const tok = loadTokenizer(join(modelDir, 'tokenizer.json'));
    for (const s of ref.sentences) {
      expect(Array.from(tok.encode(s.text, ref.max_length)), s.text.slice(0, 60)).toEqual(s.ids);
    }
  });

  for (const [model, bar] of [['fp32', 0.999], ['int8', 0.99]] as const) {
    it(`${model} embeddings reach cosine ≥ ${bar} to sentence-transformers, in one padded batch`, async () => {
      const enc = await OnnxEncoder.create({ modelDir, model, executionProvider: 'cpu', intraOpThreads: 2 });
      encoders.push(enc);
      expect(enc.dim).toBe(ref.dim);
      expect(enc.maxLength).toBe(ref.max_length);
      const vecs = await enc.encode(ref.sentences.map((s) => s.text));
      const cos = vecs.map((v, i) => cosine(v, ref.sentences[i].embedding));
      console.info(`${model}: min cosine ${Math.min(...cos).toFixed(6)}, mean ${(cos.reduce((a, b) => a + b, 0) / cos.length).toFixed(6)}`);
      for (const c of cos) expect(c).toBeGreaterThanOrEqual(bar);
      for (const v of vecs) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    });
  }

  it('returns the same vectors in batch (sorted by length) as one text at a time, in input order', async () => {
    const enc = await OnnxEncoder.create({ modelDir, executionProvider: 'cpu', intraOpThreads: 2, batchSize: 4 });
    encoders.push(enc);
    // A fixed shuffle of the reference texts.
    const texts = ref.sentences.map((s) => s.text);
    const order = [7, 2, 11, 0, 5, 9, 3, 1, 10, 6, 4, 8].filter((i) => i < texts.length);
    const shuffled = order.map((i) => texts[i]);
    const batched = await enc.encode(shuffled);
    for (let k = 0; k < shuffled.length; k++) {
      const [alone] = await enc.encode([shuffled[k]]);
      expect(cosine(batched[k], Array.from(alone))).toBeGreaterThan(0.99999);
      // And it is the vector of that text, not of a neighbour.
      expect(cosine(batched[k], ref.sentences[order[k]].embedding)).toBeGreaterThan(0.999);
    }
  });

  it('falls back to the CPU session when CUDA fails, and says so', async () => {
    const providers: string[] = [];
    const factory: SessionFactory = async (req) => {
      providers.push(req.provider);
      if (req.provider === 'cuda') throw new Error('simulated: CUDA provider missing');
      return defaultSessionFactory(req);
    };
    const notes: string[] = [];
    const enc = await OnnxEncoder.create({
      modelDir,
      executionProvider: 'cuda',
      sessionFactory: factory,
      intraOpThreads: 2,
      logger: { info: (m) => notes.push(m), warn: (m) => notes.push(`WARN ${m}`) },
    });
    encoders.push(enc);
    expect(providers).toEqual(['cuda', 'cpu']);
    expect(enc.provider).toBe('cpu');
    expect(notes).toEqual(['WARN CUDA execution provider unavailable (simulated: CUDA provider missing); falling back to CPU']);
    const [v] = await enc.encode([ref.sentences[0].text]);
    expect(cosine(v, ref.sentences[0].embedding)).toBeGreaterThan(0.999);
  });

  it('serves repeated texts from the cache without encoding them again', async () => {
    const inner = await OnnxEncoder.create({ modelDir, model: 'int8', executionProvider: 'cpu', intraOpThreads: 2 });
    encoders.push(inner);
    const seen: string[] = [];
    const counting: Encoder = {
      modelId: inner.modelId,
      cacheKey: inner.cacheKey,
      dim: inner.dim,
      encode: (texts: readonly string[], o?: EncodeOptions) => {
        seen.push(...texts);
        return inner.encode(texts, o);
      },
    };
    const cache = new MemoryEmbeddingCache();
    const enc = new CachedEncoder(counting, cache);
    const texts = ref.sentences.slice(0, 6).map((s) => s.text);
    const first = await enc.encode(texts);
    const again = await enc.encode([...texts].reverse());
    expect(seen).toEqual(texts);
    again.reverse().forEach((v, i) => expect(v).toEqual(first[i]));
    expect(inner.modelId).toBe('all-MiniLM-L6-v2@int8');
    // cached under the model file's version: a regenerated file never meets the old file's vectors
    const sha = (JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string }> }).files['model.int8.onnx'].sha256;
    expect(inner.cacheKey).toBe(`all-MiniLM-L6-v2@int8#${sha.slice(0, 12)}`);
    expect(enc.cacheKey).toBe(inner.cacheKey);
    const hashes = texts.map(textHash);
    expect(cache.getMany(inner.cacheKey, hashes).every((v) => v !== undefined)).toBe(true);
    expect(cache.getMany(inner.modelId, hashes).every((v) => v === undefined)).toBe(true);
  });
});
