/**
 * Tables an analyst exports (CSV/TSV with any delimiter and quoting, Parquet, JSON Lines) read
 * through DuckDB: the CSV dialect and column types are sniffed, rows DuckDB cannot read are
 * collected in its reject tables and come back as `file, line N, column M: … (fix)` errors, and
 * columns are fetched chunk by chunk (2048 rows) so only the columns asked for are held in memory.
 * Line numbers: CSV lines count records (the header is line 1; a quoted field spanning lines
 * counts once, as DuckDB counts); JSON Lines lines are physical lines; Parquet "lines" are rows.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { KnowrecError, throwIfAborted } from '../errors';
import { checkSize, echo, MAX_FIELD_BYTES } from './limits';

export type TableFormat = 'csv' | 'parquet' | 'jsonl';

export interface TableColumn {
  readonly name: string;
  /** DuckDB type as sniffed (VARCHAR, BIGINT, DOUBLE, TIMESTAMP, VARCHAR[], …). */
  readonly type: string;
}

export interface TableSample {
  readonly file: string;
  readonly format: TableFormat;
  /** CSV only: the sniffed delimiter. */
  readonly delimiter?: string;
  readonly columns: readonly TableColumn[];
  /** The first rows, every value as text (null: empty). */
  readonly rows: readonly (readonly (string | null)[])[];
  /** Line of the first data row. */
  readonly firstLine: number;
}

/**
 * A tab-separated file whose quotes are text, not quoting: DuckDB refused rows for a quote inside
 * an unquoted field (`"Weird Al" Yankovic`), and the whole file reads without quoting with no row
 * refused. `rows` counts the rows refused with quoting, `lines` gives the first few.
 */
export interface QuotesAsText {
  readonly file: string;
  readonly rows: number;
  readonly lines: readonly number[];
}

/** How a column is fetched: text, a number (float64), or a time in Unix seconds. */
export type ReadAs = 'string' | 'number' | 'time';

export interface ColumnRequest {
  readonly name: string;
  readonly as: ReadAs;
}

export interface ReadTable {
  readonly file: string;
  /** One array per requested column: string[] ('' for empty) or Float64Array (NaN for empty). */
  readonly columns: readonly (string[] | Float64Array)[];
  readonly lines: Int32Array;
  /** 1-based position of each requested column in the file. */
  readonly positions: readonly number[];
}

export interface ReadOptions {
  readonly signal?: AbortSignal;
  /** Called after each chunk with the rows read so far. */
  readonly onRows?: (rows: number) => void;
}

/** The format of a table file, by its extension (anything else is read as delimited text). */
export function tableFormat(file: string): TableFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  return 'csv';
}

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const TIME_TYPE = /^(DATE|TIMESTAMP.*|TIME.*)$/;
const NUMBER_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** Whether DuckDB sniffed `type` as a number (ids may be numbers too). */
export function isNumberType(type: string): boolean {
  return NUMBER_TYPE.test(type);
}

export function isTimeType(type: string): boolean {
  return TIME_TYPE.test(type);
}

/** Fixes for DuckDB's CSV reject kinds. */
const REJECT_FIX: Readonly<Record<string, string>> = {
  CAST: 'write a number here, or leave the field empty, or map another column',
  'MISSING COLUMNS': 'this row has fewer fields than the header: add the missing fields or quote a value holding the delimiter',
  'TOO MANY COLUMNS': 'this row has more fields than the header: quote values holding the delimiter',
  'UNQUOTED VALUE': 'a quote is not closed, or appears inside an unquoted field: close it, or quote the whole field and double inner quotes ("")',
  'LINE SIZE OVER MAXIMUM': 'a line is too long: check for an unclosed quote',
  'INVALID UNICODE': 'save the file as UTF-8',
  'INVALID ENCODING': 'save the file as UTF-8',
};

