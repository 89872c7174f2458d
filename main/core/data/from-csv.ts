/**
 * CSV/TSV tables → raw tables through a column mapping, e.g. MovieLens
 * { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' }.
 */
import { join } from 'node:path';
import { mapColumns, numericColumn, readCsvFile, stringColumn, type CsvTable } from './csv';
import type { AttributeValue, RawDataset, RawInteractions, RawItems } from './raw';

export interface CsvInteractionMapping {
  readonly user: string;
  readonly item: string;
  /** Omit for implicit feedback (weight 1). */
  readonly rating?: string;
  readonly timestamp?: string;
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
}

export interface CsvDatasetSpec {
  readonly interactions: { readonly file: string; readonly mapping: CsvInteractionMapping; readonly delimiter?: string };
  readonly items?: { readonly file: string; readonly mapping: CsvItemMapping; readonly delimiter?: string };
}

/** MovieLens "latest" CSV layout (ratings.csv + movies.csv). */
export const MOVIELENS_CSV: CsvDatasetSpec = {
  interactions: { file: 'ratings.csv', mapping: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' } },
  items: {
    file: 'movies.csv',
    mapping: {
      id: 'movieId',
      title: 'title',
      lists: { genres: { attribute: 'genres', separator: '|', ignore: ['(no genres listed)'] } },
      yearFromTitle: true,
    },
  },
};

export function csvInteractions(t: CsvTable, m: CsvInteractionMapping): RawInteractions {
  const cols = mapColumns<'user' | 'item' | 'rating' | 'timestamp'>(t, m, ['user', 'item']);
  return {
    file: t.file,
    user: stringColumn(t, cols.user),
    item: stringColumn(t, cols.item),
    rating: cols.rating >= 0 ? numericColumn(t, cols.rating) : null,
    timestamp: cols.timestamp >= 0 ? numericColumn(t, cols.timestamp) : null,
    lines: t.lines,
  };
}

export function csvItems(t: CsvTable, m: CsvItemMapping): RawItems {
  const cols = mapColumns<'id' | 'title'>(t, { id: m.id, title: m.title }, ['id']);
  // validate list/text columns exist
  const listCols = Object.entries(m.lists ?? {}).map(([name, spec]) => ({ idx: mapColumns(t, { c: name }, ['c']).c, spec }));
  const textCols = (m.text ?? []).map((name) => ({ idx: mapColumns(t, { c: name }, ['c']).c, name }));
  const used = new Set<number>([cols.id, cols.title, ...listCols.map((c) => c.idx), ...textCols.map((c) => c.idx)]);
  const id = stringColumn(t, cols.id);
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
  return { file: t.file, id, title, text, attributes, lines: t.lines };
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
