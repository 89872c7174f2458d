import { readFileSync, statSync } from 'node:fs';
import { KnowrecError } from '../errors';

/**
 * Reads a UTF-8 text file whole (data files are small), without a byte-order mark.
 * Missing → 'not-found'; zero bytes or only whitespace → 'parse' ("the file is empty").
 */
export function readTextFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new KnowrecError('not-found', 'file does not exist', { file: path }, 'check the path and the file name');
    }
    if (code === 'EISDIR') {
      throw new KnowrecError('config', 'is a folder, not a file', { file: path }, 'give the path of a data file');
    }
    throw new KnowrecError('not-found', `cannot read the file: ${(e as Error).message}`, { file: path });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim().length === 0) {
    throw new KnowrecError('parse', 'the file is empty', { file: path, line: 1 }, 'a data file needs a header line and at least one data row');
  }
  return text;
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