/** One DuckDB database in memory for the reads of an import. Close it when done. */
export class TableReader {
  private scans = 0;
  private lastScan = '';
  /** Files read with quotes as text (see QuotesAsText). */
  private readonly literal = new Map<string, QuotesAsText>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
  ) {}

  static async open(): Promise<TableReader> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    return new TableReader(instance, await instance.connect());
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }

  /** The file's columns, sniffed types and first `n` rows (as text). */
  async sample(file: string, n = 10): Promise<TableSample> {
    checkFile(file);
    const format = tableFormat(file);
    const scan = this.nextScan();
    const from = this.source(file, format, scan, {});
    const desc = await this.query(file, `DESCRIBE SELECT * FROM ${from}`).catch(async (e: unknown) => {
      if (format === 'csv' && (await this.quotesAsText(file))) return null;
      if (format === 'csv') await this.diagnoseCsv(file);
      throw e;
    });
    if (desc === null) return this.sample(file, n);
    const columns = desc.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
    if (format === 'csv' && columns.length === 1) {
      if (await this.quotesAsText(file)) return this.sample(file, n);
      await this.diagnoseCsv(file);
    }
    const cast = columns.map((c) => `CAST(${ident(c.name)} AS VARCHAR)`).join(', ');
    const rows = (await this.query(file, `SELECT ${cast} FROM ${from} LIMIT ${Math.max(n, 1)}`)).slice(0, n).map((r) => r.map((v) => (v === null ? null : String(v))));
    if (format !== 'csv') return { file, format, columns, rows, firstLine: 1 };
    // the dialect as DuckDB's sniffer sees it (a file it cannot sniff alone keeps the defaults)
    const noQuote = this.literal.has(file) ? `, quote='', escape=''` : '';
    const dialect = await this.query(file, `SELECT Delimiter, SkipRows, HasHeader FROM sniff_csv(${lit(file)}, sample_size=20480${noQuote})`).catch(() => []);
    const [delim, skip, header] = dialect[0] ?? [',', 0, true];
    return { file, format, delimiter: String(delim), columns, rows, firstLine: Number(skip) + (header === false ? 0 : 1) + 1 };
  }

  /**
   * Reads the requested columns of `file`, chunk by chunk. Rows DuckDB rejects (CSV) or values
   * that are not numbers or times where one is asked for fail with the line and column.
   */
  async read(file: string, request: readonly ColumnRequest[], opts: ReadOptions = {}): Promise<ReadTable> {
    const sample = await this.sample(file, 0);
    const positions = request.map((r) => {
      const i = sample.columns.findIndex((c) => c.name === r.name);
      if (i < 0) {
        throw new KnowrecError('validation', `there is no column "${echo(r.name, 40)}"`, { file }, `the columns are ${sample.columns.map((c) => `"${echo(c.name, 40)}"`).join(', ')}: fix the mapping`);
      }
      return i + 1;
    });
    const typeOf = (r: ColumnRequest, i: number): string => sample.columns[positions[i] - 1].type;
    // CSV: the reader types the columns (a value that is not a number is a reject, with its line)
    const types: Record<string, string> = {};
    if (sample.format === 'csv') {
      request.forEach((r, i) => {
        if (r.as === 'string') types[r.name] = 'VARCHAR';
        else if (!(r.as === 'time' && isTimeType(typeOf(r, i))) && !isNumberType(typeOf(r, i))) types[r.name] = 'DOUBLE';
      });
    }
    const scan = this.nextScan();
    const from = this.source(file, sample.format, scan, types);
    const exprs = request.map((r, i) => selectExpr(r, typeOf(r, i)));
    const rowNo = sample.format === 'parquet' ? ', file_row_number' : '';
    // CSV: every column stays in the scan (DuckDB 1.5 fails with an internal error when a pushed-down
    // projection of one column meets a row it rejects); only the requested ones are converted
    const rest = sample.format === 'csv' ? sample.columns.filter((c) => !request.some((r) => r.name === c.name)).map((c) => `, ${ident(c.name)}`) : [];
    const result = await this.run(file, `SELECT ${exprs.join(', ')}${rowNo}${rest.join('')} FROM ${from}`);
    const out = request.map((r) => (r.as === 'string' ? new StringColumn() : new NumberColumn(r.as === 'time')));
    const lines = new NumberColumn();
    let rows = 0;
    for (;;) {
      throwIfAborted(opts.signal);
      const chunk = await fetch(file, () => result.fetchChunk());
      if (chunk === null || chunk.rowCount === 0) break;
      for (let c = 0; c < out.length; c++) out[c].push(chunk.getColumnValues(c), file, sample.firstLine + rows, positions[c], request[c].name);
      const base = sample.firstLine + rows;
      if (rowNo !== '') for (const v of chunk.getColumnValues(out.length)) lines.pushOne(Number(v) + 1);
      else for (let r = 0; r < chunk.rowCount; r++) lines.pushOne(base + r);
      rows += chunk.rowCount;
      opts.onRows?.(rows);
    }
    if (sample.format === 'csv') {
      const reject = await this.firstReject(scan);
      // a quote inside an unquoted field past the sniffer's sample: read again with quotes as text
      if (reject !== null && reject[3] === 'UNQUOTED VALUE' && (await this.quotesAsText(file))) return this.read(file, request, opts);
      await this.throwRejects(file, scan);
    }
    return { file, columns: out.map((c) => c.done()), lines: Int32Array.from(lines.done()), positions };
  }

  /** The tab-separated files this reader read with quotes as text. */
  quotesReadAsText(): readonly QuotesAsText[] {
    return [...this.literal.values()];
  }

  /**
   * Whether `file` is tab-separated, refuses rows only for quotes inside unquoted fields, and
   * reads whole without quoting (tab-separated exports often carry quotes as text: a tab cannot
   * be inside a field there, so no quoting is needed). Records it; false when any part fails.
   */
  private async quotesAsText(file: string): Promise<boolean> {
    if (this.literal.has(file)) return false;
    const head = readFirstLine(file);
    if (head.split('\t').length < 2 || head.split('\t').length < head.split(',').length) return false;
    const names = head.split('\t').map((n, i) => n.trim() || `column${i + 1}`);
    const cols = `{${names.map((n) => `${lit(n)}: 'VARCHAR'`).join(', ')}}`;
    const scanWith = (quote: string): string => {
      const scan = this.nextScan();
      this.lastScan = scan;
      return `read_csv(${lit(file)}, auto_detect=false, header=true, delim='\t', quote=${lit(quote)}, escape=${lit(quote)}, columns=${cols}, max_line_size=${64 * 1024 * 1024}, store_rejects=true, rejects_table=${lit(`${scan}_errors`)}, rejects_scan=${lit(`${scan}_scan`)})`;
    };
    await this.query(file, `SELECT count(*) FROM ${scanWith('"')}`).catch(() => []);
    const quoted = await this.query(file, `SELECT line, error_type FROM ${this.lastScan}_errors ORDER BY line`).catch(() => null);
    if (quoted === null || quoted.length === 0 || quoted.some((r) => r[1] !== 'UNQUOTED VALUE')) return false;
    await this.query(file, `SELECT count(*) FROM ${scanWith('')}`).catch(() => []);
    const plain = await this.query(file, `SELECT count(*) FROM ${this.lastScan}_errors`).catch(() => null);
    if (plain === null || Number(plain[0][0]) !== 0) return false;
    this.literal.set(file, { file, rows: quoted.length, lines: quoted.slice(0, 5).map((r) => Number(r[0])) });
    return true;
  }

  /**
   * When DuckDB cannot sniff a CSV file (an unclosed quote, ragged rows), reads it again with the
   * delimiter the header line suggests and every column as text, and throws its first rejected
   * row with the line. Returns when there is nothing to say (a one-column file).
   */
  private async diagnoseCsv(file: string): Promise<void> {
    const head = readFirstLine(file);
    const delim = [',', ';', '\t', '|'].map((d) => [d, head.split(d).length] as const).sort((a, b) => b[1] - a[1])[0];
    if (delim[1] < 2) return;
    const names = head.split(delim[0]).map((n, i) => n.trim().replace(/^"(.*)"$/, '$1') || `column${i + 1}`);
    const scan = this.nextScan();
    const cols = `{${names.map((n) => `${lit(n)}: 'VARCHAR'`).join(', ')}}`;
    const from = `read_csv(${lit(file)}, auto_detect=false, header=true, delim=${lit(delim[0])}, quote='"', escape='"', columns=${cols}, max_line_size=${64 * 1024 * 1024}, store_rejects=true, rejects_table=${lit(`${scan}_errors`)}, rejects_scan=${lit(`${scan}_scan`)})`;
    await this.query(file, `SELECT count(*) FROM ${from}`).catch(() => []);
    await this.throwRejects(file, scan).catch((e: unknown) => {
      if (e instanceof KnowrecError) throw e;
    });
  }

  private nextScan(): string {
    this.scans++;
    return `knowrec_rejects_${this.scans}`;
  }

  /** The table function reading `file` (CSV rejects go to `<scan>_errors` / `<scan>_scan`). */
  private source(file: string, format: TableFormat, scan: string, types: Readonly<Record<string, string>>): string {
    if (format === 'parquet') return `read_parquet(${lit(file)}, file_row_number=true)`;
    const typed = Object.keys(types).length === 0 ? '' : `, types={${Object.entries(types).map(([k, v]) => `${lit(k)}: ${lit(v)}`).join(', ')}}`;
    if (format === 'jsonl') return `read_json(${lit(file)}, format='newline_delimited')`;
    if (this.literal.has(file)) {
      return `read_csv(${lit(file)}, delim='\t', quote='', escape='', max_line_size=${64 * 1024 * 1024}, store_rejects=true, rejects_table=${lit(`${scan}_errors`)}, rejects_scan=${lit(`${scan}_scan`)}, sample_size=20480${typed})`;
    }
    // quotes are always ", doubled inside a field (an unclosed quote is an error, not text); a
    // line may reach 64 MB so that an overlong field is refused with its line (StringColumn)
    return `read_csv(${lit(file)}, quote='"', escape='"', max_line_size=${64 * 1024 * 1024}, store_rejects=true, rejects_table=${lit(`${scan}_errors`)}, rejects_scan=${lit(`${scan}_scan`)}, sample_size=20480${typed})`;
  }

  /** The first row DuckDB refused in a scan: [line, column_idx, column_name, error_type, csv_line]; null when none. */
  private async firstReject(scan: string): Promise<unknown[] | null> {
    const rows = await this.con.runAndReadAll(`SELECT line, column_idx, column_name, error_type, csv_line FROM ${scan}_errors ORDER BY line LIMIT 1`);
    return (rows.getRows()[0] as unknown[] | undefined) ?? null;
  }

  private async throwRejects(file: string, scan: string): Promise<void> {
    const rows = await this.query(file, `SELECT line, column_idx, column_name, error_type, csv_line, error_message FROM ${scan}_errors ORDER BY line`);
    if (rows.length === 0) return;
    const [line, idx, name, kind, text] = rows[0];
    // DuckDB numbers CAST columns from 1 and names the last column read for a short row
    const col = Number(idx) + (kind === 'MISSING COLUMNS' ? 1 : 0);
    const more = rows.length > 1 ? `; ${rows.length - 1} more row${rows.length > 2 ? 's' : ''} could not be read (lines ${rows.slice(1, 6).map((r) => String(r[0])).join(', ')}${rows.length > 6 ? ', …' : ''})` : '';
    const what = kind === 'CAST' ? `the value in column "${echo(String(name), 40)}" is not a number` : `DuckDB could not read the row (${String(kind).toLowerCase()})`;
    throw new KnowrecError(
      'parse',
      `${what}: "${echo(String(text), 60)}"${more}`,
      { file, line: Number(line), column: col },
      REJECT_FIX[String(kind)] ?? 'fix the row or remove it',
    );
  }

  private async run(file: string, sql: string): Promise<Awaited<ReturnType<DuckDBConnection['stream']>>> {
    try {
      return await this.con.stream(sql);
    } catch (e) {
      throw duckError(file, e);
    }
  }

  private async query(file: string, sql: string): Promise<unknown[][]> {
    try {
      return (await this.con.runAndReadAll(sql)).getRows() as unknown[][];
    } catch (e) {
      throw duckError(file, e);
    }
  }
}

