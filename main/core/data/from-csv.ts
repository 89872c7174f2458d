/**
 * CSV/TSV tables → raw tables through a column mapping, e.g. MovieLens
 * { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' }.
 */
import { join } from 'node:path';
import { KnowrecError } from '../errors';
import { mapColumns, numericColumn, readCsvFile, stringColumn, type CsvTable } from './csv';
import { echo } from './limits';
import type { AttributeValue, RawDataset, RawInteractions, RawItems } from './raw';

export interface CsvInteractionMapping {
  readonly user: string;
  readonly item: string;
  /** Omit for implicit feedback (weight 1). */
  readonly rating?: string;
  readonly timestamp?: string;
  /** User and item ids must be non-negative integers without leading zeros (MovieLens). */
  readonly integerIds?: boolean;
}

export interface CsvListColumn {
  /** Attribute name to store the list under. */
  readonly attribute: string;
  readonly separator: string;
  /** Values that mean "none" (e.g. "(no genres listed)"). */
  readonly ignore?: readonly string[];
}

export interface CsvItemMapping {
  readonly id: string;
  readonly title?: string;
  /** Columns holding separated lists, by column name. */
  readonly lists?: Readonly<Record<string, CsvListColumn>>;
  /** Columns whose value is free text for the item's text record. */
  readonly text?: readonly string[];
  /** Take "(1995)" at the end of the title as attributes.release_year. */
  readonly yearFromTitle?: boolean;
  /** Item ids must be non-negative integers without leading zeros (MovieLens). */
  readonly integerIds?: boolean;
}

export interface CsvDatasetSpec {
  readonly interactions: { readonly file: string; readonly mapping: CsvInteractionMapping; readonly delimiter?: string };
  readonly items?: { readonly file: string; readonly mapping: CsvItemMapping; readonly delimiter?: string };
}

/** MovieLens "latest" CSV layout (ratings.csv + movies.csv). */
export const MOVIELENS_CSV: CsvDatasetSpec = {
  interactions: { file: 'ratings.csv', mapping: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp', integerIds: true } },
  items: {
    file: 'movies.csv',
    mapping: {
      id: 'movieId',
      title: 'title',
      lists: { genres: { attribute: 'genres', separator: '|', ignore: ['(no genres listed)'] } },
      yearFromTitle: true,
      integerIds: true,
    },
  },
};

export function csvInteractions(t: CsvTable, m: CsvInteractionMapping): RawInteractions {
  const cols = mapColumns<'user' | 'item' | 'rating' | 'timestamp'>(t, { user: m.user, item: m.item, rating: m.rating, timestamp: m.timestamp }, ['user', 'item']);
  const user = stringColumn(t, cols.user);
  const item = stringColumn(t, cols.item);
  if (m.integerIds === true) {
    checkIntegerIds(t, user, cols.user);
    checkIntegerIds(t, item, cols.item);
  }
  return {
    file: t.file,
    user,
    item,
    rating: cols.rating >= 0 ? numericColumn(t, cols.rating) : null,
    timestamp: cols.timestamp >= 0 ? numericColumn(t, cols.timestamp) : null,
    lines: t.lines,
    columns: { rating: cols.rating >= 0 ? cols.rating + 1 : undefined, timestamp: cols.timestamp >= 0 ? cols.timestamp + 1 : undefined },
  };
}

const INTEGER_ID = /^(?:0|[1-9][0-9]*)$/;

/** Every non-empty id in column `col` is a non-negative integer without leading zeros. */
function checkIntegerIds(t: CsvTable, ids: readonly string[], col: number): void {
  for (let r = 0; r < ids.length; r++) {
    const v = ids[r];
    if (v.length === 0 || INTEGER_ID.test(v)) continue;
    throw new KnowrecError(
      'validation',
      `expected an integer id in column "${echo(t.header[col], 40)}" but found "${echo(v, 40)}"`,
      { file: t.file, line: t.lines[r], column: col + 1 },
      'ids in this file are non-negative integers without sign, decimals or leading zeros',
    );
  }
}

export function csvItems(t: CsvTable, m: CsvItemMapping): RawItems {
  const cols = mapColumns<'id' | 'title'>(t, { id: m.id, title: m.title }, ['id']);
  // validate list/text columns exist
  const listCols = Object.entries(m.lists ?? {}).map(([name, spec]) => ({ idx: mapColumns(t, { c: name }, ['c']).c, spec }));
  const textCols = (m.text ?? []).map((name) => ({ idx: mapColumns(t, { c: name }, ['c']).c, name }));
  const used = new Set<number>([cols.id, cols.title, ...listCols.map((c) => c.idx), ...textCols.map((c) => c.idx)]);
  const id = stringColumn(t, cols.id);
  if (m.integerIds === true) checkIntegerIds(t, id, cols.id);
  const title: string[] = [];
  const text: Record<string, string>[] = [];
  const attributes: Record<string, AttributeValue>[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    const row = t.rows[r];
    const a: Record<string, AttributeValue> = {};
    const x: Record<string, string> = {};
    const ttl = cols.title >= 0 ? row[cols.title].trim() : '';
    if (m.yearFromTitle === true) {
      const y = /\((\d{4})\)\s*$/.exec(ttl);
      if (y !== null) a.release_year = y[1];
    }
    for (const { idx, spec } of listCols) {
      const vals = row[idx]
        .split(spec.separator)
        .map((v) => v.trim())
        .filter((v) => v.length > 0 && !(spec.ignore ?? []).includes(v));
      if (vals.length > 0) a[spec.attribute] = vals;
    }
    for (const { idx, name } of textCols) if (row[idx].length > 0) x[name] = row[idx];
    for (let c = 0; c < row.length; c++) if (!used.has(c) && row[c].length > 0) a[t.header[c]] = row[c];
    title.push(ttl);
    text.push(x);
    attributes.push(a);
  }
  return { file: t.file, id, title, text, attributes, lines: t.lines, titleColumn: cols.title >= 0 ? cols.title + 1 : undefined };
}

/** Reads a CSV dataset folder laid out as `spec` says. */
export function readCsvDataset(dir: string, name: string, spec: CsvDatasetSpec): RawDataset {
  const inter = readCsvFile(join(dir, spec.interactions.file), { delimiter: spec.interactions.delimiter });
  const items = spec.items === undefined ? undefined : readCsvFile(join(dir, spec.items.file), { delimiter: spec.items.delimiter });
  return {
    name,
    source: dir,
    interactions: csvInteractions(inter, spec.interactions.mapping),
    items: items === undefined || spec.items === undefined ? undefined : csvItems(items, spec.items.mapping),
  };
}
