/**
 * RecBole atomic files (.inter, .item, .user, .kg, .link): UTF-8, tab-separated, one header
 * line of `name:type` fields (types token, token_seq, float, float_seq), one row per line.
 * Sequences are space-separated. Blank lines are skipped; CRLF line ends are accepted.
 * An empty float field is read as NaN (missing); anything else that is not a finite decimal
 * number is an error naming the file, line and column. Fields longer than MAX_FIELD_BYTES and
 * column names longer than MAX_HEADER_NAME_BYTES are errors.
 */
import { KnowrecError } from '../errors';
import { checkSize, echo, MAX_FIELD_BYTES, MAX_HEADER_NAME_BYTES, overLimit } from './limits';
import { readTextFile } from './text-file';

export type AtomicType = 'token' | 'token_seq' | 'float' | 'float_seq';
export const ATOMIC_TYPES: readonly AtomicType[] = ['token', 'token_seq', 'float', 'float_seq'];

export type AtomicColumn =
  | { readonly name: string; readonly type: 'token'; readonly values: string[] }
  | { readonly name: string; readonly type: 'token_seq'; readonly values: string[][] }
  | { readonly name: string; readonly type: 'float'; readonly values: Float64Array }
  | { readonly name: string; readonly type: 'float_seq'; readonly values: Float64Array[] };

export interface AtomicTable {
  readonly file: string;
  readonly columns: readonly AtomicColumn[];
  /** Number of data rows. */
  readonly rows: number;
  /** 1-based source line of each data row. */
  readonly lines: Int32Array;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a decimal number strictly; '' → NaN; anything else → undefined. A well-formed number
 * beyond the float64 range (1e999) comes back as ±Infinity: callers must refuse it.
 */
export function parseDecimal(s: string): number | undefined {
  if (s.length === 0) return NaN;
  return NUMBER.test(s) ? Number(s) : undefined;
}

/** A number outside the float64 range (e.g. 1e999) at a file position. */
export function outOfRange(column: string, v: string, file: string, line: number, col: number): KnowrecError {
  return new KnowrecError(
    'parse',
    `the number "${echo(v, 40)}" in column "${echo(column, 40)}" is beyond the float64 range (±1.8e308)`,
    { file, line, column: col },
    'numbers must be finite; fix the value or leave it empty if unknown',
  );
}

interface Builder {
  name: string;
  type: AtomicType;
  tokens: string[];
  seqs: string[][];
  floats: number[];
  floatSeqs: Float64Array[];
}

export function readAtomicFile(path: string): AtomicTable {
  return parseAtomic(readTextFile(path), path);
}

export function parseAtomic(text: string, file: string): AtomicTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const n = text.length;
  let pos = 0;
  let lineNo = 0;
  let builders: Builder[] | null = null;
  const lines: number[] = [];

  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let stop = end;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--;
    const line = text.slice(pos, stop);
    pos = end + 1;
    lineNo++;
    if (builders === null) {
      builders = parseHeader(line, file, lineNo);
      continue;
    }
    if (line.length === 0) continue;
    const fields = line.split('\t');
    if (fields.length !== builders.length) {
      const expected = echo(builders.map((b) => b.name).join(', '));
      const column = Math.min(fields.length, builders.length) + 1;
      throw new KnowrecError(
        'parse',
        `expected ${builders.length} tab-separated fields (${expected}) but found ${fields.length}`,
        { file, line: lineNo, column },
        fields.length < builders.length
          ? 'add the missing fields (an empty value still needs its tab)'
          : 'remove the extra fields, or declare them in the header; spaces inside a value must not be tabs',
      );
    }
    for (let c = 0; c < fields.length; c++) addValue(builders[c], fields[c], file, lineNo, c + 1);
    lines.push(lineNo);
  }
  if (builders === null) {
    throw new KnowrecError('parse', 'the file is empty', { file, line: 1 }, 'a RecBole atomic file needs a header line of name:type fields');
  }
  if (lines.length === 0) {
    throw new KnowrecError('parse', 'the file has a header but no data rows', { file, line: 2 }, 'add data rows or leave the file out');
  }
  return { file, columns: builders.map(finish), rows: lines.length, lines: Int32Array.from(lines) };
}

function parseHeader(line: string, file: string, lineNo: number): Builder[] {
  if (line.trim().length === 0) {
    throw new KnowrecError('parse', 'the header line is empty', { file, line: lineNo }, 'the first line must list the columns as name:type, separated by tabs');
  }
  const seen = new Set<string>();
  return line.split('\t').map((f, i): Builder => {
    const at = { file, line: lineNo, column: i + 1 };
    const colon = f.lastIndexOf(':');
    if (colon <= 0) {
      throw new KnowrecError(
        'parse',
        `header field "${echo(f)}" is not of the form name:type`,
        at,
        `write it as e.g. "${f.length > 0 ? echo(f, 40) : 'item_id'}:token"; types are ${ATOMIC_TYPES.join(', ')}`,
      );
    }
    const name = f.slice(0, colon);
    const type = f.slice(colon + 1);
    if (!(ATOMIC_TYPES as readonly string[]).includes(type)) {
      throw new KnowrecError('parse', `header field "${echo(f)}" has unknown type "${echo(type, 20)}"`, at, `use one of ${ATOMIC_TYPES.join(', ')}`);
    }
    checkSize(name, MAX_HEADER_NAME_BYTES, 'the column name', at, 'column names are short names such as item_id');
    if (seen.has(name)) throw new KnowrecError('parse', `column "${echo(name)}" is declared twice in the header`, at, 'rename or remove one of them');
    seen.add(name);
    return { name, type: type as AtomicType, tokens: [], seqs: [], floats: [], floatSeqs: [] };
  });
}

