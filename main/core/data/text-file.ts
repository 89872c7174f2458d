import { readFileSync, statSync } from 'node:fs';
import { KnowrecError } from '../errors';
import { isControl, MAX_FILE_BYTES, sizeText } from './limits';

/**
 * Reads a UTF-8 text file whole (data files are small), without a byte-order mark.
 * Missing → 'not-found'; zero bytes or only whitespace → 'parse' ("the file is empty").
 * Strict: invalid UTF-8, a byte-order mark after the start and control characters other than
 * tab, CR and LF are 'parse' errors at their line and column (1-based character position).
 */
export function readTextFile(path: string): string {
  const text = decodeUtf8(readBytes(path), path);
  checkCharacters(text, path);
  if (text.trim().length === 0) {
    throw new KnowrecError('parse', 'the file is empty', { file: path, line: 1 }, 'a data file needs a header line and at least one data row');
  }
  return text;
}

function readBytes(path: string): Buffer {
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) {
      throw new KnowrecError('validation', `the file is ${size} bytes long; the limit is ${sizeText(MAX_FILE_BYTES)}`, { file: path }, 'split the data or import a sample');
    }
    return readFileSync(path);
  } catch (e) {
    if (e instanceof KnowrecError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new KnowrecError('not-found', 'file does not exist', { file: path }, 'check the path and the file name');
    }
    if (code === 'EISDIR') {
      throw new KnowrecError('config', 'is a folder, not a file', { file: path }, 'give the path of a data file');
    }
    throw new KnowrecError('not-found', `cannot read the file: ${(e as Error).message}`, { file: path });
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** UTF-8 bytes → text (a leading BOM dropped); invalid UTF-8 is an error at its position. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const prefix = decoder.decode(bytes.subarray(0, at));
    const { line, column } = position(prefix, prefix.length);
    throw new KnowrecError(
      'parse',
      `invalid UTF-8: byte 0x${bytes[at].toString(16).padStart(2, '0')} at byte offset ${at} is not part of a valid UTF-8 sequence`,
      { file, line, column },
      'save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)',
    );
  }
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // beyond U+10FFFF
    } else return i;
    for (let k = 1; k < len; k++) {
      const d = i + k < n ? b[i + k] : -1;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (d < min || d > max) return i;
    }
    i += len;
  }
  return n;
}

/** Rejects control characters (isControl) and a byte-order mark after the start. */
function checkCharacters(text: string, file: string): void {
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isControl(c) || c === 0xfeff) break;
  }
  if (i === text.length) return;
  const { line, column } = position(text, i);
  const c = text.charCodeAt(i);
  const cp = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === 0xfeff) {
    throw new KnowrecError('parse', `a byte-order mark (${cp}) in the middle of the file`, { file, line, column }, 'remove it; files joined together often carry one');
  }
  throw new KnowrecError('parse', `control character ${cp} in the data`, { file, line, column }, 'data files may hold tabs and line ends but no other control characters');
}

/** 1-based line and column (character position, surrogate pairs count once) of `index`. */
function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = text.indexOf('\n'); k >= 0 && k < index; k = text.indexOf('\n', k + 1)) {
    line++;
    start = k + 1;
  }
  let column = 1;
  for (let k = start; k < index; k++) {
    const c = text.charCodeAt(k);
    if (!(c >= 0xdc00 && c <= 0xdfff)) column++;
  }
  return { line, column };
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
