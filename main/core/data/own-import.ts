/**
 * An analyst's own files in: interaction and item tables (CSV/TSV, Parquet, JSON Lines, read by
 * DuckDB), an optional links table and KG files, through a column mapping (mapping.ts) that is
 * inferred where not given. `previewOwnFiles` shows the first rows with their inferred roles and
 * writes nothing; `loadOwnFiles` reads and validates (the caller stores the dataset).
 */
import { basename, dirname, resolve } from 'node:path';
import { KnowrecError, throwIfAborted } from '../errors';
import type { Progress } from '../types';
import { columnRoles, resolveMapping, type ImportMapping, type ResolvedMapping } from './mapping';
import { readOwnKg, type OwnKg } from './own-kg';
import type { AttributeValue, RawDataset, RawInteractions, RawItems } from './raw';
import { importWarning, type FeedbackNote, type ImportReport, type ImportWarning } from './report';
import { LIST_JOIN, TableReader, type ColumnRequest, type TableSample } from './tables';
import { validateDataset } from './validate';

export interface OwnFiles {
  readonly interactions: string;
  readonly items?: string;
  /** A links table: item id (or "Title (Year)") → KG entity. */
  readonly links?: string;
  /** KG files: N-Triples, Turtle, triples tables, edge lists (folders expanded by the caller). */
  readonly kg?: readonly string[];
}

