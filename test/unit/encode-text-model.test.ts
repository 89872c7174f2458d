/**
 * Text models by name: the Unigram tokenizer.json through @huggingface/tokenizers (a tiny
 * hand-built vocabulary, ids known by construction), the listing `knowrec models` prints, the
 * workspace's record of its text model, the English-only language hint, and the cache keeping
 * queries of an asymmetric model apart.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CachedEncoder, MemoryEmbeddingCache } from '../../main/core/encode/cache';
import { HfTokenizer, tokenizerFor } from '../../main/core/encode/hf-tokenizer';
import { dominantScript, languageHint } from '../../main/core/encode/language';
import { listTextModels, textModelDir } from '../../main/core/encode/model-dir';
import { WordPieceTokenizer } from '../../main/core/encode/tokenizer';
import type { EncodeOptions, Encoder } from '../../main/core/encode/types';
import { KnowrecError } from '../../main/core/errors';
import { workspaceTextModel } from '../../main/core/store';

const PIECES: [string, number][] = [
  ['<s>', 0], ['<pad>', 0], ['</s>', 0], ['<unk>', 0],
  ['▁hello', -1], ['▁world', -1.5], ['▁', -3], ['h', -4], ['e', -4], ['l', -4], ['o', -4], ['▁he', -2], ['llo', -2.5], ['中', -2], ['文', -2], ['▁中文', -1],
];
const ID = new Map(PIECES.map(([p], i) => [p, i]));
const id = (p: string): number => ID.get(p) as number;

function unigramJson(): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['<s>', '<pad>', '</s>', '<unk>'].map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [],
      special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
    },
    decoder: null,
    model: { type: 'Unigram', unk_id: 3, vocab: PIECES, byte_fallback: false },
  };
}

describe('Unigram tokenizer.json through @huggingface/tokenizers', () => {
  const tok = tokenizerFor(unigramJson());

  it('is the library wrapper for a Unigram model, the hand-written tokenizer for WordPiece', () => {
    expect(tok).toBeInstanceOf(HfTokenizer);
    const wp = { model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3 } } };
    expect(tokenizerFor(wp)).toBeInstanceOf(WordPieceTokenizer);
  });

  it('wraps in <s> … </s> and takes the best-scoring segmentation (NFKC, runs of spaces collapsed)', () => {
    expect(tok.clsId).toBe(id('<s>'));
    expect(tok.sepId).toBe(id('</s>'));
    expect(tok.padId).toBe(id('<pad>'));
    expect(Array.from(tok.encode('hello  world', 16))).toEqual([id('<s>'), id('▁hello'), id('▁world'), id('</s>')]);
    // Full-width letters fold to ASCII under NFKC.
    expect(Array.from(tok.encode('ｈｅｌｌｏ', 16))).toEqual([id('<s>'), id('▁hello'), id('</s>')]);
    expect(tok.tokenize('中文')).toEqual([id('▁中文')]);
  });

  it('cuts the content so the total is ≤ maxLen and keeps </s> last', () => {
    expect(Array.from(tok.encode('hello world hello', 3))).toEqual([id('<s>'), id('▁hello'), id('</s>')]);
    expect(() => tok.encode('x', 1)).toThrow(KnowrecError);
  });

  it('pads a batch with <pad> and mask 0', () => {
    const b = tok.pack([tok.encode('hello', 8), tok.encode('hello world', 8)]);
    expect(Array.from(b.inputIds, Number)).toEqual([0, 4, 2, 1, 0, 4, 5, 2]);
    expect(Array.from(b.attentionMask, Number)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
  });
});

describe('language hint', () => {
  it('tells the dominant script of a query', () => {
    expect(dominantScript('light-hearted animated film')).toBe('latin');
    expect(dominantScript('适合孩子的轻松动画片')).toBe('other');
    expect(dominantScript('《Toy Story》动画片')).toBe('latin');
    expect(dominantScript('1995!')).toBe('none');
  });

  it('warns only when an English-only model gets a non-Latin query', () => {
    expect(languageHint('适合孩子的轻松动画片', { modelId: 'all-MiniLM-L6-v2', languages: 'en' })).toMatch(/all-MiniLM-L6-v2 is English-only.*multilingual-e5-small/);
    expect(languageHint('适合孩子的轻松动画片', { modelId: 'multilingual-e5-small', languages: 'multilingual' })).toBeNull();
    expect(languageHint('an animated film', { modelId: 'all-MiniLM-L6-v2', languages: 'en' })).toBeNull();
    expect(languageHint(null, { modelId: 'all-MiniLM-L6-v2', languages: 'en' })).toBeNull();
    expect(languageHint('动画片', { modelId: 'fake' })).toBeNull();
  });
});

describe('text models by name', () => {
  const root = mkdtempSync(join(tmpdir(), 'knowrec-models-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const model = (folder: string, manifest: object | null): void => {
    mkdirSync(join(root, folder));
    writeFileSync(join(root, folder, 'tokenizer.json'), '{}');
    writeFileSync(join(root, folder, 'model.int8.onnx'), '');
    if (manifest !== null) writeFileSync(join(root, folder, 'manifest.json'), JSON.stringify(manifest));
  };
  model('all-MiniLM-L6-v2', { model_id: 'all-MiniLM-L6-v2', dim: 384, max_length: 256 });
  model('multi', { model_id: 'multilingual-e5-small', dim: 384, max_length: 512, languages: 'multilingual', query_prefix: 'query: ', passage_prefix: 'passage: ' });
  model('no-manifest', null);

  it('lists every folder with a manifest, its languages (English-only unless the manifest says otherwise) and variants', () => {
    const list = listTextModels(root);
    expect(list.map((m) => [m.name, m.languages, m.isDefault, m.variants])).toEqual([
      ['all-MiniLM-L6-v2', 'en', true, ['int8']],
      ['multilingual-e5-small', 'multilingual', false, ['int8']],
    ]);
  });

  it('finds a folder by model name, and names the prepared ones for an unknown name', () => {
    expect(textModelDir('multilingual-e5-small', root)).toBe(join(root, 'multi'));
    expect(() => textModelDir('nope', root)).toThrow(/Unknown text model "nope" \(prepared: all-MiniLM-L6-v2, multilingual-e5-small\)/);
  });
});

describe('workspace record of its text model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-textmodel-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads nothing from a missing file (and does not create it)', () => {
    expect(workspaceTextModel(join(dir, 'absent.sqlite'), 'x')).toEqual({ recorded: null, previous: null });
  });

  it('records a switch and returns the model it replaced', () => {
    const file = join(dir, 'ws.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.close();
    expect(workspaceTextModel(file)).toEqual({ recorded: null, previous: null });
    expect(workspaceTextModel(file, 'multilingual-e5-small')).toEqual({ recorded: 'multilingual-e5-small', previous: null });
    expect(workspaceTextModel(file)).toEqual({ recorded: 'multilingual-e5-small', previous: 'multilingual-e5-small' });
    expect(workspaceTextModel(file, 'all-MiniLM-L6-v2')).toEqual({ recorded: 'all-MiniLM-L6-v2', previous: 'multilingual-e5-small' });
  });
});

/** Prefixes "q:" to queries: vectors differ by role, as e5's do. */
class PrefixEncoder implements Encoder {
  readonly modelId = 'fake-e5';
  readonly dim = 2;
  readonly asymmetric = true;
  calls: string[] = [];
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    this.calls.push(...texts.map((t) => (options.role === 'query' ? `q:${t}` : t)));
    return texts.map(() => (options.role === 'query' ? Float32Array.of(1, 0) : Float32Array.of(0, 1)));
  }
}

describe('cache of an asymmetric model', () => {
  it('keys a query apart from the same text as a passage, and encodes each once', async () => {
    const inner = new PrefixEncoder();
    const cached = new CachedEncoder(inner, new MemoryEmbeddingCache());
    const [p] = await cached.encode(['war film']);
    const [q] = await cached.encode(['war film'], { role: 'query' });
    await cached.encode(['war film'], { role: 'query' });
    await cached.encode(['war film']);
    expect(Array.from(p)).toEqual([0, 1]);
    expect(Array.from(q)).toEqual([1, 0]);
    expect(inner.calls).toEqual(['war film', 'q:war film']);
  });
});
