/**
 * Limits on what a data file may hold (docs/data-formats.md, "Limits"), and `echo`, the one way
 * a value from a file goes into a message: control characters stripped, at most ~80 characters.
 */
import { KnowrecError, type ErrorLocation } from '../errors';

/** Largest data file read (a JavaScript string holds at most about 512 MiB). */
export const MAX_FILE_BYTES = 500 * 1024 * 1024;
/** Any single field (atomic, CSV) or literal (N-Triples). */
export const MAX_FIELD_BYTES = 64 * 1024;
/** User and item ids. */
export const MAX_ID_BYTES = 256;
/** KG entity and relation ids (often IRIs). */
export const MAX_KG_ID_BYTES = 1024;
/** Item titles. */
export const MAX_TITLE_BYTES = 4 * 1024;
/** Column names in a header. */
export const MAX_HEADER_NAME_BYTES = 256;
/** Largest float32 (ratings are stored as float32). */
export const FLOAT32_MAX = 3.4028234663852886e38;
/** Timestamps are float64 within ±(2^53 − 1), so integer timestamps are exact. */
export const TIMESTAMP_MAX = Number.MAX_SAFE_INTEGER;

/** Longest echoed value, in characters. */
export const ECHO_MAX = 80;

/** Control characters a data file may not hold: C0 other than tab, LF and CR; DEL; C1. */
export function isControl(c: number): boolean {
  return (c < 0x20 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c <= 0x9f);
}

/** Characters never echoed: every control character, bidi and zero-width marks, U+FEFF. */
function unsafe(c: number): boolean {
  return (
    c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff
  );
}

/** `value` made safe to print: unsafe characters removed, cut to `max` characters with "…". */
export function echo(value: string, max = ECHO_MAX): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (unsafe(c)) continue;
    if (n === max) return `${out}…`;
    // a surrogate pair is one character
    const pair = c >= 0xd800 && c <= 0xdbff && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    out += pair ? value.slice(i, i + 2) : value[i];
    if (pair) i++;
    n++;
  }
  return out;
}

/** UTF-8 length of `s`. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** True when `s` is longer than `limit` UTF-8 bytes (at most 3 bytes per UTF-16 unit: short strings skip the count). */
export function overLimit(s: string, limit: number): boolean {
  return s.length * 3 > limit && (s.length > limit || utf8Bytes(s) > limit);
}

/** "12 KB" / "256 bytes" for limits in messages. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** Throws a 'validation' error when `value` is longer than `limit` bytes. */
export function checkSize(value: string, limit: number, what: string, at: ErrorLocation, hint?: string): void {
  if (!overLimit(value, limit)) return;
  throw new KnowrecError(
    'validation',
    `${what} is ${utf8Bytes(value)} bytes long; the limit is ${sizeText(limit)} (it starts "${echo(value, 40)}")`,
    at,
    hint ?? 'shorten it or leave the column out',
  );
}
