/**
 * BERT WordPiece tokenizer read from a Hugging Face `tokenizer.json`:
 * added (special) tokens matched in the raw text → BertNormalizer → BertPreTokenizer →
 * WordPiece (`##` continuation, over-long words → [UNK]) → [CLS] … [SEP], truncation,
 * padding to the longest sequence of a batch.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KnowrecError } from '../errors';
import { bertNormalize, bertPreTokenize, type BertNormalizerOptions } from './normalize';

/** A padded batch, row-major `[batch, seqLen]`, ready for an ONNX BERT model. */
export interface EncodedBatch {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly typeIds: BigInt64Array;
  /** Real (unpadded) length of each row, special tokens included. */
  readonly lengths: Int32Array;
  readonly batchSize: number;
  readonly seqLen: number;
}

/** What the encoder needs from a tokenizer (WordPiece here, Unigram/BPE in hf-tokenizer.ts). */
export interface TextTokenizer {
  /** The ids that open and close a sequence ([CLS]/[SEP], <s>/</s>). */
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  /** Token ids of one text with its special tokens, content cut so the total is ≤ maxLen. */
  encode(text: string, maxLen: number): Int32Array;
  /** The content token ids (no special tokens, no truncation). */
  tokenize(text: string): number[];
  /** Pads already-encoded sequences into one batch. */
  pack(sequences: readonly Int32Array[]): EncodedBatch;
}

/** Pads sequences to the longest with `padId` (attention mask 1 on real tokens, type ids 0). */
export function packSequences(sequences: readonly Int32Array[], padId: number): EncodedBatch {
  const batchSize = sequences.length;
  let seqLen = 0;
  for (const s of sequences) if (s.length > seqLen) seqLen = s.length;
  const inputIds = new BigInt64Array(batchSize * seqLen);
  const attentionMask = new BigInt64Array(batchSize * seqLen);
  const typeIds = new BigInt64Array(batchSize * seqLen);
  const lengths = new Int32Array(batchSize);
  const pad = BigInt(padId);
  for (let b = 0; b < batchSize; b++) {
    const s = sequences[b];
    const row = b * seqLen;
    lengths[b] = s.length;
    for (let t = 0; t < seqLen; t++) {
      if (t < s.length) {
        inputIds[row + t] = BigInt(s[t]);
        attentionMask[row + t] = 1n;
      } else {
        inputIds[row + t] = pad;
      }
    }
  }
  return { inputIds, attentionMask, typeIds, lengths, batchSize, seqLen };
}

export interface AddedToken {
  readonly id: number;
  readonly content: string;
  /** When false the token is matched in the raw text, before normalization. */
  readonly normalized: boolean;
}

export interface WordPieceConfig {
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  readonly normalizer: BertNormalizerOptions;
  readonly clsToken: string;
  readonly sepToken: string;
  readonly padToken: string;
  readonly addedTokens: readonly AddedToken[];
}

const WORD_CACHE_LIMIT = 100_000;

export class WordPieceTokenizer implements TextTokenizer {
  readonly vocabSize: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly unkId: number;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly prefix: string;
  private readonly maxChars: number;
  private readonly normalizer: BertNormalizerOptions;
  private readonly rawSplit: RegExp | null;
  private readonly normalizedSplit: RegExp | null;
  private readonly addedIds: ReadonlyMap<string, number>;
  private readonly wordCache = new Map<string, readonly number[]>();

  constructor(config: WordPieceConfig) {
    this.vocab = config.vocab;
    this.vocabSize = config.vocab.size;
    this.prefix = config.continuingSubwordPrefix;
    this.maxChars = config.maxInputCharsPerWord;
    this.normalizer = config.normalizer;
    const need = (token: string, role: string): number => {
      const id = config.vocab.get(token) ?? config.addedTokens.find((t) => t.content === token)?.id;
      if (id === undefined) {
        throw new KnowrecError('validation', `The ${role} token ${JSON.stringify(token)} is not in the vocabulary`, {}, 'use a BERT tokenizer.json whose vocab holds [CLS], [SEP], [PAD] and [UNK]');
      }
      return id;
    };
    this.unkId = need(config.unkToken, 'unknown');
    this.clsId = need(config.clsToken, 'classifier');
    this.sepId = need(config.sepToken, 'separator');
    this.padId = need(config.padToken, 'padding');
    this.addedIds = new Map(config.addedTokens.map((t) => [t.content, t.id]));
    this.rawSplit = splitter(config.addedTokens.filter((t) => !t.normalized));
    this.normalizedSplit = splitter(config.addedTokens.filter((t) => t.normalized));
  }

