/** Token counting for budgets. The real WordPiece tokenizer is injected by the caller. */

/** Counts the tokens `text` will take in the encoder. */
export type TokenCounter = (text: string) => number;

/** CJK ideographs, kana, hangul, and CJK/full-width punctuation: about one token each. */
const CJK =
  /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/g;

/**
 * A rough token estimate: one token per CJK character, and 1.3 per whitespace-separated word
 * of the rest (WordPiece splits rarer words). Rounded up.
 */
export function estimateTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const rest = text.replace(CJK, ' ').trim();
  const words = rest.length === 0 ? 0 : rest.split(/\s+/).length;
  return Math.ceil(cjk + words * 1.3);
}
