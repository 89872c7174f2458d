/**
 * CSV/TSV reader (RFC 4180): a header row, fields separated by a delimiter, fields may be
 * double-quoted and then hold delimiters, line breaks and doubled quotes (""). CRLF or LF line
 * ends; blank lines are skipped. Every row must have as many fields as the header.
 * Errors name the file, the line and the column (1-based field number).
 */
import { extname } from 'node:path';
import { KnowrecError } from '../errors';
import { readTextFile } from './text-file';

export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  /** Data rows, each with header.length fields. */
  readonly rows: readonly (readonly string[])[];
  /** 1-based line where each data row starts. */
  readonly lines: Int32Array;
}

export interface CsvOptions {
  /** Field separator; default: tab for .tsv/.tab files, else comma. */
  readonly delimiter?: string;
}

/** Maps a role (user, item, rating, ...) to a header name. */
export type ColumnMapping = Readonly<Record<string, string | undefined>>;

const QUOTE = 34;
const LF = 10;
const CR = 13;

export function readCsvFile(path: string, options: CsvOptions = {}): CsvTable {
  const ext = extname(path).toLowerCase();
  const delimiter = options.delimiter ?? (ext === '.tsv' || ext === '.tab' ? '\t' : ',');
  return parseCsv(readTextFile(path), path, { delimiter });
}

export function parseCsv(text: string, file: string, options: CsvOptions = {}): CsvTable {
  const delim = options.delimiter ?? ',';
  if (delim.length !== 1 || delim === '"' || delim === '\n' || delim === '\r') {
    throw new KnowrecError('config', `invalid CSV delimiter ${JSON.stringify(delim)}`, { file }, 'use one character such as "," or a tab');
  }
  const D = delim.charCodeAt(0);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const n = text.length;
  let i = 0;
  let line = 1;
  let header: string[] | null = null;
  const rows: string[][] = [];
  const lines: number[] = [];

  while (i < n) {
    // one record
    const recordLine = line;
    const rec: string[] = [];
    let quoted = false;
    for (;;) {
      const c = text.charCodeAt(i);
      let field: string;
      if (c === QUOTE) {
        quoted = true;
        const openLine = line;
        const col = rec.length + 1;
        let j = i + 1;
        let value = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            throw new KnowrecError(
              'parse',
              'unclosed double quote: the quoted field starting here never ends',
              { file, line: openLine, column: col },
              'close the quote, and write a quote inside a quoted field as two quotes ("")',
            );
          }
          for (let k = text.indexOf('\n', j); k >= 0 && k < q; k = text.indexOf('\n', k + 1)) line++;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(j, q + 1);
            j = q + 2;
            continue;
          }
          value += text.slice(j, q);
          i = q + 1;
          break;
        }
        field = value;
        const d = text.charCodeAt(i);
        if (i < n && d !== D && d !== LF && !(d === CR && (i + 1 >= n || text.charCodeAt(i + 1) === LF))) {
          throw new KnowrecError(
            'parse',
            `unexpected character ${JSON.stringify(text[i])} after the closing quote`,
            { file, line, column: col },
            'a quoted field must end right before a delimiter or the line end; write inner quotes as ""',
          );
        }
      } else {
        let j = i;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === D || d === LF) break;
          if (d === QUOTE) {
            throw new KnowrecError(
              'parse',
              'a double quote inside an unquoted field',
              { file, line, column: rec.length + 1 },
              'put the whole field in double quotes and write the inner quote as ""',
            );
          }
          j++;
        }
        let e = j;
        if ((j >= n || text.charCodeAt(j) === LF) && e > i && text.charCodeAt(e - 1) === CR) e--;
        field = text.slice(i, e);
        i = j;
      }
      rec.push(field);
      // after a field: delimiter → next field; line end or EOF → record done
      if (i >= n) break;
      const d = text.charCodeAt(i);
      if (d === D) {
        i++;
        if (i >= n) {
          rec.push('');
          break;
        }
        continue;
      }
      if (d === CR) i++;
      i++; // LF
      line++;
      break;
    }
    if (rec.length === 1 && rec[0].length === 0 && !quoted) continue; // blank line
    if (header === null) {
      header = rec;
      continue;
    }
    if (rec.length !== header.length) {
      throw new KnowrecError(
        'parse',
        `expected ${header.length} fields (${header.join(', ')}) but found ${rec.length}`,
        { file, line: recordLine, column: Math.min(rec.length, header.length) + 1 },
        rec.length > header.length
          ? `fields containing "${delim === '\t' ? '\\t' : delim}" must be double-quoted`
          : 'add the missing fields (an empty value still needs its delimiter)',
      );
    }
    rows.push(rec);
    lines.push(recordLine);
  }
  if (header === null) {
    throw new KnowrecError('parse', 'the file is empty', { file, line: 1 }, 'a CSV file needs a header row');
  }
  if (rows.length === 0) {
    throw new KnowrecError('parse', 'the file has a header but no data rows', { file, line: 2 }, 'add data rows or leave the file out');
  }
  return { file, header, rows, lines: Int32Array.from(lines) };
}

/**
 * Column index of each mapped role. Roles listed in `required` must be mapped and present;
 * optional roles that are mapped must be present too; unmapped optional roles get -1.
 */
export function mapColumns<R extends string>(
  table: CsvTable,
  mapping: Readonly<Partial<Record<R, string>>>,
  required: readonly R[],
): Record<R, number> {
  const out = {} as Record<R, number>;
  for (const role of Object.keys(mapping) as R[]) out[role] = -1;
  for (const role of required) if (!(role in out)) out[role] = -1;
  for (const role of Object.keys(out) as R[]) {
    const name = mapping[role];
    if (name === undefined) {
      if (required.includes(role)) {
        throw new KnowrecError('config', `no column is mapped to "${role}"`, { file: table.file }, `map it, e.g. { ${role}: '<header name>' }`);
      }
      continue;
    }
    const idx = table.header.indexOf(name);
    if (idx < 0) {
      throw new KnowrecError(
        'validation',
        `the header has no column "${name}" (mapped to ${role}); it has ${table.header.map((h) => `"${h}"`).join(', ')}`,
        { file: table.file, line: 1 },
        'fix the column mapping or the header',
      );
    }
    out[role] = idx;
  }
  return out;
}

/** Values of column `col` parsed as numbers; '' → NaN; non-numbers throw with line and column. */
export function numericColumn(table: CsvTable, col: number): Float64Array {
  const out = new Float64Array(table.rows.length);
  const re = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
  for (let r = 0; r < table.rows.length; r++) {
    const v = table.rows[r][col];
    if (v.trim().length === 0) {
      out[r] = NaN;
      continue;
    }
    if (!re.test(v)) {
      throw new KnowrecError(
        'parse',
        `expected a number in column "${table.header[col]}" but found "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`,
        { file: table.file, line: table.lines[r], column: col + 1 },
        'fix the value (decimal notation; leave it empty if unknown) or map another column',
      );
    }
    out[r] = Number(v);
  }
  return out;
}

/** Values of column `col` as strings. */
export function stringColumn(table: CsvTable, col: number): string[] {
  const out = new Array<string>(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) out[r] = table.rows[r][col];
  return out;
}
