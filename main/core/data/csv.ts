/**
 * CSV/TSV reader (RFC 4180): a header row, fields separated by a delimiter, fields may be
 * double-quoted and then hold delimiters, line breaks and doubled quotes (""). CRLF or LF line
 * ends; blank lines are skipped. Every row must have as many fields as the header; header names
 * are unique and at most MAX_HEADER_NAME_BYTES, fields at most MAX_FIELD_BYTES long.
 * Errors name the file, the line and the column (1-based field number).
 */
import { extname } from 'node:path';
import { KnowrecError } from '../errors';
import { checkSize, echo, MAX_FIELD_BYTES, MAX_HEADER_NAME_BYTES, overLimit } from './limits';
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const reader = new RecordReader(text, file, delim.charCodeAt(0));
  let header: string[] | null = null;
  const rows: string[][] = [];
  const lines: number[] = [];
  while (!reader.done()) {
    const recordLine = reader.line;
    const { fields, quoted } = reader.record();
    if (fields.length === 1 && fields[0].length === 0 && !quoted) continue; // blank line
    if (header === null) {
      header = checkHeader(fields, file, recordLine);
      continue;
    }
    if (fields.length !== header.length) throw fieldCountError(fields, header, delim, file, recordLine);
    for (let c = 0; c < fields.length; c++) {
      if (overLimit(fields[c], MAX_FIELD_BYTES)) checkSize(fields[c], MAX_FIELD_BYTES, `the value in column "${echo(header[c], 40)}"`, { file, line: recordLine, column: c + 1 });
    }
    rows.push(fields);
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

/** Header names: at most MAX_HEADER_NAME_BYTES each, no name twice. */
function checkHeader(names: string[], file: string, line: number): string[] {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const at = { file, line, column: i + 1 };
    checkSize(name, MAX_HEADER_NAME_BYTES, 'the column name', at, 'column names are short names such as userId');
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new KnowrecError('parse', `column "${echo(name, 40)}" appears twice in the header (columns ${prev + 1} and ${i + 1})`, at, 'rename or remove one of them');
    }
    seen.set(name, i);
  });
  return names;
}

function fieldCountError(fields: readonly string[], header: readonly string[], delim: string, file: string, line: number): KnowrecError {
  return new KnowrecError(
    'parse',
    `expected ${header.length} fields (${echo(header.join(', '))}) but found ${fields.length}`,
    { file, line, column: Math.min(fields.length, header.length) + 1 },
    fields.length > header.length
      ? `fields containing "${delim === '\t' ? '\\t' : delim}" must be double-quoted`
      : 'add the missing fields (an empty value still needs its delimiter)',
  );
}

/** Reads CSV text record by record, counting lines for error messages. */
class RecordReader {
  /** Line (1-based) at the read position. */
  line = 1;
  private i = 0;
  private readonly n: number;

  constructor(
    private readonly text: string,
    private readonly file: string,
    /** Delimiter character code. */
    private readonly delim: number,
  ) {
    this.n = text.length;
  }

  done(): boolean {
    return this.i >= this.n;
  }

  /** The next record; `quoted` is true when any field was quoted (so an empty one is not blank). */
  record(): { fields: string[]; quoted: boolean } {
    const fields: string[] = [];
    let quoted = false;
    for (;;) {
      if (this.text.charCodeAt(this.i) === QUOTE) {
        quoted = true;
        fields.push(this.quotedField(fields.length + 1));
      } else {
        fields.push(this.plainField(fields.length + 1));
      }
      // after a field: delimiter → next field; line end or EOF → record done
      if (this.i >= this.n) break;
      const d = this.text.charCodeAt(this.i);
      if (d === this.delim) {
        this.i++;
        if (this.i >= this.n) {
          fields.push('');
          break;
        }
        continue;
      }
      if (d === CR) this.i++;
      this.i++; // LF
      this.line++;
      break;
    }
    return { fields, quoted };
  }

  /** A field starting at a double quote; `col` is its 1-based field number. */
  private quotedField(col: number): string {
    const { text, n, file } = this;
    const openLine = this.line;
    let j = this.i + 1;
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
      for (let k = text.indexOf('\n', j); k >= 0 && k < q; k = text.indexOf('\n', k + 1)) this.line++;
      if (text.charCodeAt(q + 1) === QUOTE) {
        value += text.slice(j, q + 1);
        j = q + 2;
        continue;
      }
      value += text.slice(j, q);
      this.i = q + 1;
      break;
    }
    const i = this.i;
    const d = text.charCodeAt(i);
    if (i < n && d !== this.delim && d !== LF && !(d === CR && (i + 1 >= n || text.charCodeAt(i + 1) === LF))) {
      throw new KnowrecError(
        'parse',
        `unexpected character ${JSON.stringify(text[i])} after the closing quote`,
        { file, line: this.line, column: col },
        'a quoted field must end right before a delimiter or the line end; write inner quotes as ""',
      );
    }
    return value;
  }

  /** A field without quotes, up to the delimiter or the line end (a CR before LF dropped). */
  private plainField(col: number): string {
    const { text, n, i } = this;
    let j = i;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === this.delim || d === LF) break;
      if (d === QUOTE) {
        throw new KnowrecError(
          'parse',
          'a double quote inside an unquoted field',
          { file: this.file, line: this.line, column: col },
          'put the whole field in double quotes and write the inner quote as ""',
        );
      }
      j++;
    }
    let e = j;
    if ((j >= n || text.charCodeAt(j) === LF) && e > i && text.charCodeAt(e - 1) === CR) e--;
    this.i = j;
    return text.slice(i, e);
  }
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
        `the header has no column "${echo(name, 40)}" (mapped to ${role}); it has ${echo(table.header.map((h) => `"${h}"`).join(', '))}`,
        { file: table.file, line: 1 },
        'fix the column mapping or the header',
      );
    }
    out[role] = idx;
  }
  return out;
}

/**
 * Values of column `col` parsed as numbers; '' → NaN; non-numbers and numbers beyond the float64
 * range throw with line and column.
 */
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
        `expected a number in column "${echo(table.header[col], 40)}" but found "${echo(v, 40)}"`,
        { file: table.file, line: table.lines[r], column: col + 1 },
        'fix the value (decimal notation; leave it empty if unknown) or map another column',
      );
    }
    const x = Number(v);
    if (!Number.isFinite(x)) {
      throw new KnowrecError(
        'parse',
        `the number "${echo(v.trim(), 40)}" in column "${echo(table.header[col], 40)}" is beyond the float64 range (±1.8e308)`,
        { file: table.file, line: table.lines[r], column: col + 1 },
        'numbers must be finite; fix the value or leave it empty if unknown',
      );
    }
    out[r] = x;
  }
  return out;
}

/** Values of column `col` as strings. */
export function stringColumn(table: CsvTable, col: number): string[] {
  const out = new Array<string>(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) out[r] = table.rows[r][col];
  return out;
}
