import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { bertNormalize, bertPreTokenize, isBertPunctuation, isChineseChar } from '../../main/core/encode/normalize';
import { tokenizerFromJson, type WordPieceTokenizer } from '../../main/core/encode/tokenizer';

const VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'hello', 'world', 'un', '##aff', '##able', ',', '!', 'cafe', '中', '文', 'a', '##b', '😀', '##😀', '$', 'σ', '##σ',
];
const ID = new Map(VOCAB.map((t, i) => [t, i]));
const id = (t: string): number => {
  const v = ID.get(t);
  if (v === undefined) throw new Error(`test vocab lacks ${t}`);
  return v;
};

function tinyJson(overrides: { lowercase?: boolean; maxChars?: number } = {}): unknown {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content) => ({
      id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: overrides.lowercase ?? true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [],
      special_tokens: {},
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: overrides.maxChars ?? 100,
      vocab: Object.fromEntries(ID),
    },
  };
}

const tok: WordPieceTokenizer = tokenizerFromJson(tinyJson());
const ids = (text: string, maxLen = 64): number[] => Array.from(tok.encode(text, maxLen));
const wrap = (...tokens: string[]): number[] => [id('[CLS]'), ...tokens.map(id), id('[SEP]')];

describe('BERT normalizer and pre-tokenizer', () => {
  it('classifies punctuation the BERT way (ASCII symbols count, letters and CJK do not)', () => {
    for (const ch of ['$', '+', '<', '^', '`', '|', '~', ',', '—', '《', '¿']) expect(isBertPunctuation(ch.codePointAt(0) as number), ch).toBe(true);
    for (const ch of ['a', '7', ' ', '中', '😀', '∑']) expect(isBertPunctuation(ch.codePointAt(0) as number), ch).toBe(false);
  });

  it('recognizes CJK ideographs only', () => {
    expect(isChineseChar('中'.codePointAt(0) as number)).toBe(true);
    expect(isChineseChar('𠀀'.codePointAt(0) as number)).toBe(true); // U+20000, astral
    expect(isChineseChar('タ'.codePointAt(0) as number)).toBe(false); // katakana
    expect(isChineseChar('한'.codePointAt(0) as number)).toBe(false);
  });

  it('cleans, spaces CJK, strips accents and lowercases each character on its own', () => {
    const opts = { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: true } as const;
    expect(bertNormalize('Café\u0007\u200b\tX', opts)).toBe('cafe x');
    expect(bertNormalize('a中b', opts)).toBe('a 中 b');
    // Per-character lowercasing: no Greek final-sigma rule (String#toLowerCase would give ς).
    expect(bertNormalize('ΟΣ', opts)).toBe('οσ');
    // Accents kept when strip_accents is false even though lowercase is on.
    expect(bertNormalize('É', { ...opts, stripAccents: false })).toBe('é');
  });

  it('splits on whitespace and isolates each punctuation character', () => {
    const words = bertPreTokenize('ab,  c!!d').map((w) => String.fromCodePoint(...w));
    expect(words).toEqual(['ab', ',', 'c', '!', '!', 'd']);
  });
});

describe('WordPiece tokenizer on a hand-built vocabulary', () => {
  it('wraps in [CLS] … [SEP], lowercases and splits punctuation', () => {
    expect(ids('Hello, World!')).toEqual(wrap('hello', ',', 'world', '!'));
  });

  it('takes the longest matching piece first and marks continuations with ##', () => {
    expect(ids('unaffable')).toEqual(wrap('un', '##aff', '##able'));
    expect(ids('ab')).toEqual(wrap('a', '##b'));
  });

  it('turns a whole word into [UNK] when any part has no piece', () => {
    expect(ids('unaffablex hello')).toEqual(wrap('[UNK]', 'hello'));
  });

  it('strips accents and spaces out Chinese characters', () => {
    expect(ids('Café 中文')).toEqual(wrap('cafe', '中', '文'));
    expect(ids('hello中文world')).toEqual(wrap('hello', '中', '文', 'world'));
  });

  it('counts max_input_chars_per_word in code points, not UTF-16 units', () => {
    const t5 = tokenizerFromJson(tinyJson({ maxChars: 5 }));
    // 3 code points (6 UTF-16 units): under the limit.
    expect(Array.from(t5.encode('😀😀😀', 16))).toEqual(wrap('😀', '##😀', '##😀'));
    // 6 code points: over the limit, so [UNK] even though pieces exist.
    expect(Array.from(t5.encode('😀😀😀😀😀😀', 16))).toEqual(wrap('[UNK]'));
  });

  it('removes control and zero-width characters and treats other spaces as whitespace', () => {
    expect(ids('hello\u00a0world')).toEqual(wrap('hello', 'world'));
    expect(ids('hel\u200blo')).toEqual(wrap('hello'));
  });

  it('matches special tokens in the raw text (exact case only)', () => {
    expect(ids('hello [MASK] world')).toEqual(wrap('hello', '[MASK]', 'world'));
    // Lowercase "[mask]" is ordinary text: [ mask ] → "[" and "]" are not in the vocab.
    expect(ids('[mask]')).toEqual(wrap('[UNK]', '[UNK]', '[UNK]'));
  });

  it('respects the lowercase option', () => {
    const cased = tokenizerFromJson(tinyJson({ lowercase: false }));
    expect(Array.from(cased.encode('Hello hello', 16))).toEqual(wrap('[UNK]', 'hello'));
  });

  it('truncates content to maxLen − 2 and keeps [SEP] last', () => {
    expect(ids('hello , world !', 4)).toEqual(wrap('hello', ','));
    expect(ids('unaffable', 3)).toEqual(wrap('un'));
    expect(() => tok.encode('x', 1)).toThrow(KnowrecError);
  });

  it('pads a batch to its longest member with mask 0 and type ids 0', () => {
    const b = tok.encodeBatch(['hello', 'hello world !'], 64);
    expect(b.batchSize).toBe(2);
    expect(b.seqLen).toBe(5);
    expect(Array.from(b.lengths)).toEqual([3, 5]);
    expect(Array.from(b.inputIds, Number)).toEqual([...wrap('hello'), 0, 0, ...wrap('hello', 'world', '!')]);
    expect(Array.from(b.attentionMask, Number)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(b.typeIds, Number)).toEqual(new Array(10).fill(0));
  });

  it('rejects a tokenizer.json that is not BERT WordPiece, naming the file', () => {
    const bad = { ...(tinyJson() as Record<string, unknown>), model: { type: 'BPE', vocab: {}, merges: [] } };
    expect(() => tokenizerFromJson(bad, 'x/tokenizer.json')).toThrow(/x\/tokenizer\.json.*WordPiece/);
  });
});
