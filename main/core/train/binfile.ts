/**
 * A small binary container for adapters and training checkpoints: a JSON header followed by
 * named Float64Array blocks, 8-byte aligned. Layout:
 *   magic "KRBIN1\0\0" (8 bytes) · header length u32 LE · pad to 8 · header JSON (UTF-8) · pad to 8 ·
 *   blocks in header order, each `length` float64 values (little endian).
 * Writing goes through a temporary file and a rename, so a crash never leaves half a file.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files';
import { KnowrecError } from '../errors';

const MAGIC = 'KRBIN1\0\0';

export interface BinHeader {
  readonly blocks: readonly { readonly name: string; readonly length: number }[];
  readonly meta: unknown;
}

export interface BinContent {
  readonly meta: unknown;
  readonly arrays: Readonly<Record<string, Float64Array>>;
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** Encodes meta + arrays into one buffer (arrays in insertion order). */
export function encodeBin(meta: unknown, arrays: Readonly<Record<string, Float64Array>>): Buffer {
  const blocks = Object.entries(arrays).map(([name, a]) => ({ name, length: a.length }));
  const header = Buffer.from(JSON.stringify({ blocks, meta } satisfies BinHeader), 'utf8');
  const headStart = 16;
  const dataStart = pad8(headStart + header.length);
  const total = dataStart + blocks.reduce((s, b) => s + 8 * b.length, 0);
  const buf = Buffer.alloc(total);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(header.length, 8);
  header.copy(buf, headStart);
  let o = dataStart;
  for (const [, a] of Object.entries(arrays)) {
    for (let i = 0; i < a.length; i++) buf.writeDoubleLE(a[i], o + 8 * i);
    o += 8 * a.length;
  }
  return buf;
}

export function decodeBin(buf: Buffer, file: string): BinContent {
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC) {
    throw new KnowrecError('parse', 'not a KnowRec adapter/checkpoint file (bad magic bytes)', { file, line: 1, column: 1 },
      'pass a file written by knowrec finetune (adapter.bin or *.checkpoint.bin)');
  }
  const hLen = buf.readUInt32LE(8);
  if (16 + hLen > buf.length) throw truncated(file);
  let header: BinHeader;
  try {
    header = JSON.parse(buf.toString('utf8', 16, 16 + hLen)) as BinHeader;
  } catch (e) {
    throw new KnowrecError('parse', `the header is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { file, line: 1, column: 17 },
      'the file is damaged; train again or restore it');
  }
  let o = pad8(16 + hLen);
  const arrays: Record<string, Float64Array> = {};
  for (const b of header.blocks) {
    if (o + 8 * b.length > buf.length) throw truncated(file);
    const a = new Float64Array(b.length);
    for (let i = 0; i < b.length; i++) a[i] = buf.readDoubleLE(o + 8 * i);
    arrays[b.name] = a;
    o += 8 * b.length;
  }
  return { meta: header.meta, arrays };
}

function truncated(file: string): KnowrecError {
  return new KnowrecError('parse', 'the file is truncated', { file }, 'it was cut short (disk full or copy interrupted); train again or restore it');
}

/** Writes atomically: temporary file beside `path`, then rename. */
export function writeBinFile(path: string, meta: unknown, arrays: Readonly<Record<string, Float64Array>>): void {
  writeFileAtomic(path, encodeBin(meta, arrays));
}

export function readBinFile(path: string): BinContent {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    throw new KnowrecError('not-found', 'cannot read the file', { file: path }, 'check the path');
  }
  return decodeBin(buf, path);
}
