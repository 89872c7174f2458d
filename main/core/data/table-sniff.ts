/**
 * Small delimited tables whose layout is not known in advance (KG triples tables, edge lists,
 * link tables): the delimiter is sniffed from the first lines (tab, comma, semicolon, pipe, else
 * a space) and the header is optional. Rows are read by the strict CSV reader (csv.ts), so
 * quoting and the line-precise errors are the same as for any CSV file.
 */
import { KnowrecError } from '../errors';
import { parseCsv, type CsvTable } from './csv';
import { readTextFile } from './text-file';

export interface SniffOptions {
  /** Field separator; default: sniffed. */
  readonly delimiter?: string;
  /**
   * true: the first row is a header; false: there is none (columns are named "1", "2", …);
   * 'auto' (default): a header when every cell of the first row is one of `headerWords`.
   */
  readonly header?: boolean | 'auto';
  /** Lowercase names that mark a header row under 'auto'. */
  readonly headerWords?: ReadonlySet<string>;
}

export interface SniffedTable extends CsvTable {
  readonly delimiter: string;
  readonly hasHeader: boolean;
}

const CANDIDATES = ['\t', ',', ';', '|'];
const SAMPLE_LINES = 20;

/** The delimiter that splits the first lines into the same number (≥ 2) of fields; else a space. */
export function sniffDelimiter(text: string): string {
  const lines = text
    .slice(0, 64 * 1024)
    .split(/\r?\n/)
    .filter((l) => l.trim().length > 0 && !l.startsWith('#'))
    .slice(0, SAMPLE_LINES)
    .map(unquoted);
  if (lines.length > 1) lines.pop(); // the last sampled line may be cut
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => l.split(d).length);
    if (counts.length > 0 && counts[0] >= 2 && counts.every((c) => c === counts[0])) return d;
  }
  return ' ';
}

/** The line with its double-quoted parts left out (a quoted delimiter does not count). */
export function unquoted(line: string): string {
  return line.replace(/"(?:[^"]|"")*"/g, '""');
}

/** Reads a delimited table with a sniffed delimiter and an optional header. */
export function readSniffedTable(path: string, opts: SniffOptions = {}): SniffedTable {
  return parseSniffedTable(readTextFile(path), path, opts);
}

export function parseSniffedTable(text: string, file: string, opts: SniffOptions = {}): SniffedTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = opts.delimiter ?? sniffDelimiter(text);
  const firstLine = text.split(/\r?\n/, 1)[0];
  const firstCells = unquoted(firstLine).split(delimiter).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  const hasHeader =
    opts.header === true ||
    (opts.header !== false && opts.headerWords !== undefined && firstCells.every((c) => opts.headerWords!.has(c)));
  if (hasHeader) return { ...parseCsv(text, file, { delimiter }), delimiter, hasHeader };
  // no header: name the columns 1..n and read the text as if a header line preceded it
  const names = firstCells.map((_, i) => String(i + 1));
  let table: CsvTable;
  try {
    table = parseCsv(`${names.join(delimiter)}\n${text}`, file, { delimiter });
  } catch (e) {
    throw e instanceof KnowrecError ? shiftLine(e, -1) : e;
  }
  return { ...table, lines: table.lines.map((l) => l - 1), delimiter, hasHeader };
}

/** The same error one or more lines up or down (the message is rebuilt from its parts). */
function shiftLine(e: KnowrecError, by: number): KnowrecError {
  const loc = e.location;
  if (loc.line === undefined) return e;
  const where = [loc.file, `line ${loc.line}`, loc.column !== undefined ? `column ${loc.column}` : undefined].filter((x) => x !== undefined).join(', ');
  let raw = e.message.startsWith(`${where}: `) ? e.message.slice(where.length + 2) : e.message;
  if (e.hint !== undefined && raw.endsWith(` (${e.hint})`)) raw = raw.slice(0, raw.length - e.hint.length - 3);
  return new KnowrecError(e.code, raw, { ...loc, line: Math.max(1, loc.line + by) }, e.hint);
}