  /** Token ids of one text: [CLS] tokens… [SEP], the tokens cut so the total is ≤ maxLen. */
  encode(text: string, maxLen: number): Int32Array {
    if (!Number.isInteger(maxLen) || maxLen < 2) {
      throw new KnowrecError('config', `maxLen must be an integer ≥ 2, got ${maxLen}`, {}, 'pass the model max_length (e.g. 256)');
    }
    const budget = maxLen - 2;
    const ids: number[] = [this.clsId];
    this.tokenizeInto(text, ids, budget + 1);
    ids.push(this.sepId);
    return Int32Array.from(ids);
  }

  /** The content token ids (no [CLS]/[SEP], no truncation). */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    this.tokenizeInto(text, ids, Number.POSITIVE_INFINITY);
    return ids;
  }

  /** Encodes and pads a batch to its longest member. */
  encodeBatch(texts: readonly string[], maxLen: number): EncodedBatch {
    return this.pack(texts.map((t) => this.encode(t, maxLen)));
  }

  /** Pads already-encoded sequences into one batch (attention mask 1 on real tokens, type ids 0). */
  pack(sequences: readonly Int32Array[]): EncodedBatch {
    return packSequences(sequences, this.padId);
  }

  /** Appends content ids to `out` until it holds `limit` ids in total. */
  private tokenizeInto(text: string, out: number[], limit: number): void {
    for (const [segment, special] of splitOn(text, this.rawSplit)) {
      if (out.length >= limit) return;
      if (special) {
        out.push(this.addedIds.get(segment) as number);
        continue;
      }
      const normalized = bertNormalize(segment, this.normalizer);
      for (const [part, partSpecial] of splitOn(normalized, this.normalizedSplit)) {
        if (out.length >= limit) return;
        if (partSpecial) {
          out.push(this.addedIds.get(part) as number);
          continue;
        }
        for (const word of bertPreTokenize(part)) {
          const pieces = this.wordPiece(word);
          for (let i = 0; i < pieces.length && out.length < limit; i++) out.push(pieces[i]);
          if (out.length >= limit) return;
        }
      }
    }
  }

  /** Greedy longest-match-first WordPiece over one word's code points. */
  private wordPiece(word: readonly number[]): readonly number[] {
    const key = String.fromCodePoint(...word);
    const cached = this.wordCache.get(key);
    if (cached !== undefined) return cached;
    let result: number[];
    if (word.length > this.maxChars) {
      result = [this.unkId];
    } else {
      result = [];
      let start = 0;
      while (start < word.length) {
        let end = word.length;
        let found = -1;
        while (start < end) {
          const piece = String.fromCodePoint(...word.slice(start, end));
          const id = this.vocab.get(start > 0 ? this.prefix + piece : piece);
          if (id !== undefined) {
            found = id;
            break;
          }
          end--;
        }
        if (found < 0) {
          result = [this.unkId];
          break;
        }
        result.push(found);
        start = end;
      }
    }
    if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
    this.wordCache.set(key, result);
    return result;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regex matching any of the tokens, longest first (leftmost-longest like the reference). */
function splitter(tokens: readonly AddedToken[]): RegExp | null {
  if (tokens.length === 0) return null;
  const alts = tokens
    .map((t) => t.content)
    .filter((c) => c.length > 0)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  return alts.length === 0 ? null : new RegExp(alts.join('|'), 'gu');
}

/** Splits text into [segment, isAddedToken] pairs. */
function splitOn(text: string, re: RegExp | null): [string, boolean][] {
  if (re === null) return [[text, false]];
  const parts: [string, boolean][] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) parts.push([text.slice(last, at), false]);
    parts.push([m[0], true]);
    last = at + m[0].length;
  }
  if (last < text.length) parts.push([text.slice(last), false]);
  return parts;
}