function addValue(b: Builder, v: string, file: string, line: number, column: number): void {
  if (overLimit(v, MAX_FIELD_BYTES)) checkSize(v, MAX_FIELD_BYTES, `the value in column "${echo(b.name, 40)}"`, { file, line, column });
  switch (b.type) {
    case 'token':
      b.tokens.push(v);
      return;
    case 'token_seq':
      b.seqs.push(splitSeq(v));
      return;
    case 'float': {
      const x = parseDecimal(v);
      if (x === undefined) throw badNumber(b.name, v, file, line, column);
      if (x === Infinity || x === -Infinity) throw outOfRange(b.name, v, file, line, column);
      b.floats.push(x);
      return;
    }
    case 'float_seq': {
      const parts = splitSeq(v);
      const arr = new Float64Array(parts.length);
      for (let i = 0; i < parts.length; i++) {
        const x = parseDecimal(parts[i]);
        if (x === undefined) throw badNumber(b.name, parts[i], file, line, column, i + 1);
        if (x === Infinity || x === -Infinity) throw outOfRange(b.name, parts[i], file, line, column);
        arr[i] = x;
      }
      b.floatSeqs.push(arr);
      return;
    }
  }
}

function splitSeq(v: string): string[] {
  if (v.length === 0) return [];
  const parts = v.split(' ');
  return parts.indexOf('') < 0 ? parts : parts.filter((p) => p.length > 0);
}

function badNumber(name: string, v: string, file: string, line: number, column: number, element?: number): KnowrecError {
  const where = element !== undefined ? ` (element ${element} of the sequence)` : '';
  return new KnowrecError(
    'parse',
    `expected a number in float column "${echo(name, 40)}" but found "${echo(v, 40)}"${where}`,
    { file, line, column },
    'fix the value (decimal notation, e.g. 3 or 4.5; leave it empty if unknown) or declare the column as :token',
  );
}

function finish(b: Builder): AtomicColumn {
  switch (b.type) {
    case 'token':
      return { name: b.name, type: 'token', values: b.tokens };
    case 'token_seq':
      return { name: b.name, type: 'token_seq', values: b.seqs };
    case 'float':
      return { name: b.name, type: 'float', values: Float64Array.from(b.floats) };
    case 'float_seq':
      return { name: b.name, type: 'float_seq', values: b.floatSeqs };
  }
}

/** The column called `name`, if any. */
export function findColumn(table: AtomicTable, name: string): AtomicColumn | undefined {
  return table.columns.find((c) => c.name === name);
}

/** Column `name` as string ids; it must exist and be a token column. */
export function tokenColumn(table: AtomicTable, name: string): string[] {
  const c = requireColumn(table, name, ['token']);
  return (c as Extract<AtomicColumn, { type: 'token' }>).values;
}

/** Column `name` as numbers (NaN = missing), or null when the table has no such column. */
export function optionalFloatColumn(table: AtomicTable, name: string): Float64Array | null {
  const c = findColumn(table, name);
  if (c === undefined) return null;
  if (c.type !== 'float') throw wrongType(table, c, ['float']);
  return c.values;
}

/** The column called `name`; it must exist with one of `types`. */
export function requireColumn(table: AtomicTable, name: string, types: readonly AtomicType[]): AtomicColumn {
  const i = table.columns.findIndex((c) => c.name === name);
  if (i < 0) {
    const have = echo(table.columns.map((c) => `${c.name}:${c.type}`).join(', '));
    throw new KnowrecError(
      'validation',
      `the header has no column "${echo(name, 40)}" (it has ${have})`,
      { file: table.file, line: 1 },
      `add a "${name}:${types[0]}" column or rename the matching one`,
    );
  }
  const c = table.columns[i];
  if (!types.includes(c.type)) throw wrongType(table, c, types);
  return c;
}

function wrongType(table: AtomicTable, c: AtomicColumn, types: readonly AtomicType[]): KnowrecError {
  const i = table.columns.indexOf(c);
  return new KnowrecError(
    'validation',
    `column "${echo(c.name, 40)}" is declared ${c.type} but must be ${types.join(' or ')}`,
    { file: table.file, line: 1, column: i + 1 },
    `change the header to "${echo(c.name, 40)}:${types[0]}"`,
  );
}