async function fetch<T>(file: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw duckError(file, e);
  }
}

/** Lists join with U+001F (split again by the mapping); numbers stay numbers; anything else is text parsed in JS (with its line). */
function selectExpr(r: ColumnRequest, type: string): string {
  const c = ident(r.name);
  if (r.as === 'string') return type.endsWith('[]') ? `array_to_string(${c}, chr(31))` : `CAST(${c} AS VARCHAR)`;
  if (r.as === 'time' && isTimeType(type)) return `CAST(epoch(${c}) AS DOUBLE)`;
  return isNumberType(type) || type === 'DOUBLE' ? `CAST(${c} AS DOUBLE)` : `CAST(${c} AS VARCHAR)`;
}

/** U+001F: joins the values of a list column (JSON arrays, Parquet lists). */
export const LIST_JOIN = '\u001f';

/** The first line of a text file (at most 64 KB read). */
function readFirstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split(/\r?\n/)[0].replace(/^\ufeff/, '');
  } finally {
    closeSync(fd);
  }
}

function checkFile(file: string): void {
  if (!existsSync(file) || !statSync(file).isFile()) throw new KnowrecError('not-found', 'no file at this path', { file }, 'check the path');
  if (statSync(file).size === 0) throw new KnowrecError('validation', 'the file is empty', { file }, 'export the table again, with its header row');
}

