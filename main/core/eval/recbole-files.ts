/**
 * RecBole benchmark split files: `<name>.train.inter`, `<name>.valid.inter`, `<name>.test.inter`
 * (used by RecBole with `benchmark_filename: [train, valid, test]`), so both systems can run on
 * the identical split.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KnowrecError } from '../errors';
import type { Interactions, Split } from '../types';

export const RECBOLE_INTER_HEADER = 'user_id:token\titem_id:token\trating:float\ttimestamp:float';
export const RECBOLE_PARTS = ['train', 'valid', 'test'] as const;
export type RecbolePart = (typeof RECBOLE_PARTS)[number];

/** File name of one part, e.g. `ml-100k.train.inter`. */
export function recboleSplitFileName(name: string, part: RecbolePart): string {
  return `${name}.${part}.inter`;
}

/** Shortest decimal that reads back as the same float32 value. */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = stripExponentZeros(f.toPrecision(p));
    if (Math.fround(Number(s)) === f) return s;
  }
  return String(f);
}

function stripExponentZeros(s: string): string {
  // toPrecision gives '3.00' or '1.0e+21'; Number() then String() gives the canonical short form
  return String(Number(s));
}

/** One `.inter` file's text for `x`, with ids mapped through `userIds` / `itemIds`. */
export function formatInterFile(x: Interactions, userIds: readonly string[], itemIds: readonly string[]): string {
  const lines: string[] = [RECBOLE_INTER_HEADER];
  const n = x.user.length;
  for (let i = 0; i < n; i++) {
    const u = userIds[x.user[i]];
    const it = itemIds[x.item[i]];
    if (u === undefined || it === undefined) {
      throw new KnowrecError(
        'validation',
        `Interaction ${i} has user ${x.user[i]} / item ${x.item[i]} without a string id`,
        {},
        'pass the dataset’s full userIds and itemIds arrays',
      );
    }
    lines.push(`${u}\t${it}\t${formatFloat32(x.rating[i])}\t${String(x.timestamp[i])}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Parses one `.inter` file. Needs `user_id:token` and `item_id:token` columns (any order);
 * `rating:float` (default 1) and `timestamp:float` (default 0) are optional; other columns are
 * ignored. Ids map to dense indices through `userIds` / `itemIds`; an unknown id is an error.
 */
export function parseInterFile(
  text: string,
  userIds: readonly string[],
  itemIds: readonly string[],
  file = '<inter>',
): Interactions {
  const userIndex = indexOf(userIds);
  const itemIndex = indexOf(itemIds);
  const lines = text.split('\n');
  if (lines.length === 0 || lines[0].replace(/\r$/, '').trim() === '') {
    throw new KnowrecError('parse', 'Missing header line', { file, line: 1 }, `start the file with '${RECBOLE_INTER_HEADER}'`);
  }
  const header = lines[0].replace(/\r$/, '').replace(/^\uFEFF/, '').split('\t');
  const col = (name: string): number => header.findIndex((h) => h.trim().split(':')[0] === name);
  const cu = col('user_id');
  const ci = col('item_id');
  const cr = col('rating');
  const ct = col('timestamp');
  if (cu < 0 || ci < 0) {
    throw new KnowrecError(
      'parse',
      `Header lacks ${cu < 0 ? 'user_id' : 'item_id'} column`,
      { file, line: 1 },
      `use the header '${RECBOLE_INTER_HEADER}'`,
    );
  }
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  const timestamp: number[] = [];
  for (let ln = 1; ln < lines.length; ln++) {
    const line = lines[ln].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const f = line.split('\t');
    const need = Math.max(cu, ci, cr, ct) + 1;
    if (f.length < need) {
      throw new KnowrecError(
        'parse',
        `Expected ${header.length} tab-separated fields, found ${f.length}`,
        { file, line: ln + 1, column: f.length + 1 },
        'separate fields with a single tab',
      );
    }
    const u = userIndex.get(f[cu]);
    if (u === undefined) {
      throw new KnowrecError('validation', `Unknown user id '${f[cu]}'`, { file, line: ln + 1, column: cu + 1 },
        'the split file must use the ids of the dataset it was exported from');
    }
    const it = itemIndex.get(f[ci]);
    if (it === undefined) {
      throw new KnowrecError('validation', `Unknown item id '${f[ci]}'`, { file, line: ln + 1, column: ci + 1 },
        'the split file must use the ids of the dataset it was exported from');
    }
    user.push(u);
    item.push(it);
    rating.push(cr < 0 ? 1 : parseNumber(f[cr], file, ln + 1, cr + 1));
    timestamp.push(ct < 0 ? 0 : parseNumber(f[ct], file, ln + 1, ct + 1));
  }
  return {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(rating),
    timestamp: Float64Array.from(timestamp),
  };
}

function parseNumber(s: string, file: string, line: number, column: number): number {
  const t = s.trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) {
    throw new KnowrecError('parse', `'${s}' is not a number`, { file, line, column }, 'write a decimal number such as 4 or 881250949');
  }
  return v;
}

function indexOf(ids: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) m.set(ids[i], i);
  return m;
}

/** Writes the three benchmark files into `dir` (created if missing); returns their paths. */
export async function exportRecboleSplit(
  split: Split,
  dir: string,
  name: string,
  userIds: readonly string[],
  itemIds: readonly string[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const part of RECBOLE_PARTS) {
    const p = join(dir, recboleSplitFileName(name, part));
    await writeFile(p, formatInterFile(split[part], userIds, itemIds), 'utf8');
    paths.push(p);
  }
  return paths;
}

export interface ImportRecboleSplitOptions {
  /** Recorded in the returned split; default 'recbole-files'. */
  readonly protocol?: string;
  /** Recorded in the returned split; default 0 (unknown). */
  readonly seed?: number;
}

/** Reads `<name>.{train,valid,test}.inter` from `dir` back into a split over the given ids. */
export async function importRecboleSplit(
  dir: string,
  name: string,
  userIds: readonly string[],
  itemIds: readonly string[],
  opts: ImportRecboleSplitOptions = {},
): Promise<Split> {
  const parts: Interactions[] = [];
  for (const part of RECBOLE_PARTS) {
    const p = join(dir, recboleSplitFileName(name, part));
    let text: string;
    try {
      text = await readFile(p, 'utf8');
    } catch (e) {
      throw new KnowrecError('not-found', `Cannot read split file: ${(e as Error).message}`, { file: p },
        `export the split first, or check that '${name}' is the dataset name used in the file names`);
    }
    parts.push(parseInterFile(text, userIds, itemIds, p));
  }
  return {
    protocol: opts.protocol ?? 'recbole-files',
    seed: opts.seed ?? 0,
    nUsers: userIds.length,
    nItems: itemIds.length,
    train: parts[0],
    valid: parts[1],
    test: parts[2],
    coldItems: new Int32Array(0),
  };
}