const TokenizerJson = z.object({
  added_tokens: z
    .array(z.object({ id: z.number().int(), content: z.string(), normalized: z.boolean().optional() }))
    .optional(),
  normalizer: z
    .object({
      type: z.literal('BertNormalizer'),
      clean_text: z.boolean().optional(),
      handle_chinese_chars: z.boolean().optional(),
      strip_accents: z.boolean().nullable().optional(),
      lowercase: z.boolean().optional(),
    })
    .nullable()
    .optional(),
  pre_tokenizer: z.object({ type: z.literal('BertPreTokenizer') }).nullable().optional(),
  post_processor: z
    .union([
      z.object({
        type: z.literal('TemplateProcessing'),
        single: z.array(z.record(z.string(), z.object({ id: z.string() }))),
      }),
      z.object({
        type: z.literal('BertProcessing'),
        cls: z.tuple([z.string(), z.number()]),
        sep: z.tuple([z.string(), z.number()]),
      }),
    ])
    .nullable()
    .optional(),
  padding: z.object({ pad_token: z.string().optional() }).nullable().optional(),
  model: z.object({
    type: z.literal('WordPiece'),
    unk_token: z.string(),
    continuing_subword_prefix: z.string().optional(),
    max_input_chars_per_word: z.number().int().positive().optional(),
    vocab: z.record(z.string(), z.number().int()),
  }),
});

/** Builds a tokenizer from the parsed content of a `tokenizer.json`. */
export function tokenizerFromJson(json: unknown, file = 'tokenizer.json'): WordPieceTokenizer {
  const parsed = TokenizerJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KnowrecError(
      'parse',
      `Not a BERT WordPiece tokenizer: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      { file },
      'use a tokenizer.json with BertNormalizer, BertPreTokenizer and a WordPiece model (run `npm run model`)',
    );
  }
  const t = parsed.data;
  const n = t.normalizer;
  const normalizer: BertNormalizerOptions = {
    cleanText: n?.clean_text ?? (n ? true : false),
    handleChineseChars: n?.handle_chinese_chars ?? (n ? true : false),
    stripAccents: n ? (n.strip_accents ?? null) : false,
    lowercase: n?.lowercase ?? (n ? true : false),
  };
  let clsToken = '[CLS]';
  let sepToken = '[SEP]';
  const pp = t.post_processor;
  if (pp?.type === 'BertProcessing') {
    clsToken = pp.cls[0];
    sepToken = pp.sep[0];
  } else if (pp?.type === 'TemplateProcessing') {
    const specials = pp.single.filter((p) => 'SpecialToken' in p).map((p) => p.SpecialToken.id);
    if (specials.length !== 2 || !('SpecialToken' in pp.single[0]) || !('SpecialToken' in pp.single[pp.single.length - 1])) {
      throw new KnowrecError('parse', 'Unsupported post_processor template: expected [CLS] $A [SEP]', { file }, 'use a BERT-style tokenizer.json');
    }
    clsToken = specials[0];
    sepToken = specials[1];
  }
  return new WordPieceTokenizer({
    vocab: new Map(Object.entries(t.model.vocab)),
    unkToken: t.model.unk_token,
    continuingSubwordPrefix: t.model.continuing_subword_prefix ?? '##',
    maxInputCharsPerWord: t.model.max_input_chars_per_word ?? 100,
    normalizer,
    clsToken,
    sepToken,
    padToken: t.padding?.pad_token ?? '[PAD]',
    addedTokens: (t.added_tokens ?? []).map((a) => ({ id: a.id, content: a.content, normalized: a.normalized ?? false })),
  });
}

/** Reads a WordPiece `tokenizer.json` file (the hand-written tokenizer; see loadTextTokenizer for any). */
export function loadTokenizer(file: string): WordPieceTokenizer {
  return tokenizerFromJson(readTokenizerJson(file), file);
}

/** The parsed JSON of a `tokenizer.json` file. */
export function readTokenizerJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KnowrecError('not-found', `Cannot read the tokenizer: ${(e as Error).message}`, { file }, 'run `npm run model` to prepare resources/models/');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new KnowrecError('parse', `tokenizer.json is not valid JSON: ${(e as Error).message}`, { file }, 'run `npm run model` to prepare it again');
  }
  return json;
}