/** A DuckDB error as a KnowrecError, with the line when DuckDB names one. */
export function duckError(file: string, e: unknown): KnowrecError {
  if (e instanceof KnowrecError) return e;
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  // DuckDB 1.5 names the line after a malformed JSON line
  const at = /in line (\d+)/.exec(msg);
  const line = at === null ? undefined : Math.max(1, Number(at[1]) - (tableFormat(file) === 'jsonl' ? 1 : 0));
  const core = msg.replace(/^[A-Za-z ]+ Error: /, '').replace(/ in file "[^"]*"/, '').replace(/,? at byte \d+ in line \d+/, '').trim();
  const hint =
    tableFormat(file) === 'jsonl'
      ? 'each line must be one JSON object: fix or remove this line'
      : tableFormat(file) === 'parquet'
        ? 'check that the file is Parquet (written completely)'
        : 'check the delimiter and quoting of this row';
  return new KnowrecError('parse', `could not be read: ${echo(core, 160)}`, { file, line }, hint);
}

/** Grows a string column; equal values share one string (ids repeat across millions of rows). */
class StringColumn {
  private readonly values: string[] = [];
  private readonly pool = new Map<string, string>();

  push(vals: readonly unknown[], file: string, firstLine: number, column: number, name: string): void {
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (v === null || v === undefined) {
        this.values.push('');
        continue;
      }
      const s = String(v);
      if (s.length > 64) {
        checkSize(s, MAX_FIELD_BYTES, `the value in column "${echo(name, 40)}"`, { file, line: firstLine + i, column });
        this.values.push(s);
        continue;
      }
      let p = this.pool.get(s);
      if (p === undefined) {
        p = s;
        if (this.pool.size < 4_000_000) this.pool.set(s, s);
      }
      this.values.push(p);
    }
  }

  done(): string[] {
    this.pool.clear();
    return this.values;
  }
}

