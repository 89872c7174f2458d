/**
 * RecBole atomic tables → raw tables (string ids, line numbers). Field names follow RecBole's
 * defaults (user_id, item_id, rating, timestamp, head_id, relation_id, tail_id, entity_id) and
 * can be overridden.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KnowrecError } from '../errors';
import { findColumn, optionalFloatColumn, readAtomicFile, tokenColumn, type AtomicColumn, type AtomicTable } from './atomic';
import type { AttributeValue, RawDataset, RawInteractions, RawItems, RawLinks, RawTriples, RawUsers } from './raw';

export interface AtomicFields {
  readonly user: string;
  readonly item: string;
  readonly rating: string;
  readonly timestamp: string;
  readonly head: string;
  readonly relation: string;
  readonly tail: string;
  readonly entity: string;
  /** Item title column: the first of these present in the item file. */
  readonly title: readonly string[];
  /** Release-year column; a 4-digit year is appended to the display title. */
  readonly year: string;
  /** Genre columns (token_seq): stored as attributes.genres. */
  readonly genres: readonly string[];
  /** Free-text columns: stored in the item's text record. */
  readonly text: readonly string[];
}

export const RECBOLE_FIELDS: AtomicFields = {
  user: 'user_id',
  item: 'item_id',
  rating: 'rating',
  timestamp: 'timestamp',
  head: 'head_id',
  relation: 'relation_id',
  tail: 'tail_id',
  entity: 'entity_id',
  title: ['movie_title', 'title', 'item_name', 'name'],
  year: 'release_year',
  genres: ['class', 'genre', 'genres', 'categories'],
  text: ['description', 'plot', 'overview', 'summary', 'abstract'],
};

export function atomicInteractions(t: AtomicTable, f: AtomicFields = RECBOLE_FIELDS): RawInteractions {
  const col = (name: string): number | undefined => {
    const i = t.columns.findIndex((c) => c.name === name);
    return i < 0 ? undefined : i + 1;
  };
  return {
    file: t.file,
    user: tokenColumn(t, f.user),
    item: tokenColumn(t, f.item),
    rating: optionalFloatColumn(t, f.rating),
    timestamp: optionalFloatColumn(t, f.timestamp),
    lines: t.lines,
    columns: { rating: col(f.rating), timestamp: col(f.timestamp) },
  };
}

export function atomicUsers(t: AtomicTable, f: AtomicFields = RECBOLE_FIELDS): RawUsers {
  const id = tokenColumn(t, f.user);
  const others = t.columns.filter((c) => c.name !== f.user);
  const attributes = id.map((_, r) => {
    const a: Record<string, AttributeValue> = {};
    for (const c of others) setAttribute(a, c.name, c, r);
    return a;
  });
  return { file: t.file, id, attributes, lines: t.lines };
}

export function atomicItems(t: AtomicTable, f: AtomicFields = RECBOLE_FIELDS): RawItems {
  const id = tokenColumn(t, f.item);
  const titleCol = f.title.map((n) => findColumn(t, n)).find((c) => c !== undefined);
  const yearCol = findColumn(t, f.year);
  const others = t.columns.filter((c) => c.name !== f.item && c !== titleCol);
  const title: string[] = [];
  const text: Record<string, string>[] = [];
  const attributes: Record<string, AttributeValue>[] = [];
  for (let r = 0; r < id.length; r++) {
    const a: Record<string, AttributeValue> = {};
    const x: Record<string, string> = {};
    for (const c of others) {
      if (f.genres.includes(c.name) && c.type === 'token_seq') {
        a.genres = c.values[r];
      } else if (f.text.includes(c.name) && (c.type === 'token' || c.type === 'token_seq')) {
        const v = cellText(c, r);
        if (v.length > 0) x[c.name] = v;
      } else {
        setAttribute(a, c.name, c, r);
      }
    }
    const raw = titleCol === undefined ? '' : cellText(titleCol, r);
    const year = yearCol === undefined ? '' : cellText(yearCol, r);
    title.push(displayTitle(raw, year, a));
    text.push(x);
    attributes.push(a);
  }
  const titleColumn = titleCol === undefined ? undefined : t.columns.indexOf(titleCol) + 1;
  return { file: t.file, id, title, text, attributes, lines: t.lines, titleColumn };
}

