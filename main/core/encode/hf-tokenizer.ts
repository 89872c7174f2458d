/**
 * Tokenizers other than BERT WordPiece (the multilingual encoder's SentencePiece Unigram) through
 * the maintained `@huggingface/tokenizers` library, which reads the same `tokenizer.json` the
 * Python `tokenizers` library writes.
 *
 * WordPiece stays on the hand-written tokenizer.ts: the library lowercases whole strings with
 * String.prototype.toLowerCase, which turns a word-final Σ into ς, whereas the Python reference
 * lowercases code point by code point (σ); one of the prepared all-MiniLM-L6-v2's reference
 * sentences ("ΟΔΟΣ …") gets different ids (see docs/model.md).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { KnowrecError } from '../errors';
import { packSequences, readTokenizerJson, tokenizerFromJson, type EncodedBatch, type TextTokenizer } from './tokenizer';

export class HfTokenizer implements TextTokenizer {
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  private readonly tok: Tokenizer;

  constructor(json: object, file = 'tokenizer.json') {
    try {
      this.tok = new Tokenizer(json, {});
    } catch (e) {
      throw new KnowrecError('parse', `Unsupported tokenizer.json: ${(e as Error).message}`, { file }, 'run `npm run model` to prepare it again');
    }
    // The post-processor's template around an empty text: [open, close].
    const specials = this.tok.encode('').ids;
    if (specials.length !== 2) {
      throw new KnowrecError('parse', `Expected a template of one opening and one closing special token, got ${specials.length} tokens`, { file }, 'use a tokenizer.json whose post_processor wraps the text as <s> $A </s>');
    }
    [this.clsId, this.sepId] = specials;
    const pad = this.tok.token_to_id('<pad>') ?? this.tok.token_to_id('[PAD]');
    this.padId = pad ?? 0;
  }

  encode(text: string, maxLen: number): Int32Array {
    if (!Number.isInteger(maxLen) || maxLen < 2) {
      throw new KnowrecError('config', `maxLen must be an integer ≥ 2, got ${maxLen}`, {}, 'pass the model max_length (e.g. 512)');
    }
    const ids = this.tok.encode(text).ids;
    if (ids.length <= maxLen) return Int32Array.from(ids);
    const out = Int32Array.from(ids.slice(0, maxLen));
    out[maxLen - 1] = this.sepId;
    return out;
  }

  tokenize(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  pack(sequences: readonly Int32Array[]): EncodedBatch {
    return packSequences(sequences, this.padId);
  }
}

/** WordPiece tokenizer.json → the hand-written WordPiece tokenizer; any other model type → HfTokenizer. */
export function tokenizerFor(json: unknown, file = 'tokenizer.json'): TextTokenizer {
  const model = typeof json === 'object' && json !== null ? (json as { model?: { type?: unknown } }).model : undefined;
  if (model?.type === 'WordPiece' || typeof json !== 'object' || json === null) return tokenizerFromJson(json, file);
  return new HfTokenizer(json, file);
}

/** Reads any supported `tokenizer.json` file. */
export function loadTextTokenizer(file: string): TextTokenizer {
  return tokenizerFor(readTokenizerJson(file), file);
}