/** Grows a float64 column in doubling blocks. */
class NumberColumn {
  private buf = new Float64Array(4096);
  private n = 0;

  constructor(private readonly time = false) {}

  push(vals: readonly unknown[], file: string, firstLine: number, column: number, name: string): void {
    for (let i = 0; i < vals.length; i++) {
      const x = this.parse(vals[i]);
      if (Number.isNaN(x) && vals[i] !== null && vals[i] !== undefined && String(vals[i]).trim() !== '') {
        const want = this.time ? 'a number or a date-time' : 'a finite number';
        throw new KnowrecError('validation', `the value "${echo(String(vals[i]), 40)}" in column "${echo(name, 40)}" is not ${want}`, { file, line: firstLine + i, column }, `write ${want} or leave it empty`);
      }
      this.pushOne(x);
    }
  }

  private parse(v: unknown): number {
    if (v === null || v === undefined) return NaN;
    if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
    const s = String(v).trim();
    if (s === '') return NaN;
    const x = Number(s);
    if (Number.isFinite(x)) return x;
    if (!this.time) return NaN;
    const t = Date.parse(s);
    return Number.isFinite(t) ? t / 1000 : NaN;
  }

  pushOne(x: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = x;
  }

  done(): Float64Array {
    return this.buf.subarray(0, this.n);
  }
}