/**
 * "Toy Story" + "1995" → "Toy Story (1995)" (raw title kept in attributes.raw_title); titles
 * that already end with the year, and years that are not 4 digits, are left alone.
 */
export function displayTitle(raw: string, year: string, attributes: Record<string, AttributeValue>): string {
  if (raw.length === 0 || !/^\d{4}$/.test(year) || raw.endsWith(`(${year})`)) return raw;
  attributes.raw_title = raw;
  return `${raw} (${year})`;
}

export function atomicTriples(t: AtomicTable, f: AtomicFields = RECBOLE_FIELDS): RawTriples {
  return { file: t.file, head: tokenColumn(t, f.head), relation: tokenColumn(t, f.relation), tail: tokenColumn(t, f.tail), lines: t.lines };
}

export function atomicLinks(t: AtomicTable, f: AtomicFields = RECBOLE_FIELDS): RawLinks {
  return { file: t.file, item: tokenColumn(t, f.item), entity: tokenColumn(t, f.entity), lines: t.lines };
}

function cellText(c: AtomicColumn, r: number): string {
  switch (c.type) {
    case 'token':
      return c.values[r];
    case 'token_seq':
      return c.values[r].join(' ');
    case 'float':
      return Number.isNaN(c.values[r]) ? '' : String(c.values[r]);
    case 'float_seq':
      return Array.from(c.values[r], String).join(' ');
  }
}

/** Empty values are missing values: they are not stored. */
function setAttribute(a: Record<string, AttributeValue>, name: string, c: AtomicColumn, r: number): void {
  switch (c.type) {
    case 'token':
      if (c.values[r].length > 0) a[name] = c.values[r];
      return;
    case 'token_seq':
      if (c.values[r].length > 0) a[name] = c.values[r];
      return;
    case 'float':
      if (!Number.isNaN(c.values[r])) a[name] = c.values[r];
      return;
    case 'float_seq':
      if (c.values[r].length > 0) a[name] = Array.from(c.values[r], String);
      return;
  }
}

/** The atomic files of dataset `name` in `dir` (`<name>.inter` is required). */
export function atomicFolderFiles(dir: string, name: string): { inter: string; item?: string; user?: string; kg?: string; link?: string } {
  const path = (ext: string): string | undefined => {
    const p = join(dir, `${name}.${ext}`);
    return existsSync(p) ? p : undefined;
  };
  const inter = path('inter');
  if (inter === undefined) {
    let others: string[];
    try {
      // Only other datasets' .inter files are named: the folder's other contents are never listed.
      others = readdirSync(dir).filter((f) => f.endsWith('.inter')).slice(0, 5).map((f) => f.slice(0, 80).replace(/\p{Cc}/gu, '?'));
    } catch {
      throw new KnowrecError('not-found', `folder does not exist`, { file: dir }, `create it and put ${name}.inter (and optionally .item, .user, .kg, .link) in it`);
    }
    throw new KnowrecError(
      'not-found',
      `no ${name}.inter in this folder${others.length > 0 ? ` (it has ${others.join(', ')})` : ''}`,
      { file: dir },
      `RecBole atomic files are named <dataset>.<kind>; check the dataset name "${name}"`,
    );
  }
  return { inter, item: path('item'), user: path('user'), kg: path('kg'), link: path('link') };
}

/** Reads every atomic file of dataset `name` present in `dir`. */
export function readAtomicFolder(dir: string, name: string, f: AtomicFields = RECBOLE_FIELDS): RawDataset {
  const files = atomicFolderFiles(dir, name);
  return {
    name,
    source: dir,
    interactions: atomicInteractions(readAtomicFile(files.inter), f),
    items: files.item === undefined ? undefined : atomicItems(readAtomicFile(files.item), f),
    users: files.user === undefined ? undefined : atomicUsers(readAtomicFile(files.user), f),
    triples: files.kg === undefined ? undefined : atomicTriples(readAtomicFile(files.kg), f),
    links: files.link === undefined ? undefined : atomicLinks(readAtomicFile(files.link), f),
  };
}
