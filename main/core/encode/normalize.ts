/**
 * BERT text normalization and pre-tokenization, matching Hugging Face `tokenizers`'
 * BertNormalizer and BertPreTokenizer character for character.
 *
 * Characters are handled as Unicode code points (never UTF-16 units), because the
 * reference implementation counts and classifies Rust `char`s.
 */

export interface BertNormalizerOptions {
  /** Remove control characters and map every whitespace to a plain space. */
  readonly cleanText: boolean;
  /** Put spaces around CJK ideographs so each becomes its own word. */
  readonly handleChineseChars: boolean;
  /** Strip accents (NFD, then drop non-spacing marks). `null` follows `lowercase`. */
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;
}

const WHITE_SPACE = /\p{White_Space}/u;
// Cc, Cf, Co, Cs. Unassigned code points (Cn) are kept, as the reference implementation does.
const OTHER = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const PUNCTUATION = /\p{P}/u; // Pc, Pd, Pe, Pf, Pi, Po, Ps
const NONSPACING_MARK = /\p{Mn}/gu;

/** Tab, newline and carriage return count as whitespace, as does every White_Space character. */
export function isBertWhitespace(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d || cp === 0x20) return true;
  if (cp < 0x80) return false;
  return WHITE_SPACE.test(String.fromCodePoint(cp));
}

/** Control characters: the Unicode "Other" categories except unassigned, and not tab, newline or return. */
export function isBertControl(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  if (cp < 0x20 || cp === 0x7f) return true;
  if (cp < 0x80) return false;
  return OTHER.test(String.fromCodePoint(cp));
}

/** ASCII punctuation (which includes symbols like $ + < = > ^ ` | ~) or any Unicode P* category. */
export function isBertPunctuation(cp: number): boolean {
  if (
    (cp >= 0x21 && cp <= 0x2f) ||
    (cp >= 0x3a && cp <= 0x40) ||
    (cp >= 0x5b && cp <= 0x60) ||
    (cp >= 0x7b && cp <= 0x7e)
  ) {
    return true;
  }
  if (cp < 0x80) return false;
  return PUNCTUATION.test(String.fromCodePoint(cp));
}

/** The CJK Unified Ideograph blocks BERT treats as Chinese characters. */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Applies BertNormalizer: clean text, space out CJK, strip accents, lowercase (in that order). */
export function bertNormalize(text: string, opts: BertNormalizerOptions): string {
  let out = '';
  if (opts.cleanText || opts.handleChineseChars) {
    for (const ch of text) {
      const cp = ch.codePointAt(0) as number;
      if (opts.cleanText) {
        if (cp === 0 || cp === 0xfffd || isBertControl(cp)) continue;
        if (isBertWhitespace(cp)) {
          out += ' ';
          continue;
        }
      }
      if (opts.handleChineseChars && isChineseChar(cp)) out += ` ${ch} `;
      else out += ch;
    }
  } else {
    out = text;
  }
  const strip = opts.stripAccents ?? opts.lowercase;
  if (strip) out = out.normalize('NFD').replace(NONSPACING_MARK, '');
  if (opts.lowercase) out = lowercasePerChar(out);
  return out;
}

/**
 * Lowercases each code point on its own (no context-sensitive rules such as the Greek
 * final sigma), as the reference implementation does.
 */
function lowercasePerChar(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text.toLowerCase();
  let out = '';
  for (const ch of text) out += ch.toLowerCase();
  return out;
}

/**
 * BertPreTokenizer: split on whitespace (dropped) and on punctuation (each punctuation
 * character becomes its own word). Returns words as arrays of code points.
 */
export function bertPreTokenize(text: string): number[][] {
  const words: number[][] = [];
  let cur: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (isBertWhitespace(cp)) {
      if (cur.length > 0) words.push(cur);
      cur = [];
    } else if (isBertPunctuation(cp)) {
      if (cur.length > 0) words.push(cur);
      cur = [];
      words.push([cp]);
    } else {
      cur.push(cp);
    }
  }
  if (cur.length > 0) words.push(cur);
  return words;
}