export interface OwnImportOptions {
  readonly mapping?: ImportMapping;
  /** Dataset name (default: the interactions file's folder name). */
  readonly name?: string;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export interface PreviewTable {
  readonly role: 'interactions' | 'items' | 'links';
  readonly file: string;
  readonly format: string;
  readonly delimiter?: string;
  readonly columns: readonly { readonly name: string; readonly type: string; readonly role: string }[];
  /** The first rows as text (null: empty). */
  readonly rows: readonly (readonly (string | null)[])[];
}

export interface OwnPreview {
  readonly mapping: ResolvedMapping;
  readonly tables: readonly PreviewTable[];
}

/** Rows sampled to infer the mapping. */
const SAMPLE_ROWS = 1000;

function absFiles(f: OwnFiles): OwnFiles {
  return { interactions: resolve(f.interactions), items: f.items && resolve(f.items), links: f.links && resolve(f.links), kg: f.kg?.map((k) => resolve(k)) };
}

async function samples(db: TableReader, f: OwnFiles): Promise<{ interactions: TableSample; items?: TableSample; links?: TableSample }> {
  return {
    interactions: await db.sample(f.interactions, SAMPLE_ROWS),
    items: f.items === undefined ? undefined : await db.sample(f.items, SAMPLE_ROWS),
    links: f.links === undefined ? undefined : await db.sample(f.links, SAMPLE_ROWS),
  };
}

/** The first `rows` rows of each table with the role each column would get. Writes nothing. */
export async function previewOwnFiles(files: OwnFiles, mapping?: ImportMapping, rows = 10): Promise<OwnPreview> {
  const f = absFiles(files);
  const db = await TableReader.open();
  try {
    const s = await samples(db, f);
    const m = resolveMapping(s, mapping);
    const table = (role: PreviewTable['role'], t: TableSample): PreviewTable => {
      const roles = columnRoles(t, role, m);
      return { role, file: t.file, format: t.format, delimiter: t.delimiter, columns: t.columns.map((c, i) => ({ ...c, role: roles[i] })), rows: t.rows.slice(0, rows) };
    };
    const tables = [table('interactions', s.interactions)];
    if (s.items !== undefined) tables.push(table('items', s.items));
    if (s.links !== undefined) tables.push(table('links', s.links));
    return { mapping: m, tables };
  } finally {
    db.close();
  }
}

/** How the rating column is used, for the report. */
export function feedbackNote(m: ResolvedMapping['interactions']): FeedbackNote {
  if (m.rating === null) return { column: null, kind: 'implicit', use: 'no rating column: every interaction is a positive with weight 1' };
  if (m.feedback === 'explicit') return { column: m.rating, kind: 'explicit', use: `"${m.rating}" is an explicit rating: stored as the rating, used as the weight and by rating filters (--min-rating)` };
  return {
    column: m.rating,
    kind: 'implicit',
    use: `"${m.rating}" is an implicit count or weight (plays, clicks): every row is a positive interaction and the count is kept as its weight; it is not a rating scale`,
  };
}

async function readInteractions(db: TableReader, file: string, m: ResolvedMapping['interactions'], opts: OwnImportOptions): Promise<RawInteractions> {
  const req: ColumnRequest[] = [
    { name: m.user, as: 'string' },
    { name: m.item, as: 'string' },
  ];
  if (m.rating !== null) req.push({ name: m.rating, as: 'number' });
  if (m.timestamp !== null) req.push({ name: m.timestamp, as: 'time' });
  const t = await db.read(file, req, { signal: opts.signal, onRows: (n) => opts.onProgress?.({ stage: 'read', message: `${basename(file)}: ${n} rows`, code: 'rowsRead', params: { file: basename(file), n } }) });
  if (t.lines.length === 0) throw new KnowrecError('validation', 'the file has a header but no data rows', { file }, 'export the table again with its rows');
  const ri = m.rating !== null ? 2 : -1;
  const ti = m.timestamp !== null ? req.length - 1 : -1;
  return {
    file,
    user: t.columns[0] as string[],
    item: t.columns[1] as string[],
    rating: ri >= 0 ? (t.columns[ri] as Float64Array) : null,
    timestamp: ti >= 0 ? (t.columns[ti] as Float64Array) : null,
    lines: t.lines,
    columns: { rating: ri >= 0 ? t.positions[ri] : undefined, timestamp: ti >= 0 ? t.positions[ti] : undefined },
  };
}

async function readItems(db: TableReader, file: string, m: NonNullable<ResolvedMapping['items']>, opts: OwnImportOptions): Promise<RawItems> {
  const all = (await db.sample(file, 0)).columns.map((c) => c.name);
  const t = await db.read(
    file,
    all.map((name) => ({ name, as: 'string' as const })),
    { signal: opts.signal, onRows: (n) => opts.onProgress?.({ stage: 'read', message: `${basename(file)}: ${n} rows`, code: 'rowsRead', params: { file: basename(file), n } }) },
  );
  const col = (name: string): string[] => t.columns[all.indexOf(name)] as string[];
  const ids = col(m.id);
  const titles = m.title === null ? null : col(m.title);
  const title: string[] = [];
  const text: Record<string, string>[] = [];
  const attributes: Record<string, AttributeValue>[] = [];
  const special = new Set<string>([m.id, ...(m.title === null ? [] : [m.title]), ...m.text, ...Object.keys(m.lists)]);
  const rest = all.filter((c) => !special.has(c));
  for (let r = 0; r < ids.length; r++) {
    const a: Record<string, AttributeValue> = {};
    const x: Record<string, string> = {};
    const ttl = titles === null ? '' : titles[r].trim();
    if (m.yearFromTitle) {
      const y = /\((\d{4})\)\s*$/.exec(ttl);
      if (y !== null) a.release_year = y[1];
    }
    for (const [name, sep] of Object.entries(m.lists)) {
      const vals = col(name)[r]
        .split(sep === LIST_JOIN ? LIST_JOIN : sep)
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
      if (vals.length > 0) a[name] = vals;
    }
    for (const name of m.text) if (col(name)[r].length > 0) x[name] = col(name)[r];
    for (const name of rest) if (col(name)[r].length > 0) a[name] = col(name)[r];
    title.push(ttl);
    text.push(x);
    attributes.push(a);
  }
  return { file, id: ids, title, text, attributes, lines: t.lines, titleColumn: m.title === null ? undefined : all.indexOf(m.title) + 1 };
}

export interface OwnLoaded {
  readonly dataset: import('../types').Dataset;
  readonly report: ImportReport;
  readonly mapping: ResolvedMapping;
}

/** Reads, maps and validates an analyst's files (nothing is written). */
export async function loadOwnFiles(files: OwnFiles, opts: OwnImportOptions = {}): Promise<OwnLoaded> {
  const f = absFiles(files);
  if (f.links !== undefined && (f.kg === undefined || f.kg.length === 0)) throw new KnowrecError('config', 'a links table needs the KG it links to', { file: f.links }, 'pass the KG files with --kg');
  const name = opts.name ?? basename(dirname(f.interactions));
  const db = await TableReader.open();
  let raw: RawDataset;
  let mapping: ResolvedMapping;
  let quoteWarnings: ImportWarning[] = [];
  try {
    opts.onProgress?.({ stage: 'read', message: 'sniffing the files', code: 'sniffing' });
    mapping = resolveMapping(await samples(db, f), opts.mapping);
    const interactions = await readInteractions(db, f.interactions, mapping.interactions, opts);
    throwIfAborted(opts.signal);
    const items = f.items === undefined || mapping.items === undefined ? undefined : await readItems(db, f.items, mapping.items, opts);
    throwIfAborted(opts.signal);
    raw = { name, source: dirname(f.interactions), interactions, items };
    quoteWarnings = db.quotesReadAsText().map((q) => importWarning('quotes-as-text', q.file, q.rows, q.lines));
  } finally {
    db.close();
  }
  throwIfAborted(opts.signal);
  let kg: OwnKg | null = null;
  if (f.kg !== undefined && f.kg.length > 0) {
    kg = await readOwnKg(raw, f.kg, { linksFile: f.links, links: opts.mapping?.links, signal: opts.signal, onProgress: opts.onProgress });
    raw = kg.raw;
    mapping = { ...mapping, links: kg.spec };
  }
  throwIfAborted(opts.signal);
  opts.onProgress?.({ stage: 'validate' });
  const v = validateDataset(raw);
  const report: ImportReport = {
    ...v.report,
    warnings: [...quoteWarnings, ...v.report.warnings, ...(kg?.kg.warnings ?? [])],
    feedback: feedbackNote(mapping.interactions),
    ...(kg === null ? {} : { link: kg.link }),
  };
  return { dataset: v.dataset, report, mapping };
}
