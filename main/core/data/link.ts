/**
 * Linking catalog items to KG entities, three ways:
 * - 'id': a links table maps item ids to entity ids (columns `item` and `entity`);
 * - 'uri': the entity id is in the catalog itself: the item id, or an item attribute (`column`),
 *   is the entity's URI;
 * - 'title': a links table holds titles ("Toy Story (1995)") and entity ids; items match on the
 *   normalized title (lowercase, only [a-z0-9] kept) and, by default, the year ("(1995)" at
 *   the end of the title, else the item's release_year/year attribute).
 * Columns are header names or 1-based numbers ("2"); a table without a header has columns
 * "1", "2", …. The report gives the link rate and examples of what did not match.
 */
import { KnowrecError } from '../errors';
import type { CsvTable } from './csv';
import { echo } from './limits';
import type { AttributeValue, RawLinks } from './raw';
import { readSniffedTable, type SniffedTable } from './table-sniff';

export type LinkSpec =
  | { readonly by: 'id'; readonly item?: string; readonly entity?: string }
  | { readonly by: 'uri'; readonly column?: string }
  | { readonly by: 'title'; readonly title?: string; readonly entity?: string; readonly year?: boolean };

export interface LinkableItem {
  readonly id: string;
  readonly title: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface LinkReport {
  readonly by: LinkSpec['by'];
  readonly file: string | null;
  readonly items: number;
  /** Items linked to at least one entity. */
  readonly linked: number;
  /** linked / items. */
  readonly rate: number;
  /** Linked items whose entity has at least one fact in the KG (when the KG was given). */
  readonly withFacts?: number;
  /** Links table rows read / rows that matched an item. */
  readonly rows: number;
  readonly matchedRows: number;
  /** Title keys that name different entities in the links table (the first is used). */
  readonly ambiguous: number;
  /** A few items without a link ("id: title"). */
  readonly unmatchedItems: readonly string[];
  /** A few links-table rows that matched no item ("line N: value"). */
  readonly unmatchedRows: readonly string[];
}

export interface LinkResult {
  readonly links: RawLinks;
  readonly report: LinkReport;
}

const EXAMPLES = 10;
const LINK_HEADER = new Set(['item', 'item_id', 'itemid', 'id', 'movieid', 'movie_id', 'entity', 'entity_id', 'uri', 'iri', 'url', 'title', 'name', 'resource']);

/** "Toy Story (1995)" → { key: "toystory", year: 1995 }; lowercase, only [a-z0-9] kept. */
export function normalizeTitle(title: string): { readonly key: string; readonly year: number | null } {
  const m = /\((\d{4})\)\s*$/.exec(title);
  const base = m === null ? title : title.slice(0, m.index);
  const key = base
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return { key, year: m === null ? null : Number(m[1]) };
}

/** Reads a links table (delimiter sniffed; header when its cells are usual column names). */
export function readLinksTable(path: string): SniffedTable {
  return readSniffedTable(path, { headerWords: LINK_HEADER });
}

/** Column index of `name` (a header name or a 1-based number). */
export function columnIndex(t: CsvTable, name: string, role: string): number {
  const i = t.header.indexOf(name);
  if (i >= 0) return i;
  if (/^\d+$/.test(name) && Number(name) >= 1 && Number(name) <= t.header.length) return Number(name) - 1;
  throw new KnowrecError(
    'config',
    `the links table has no column "${echo(name, 40)}" (for ${role}); it has ${echo(t.header.map((h) => `"${h}"`).join(', '))}`,
    { file: t.file, line: 1 },
    'name a header column or give its 1-based number in the mapping\'s "links" section',
  );
}

/** The column holding URIs (first one whose first rows look like http(s) URIs), else -1. */
function uriColumn(t: CsvTable): number {
  const sample = t.rows.slice(0, 20);
  for (let c = 0; c < t.header.length; c++) if (sample.length > 0 && sample.every((r) => /^<?[a-z][a-z0-9+.-]*:\/\//i.test(r[c].trim()))) return c;
  return -1;
}

/** The spec a links table suggests: a "Title (YYYY)" column → 'title', else 'id' (item, entity). */
export function inferLinkSpec(t: CsvTable): LinkSpec {
  const entity = uriColumn(t);
  const sample = t.rows.slice(0, 20);
  for (let c = 0; c < t.header.length; c++) {
    if (c !== entity && sample.length > 0 && sample.every((r) => /\(\d{4}\)\s*$/.test(r[c]))) {
      return { by: 'title', title: t.header[c], entity: t.header[entity >= 0 ? entity : t.header.length - 1], year: true };
    }
  }
  const e = entity >= 0 ? entity : Math.min(1, t.header.length - 1);
  const item = e === 0 ? 1 : 0;
  return { by: 'id', item: t.header[item], entity: t.header[e] };
}

function itemYear(it: LinkableItem): number | null {
  for (const k of ['release_year', 'year']) {
    const v = it.attributes?.[k];
    const m = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
    if (/^\d{4}$/.test(m.trim())) return Number(m.trim());
  }
  return null;
}

function entityCell(v: string): string {
  const s = v.trim();
  return s.startsWith('<') && s.endsWith('>') ? s.slice(1, -1) : s;
}

/** Links `items` to entities (see the module comment). `entities`: the KG's entity ids, for withFacts. */
export function linkItems(
  items: readonly LinkableItem[],
  table: CsvTable | null,
  spec: LinkSpec,
  entities?: ReadonlySet<string>,
): LinkResult {
  const item: string[] = [];
  const entity: string[] = [];
  const lines: number[] = [];
  const linkedItems = new Set<number>();
  const unmatchedRows: string[] = [];
  let matchedRows = 0;
  let ambiguous = 0;
  const add = (i: number, e: string, line: number): void => {
    item.push(items[i].id);
    entity.push(e);
    lines.push(line);
    linkedItems.add(i);
  };
  if (spec.by === 'uri') {
    items.forEach((it, i) => {
      const v = spec.column === undefined ? it.id : it.attributes?.[spec.column];
      const e = typeof v === 'string' ? entityCell(v) : '';
      if (e.length > 0 && (entities === undefined || entities.has(e))) add(i, e, 0);
    });
  } else {
    if (table === null) throw new KnowrecError('config', `linking by ${spec.by} needs a links table`, {}, 'pass --links FILE');
    if (spec.by === 'id') {
      const ic = columnIndex(table, spec.item ?? table.header[0], 'item');
      const ec = columnIndex(table, spec.entity ?? table.header[Math.min(1, table.header.length - 1)], 'entity');
      const byId = new Map(items.map((it, i) => [it.id, i]));
      table.rows.forEach((r, k) => {
        const i = byId.get(r[ic].trim());
        if (i === undefined) {
          if (unmatchedRows.length < EXAMPLES) unmatchedRows.push(`line ${table.lines[k]}: ${echo(r[ic], 60)}`);
          return;
        }
        matchedRows++;
        add(i, entityCell(r[ec]), table.lines[k]);
      });
    } else {
      ({ matchedRows, ambiguous } = linkByTitle(items, table, spec, add, unmatchedRows));
    }
  }
  const unmatchedItems: string[] = [];
  for (let i = 0; i < items.length && unmatchedItems.length < EXAMPLES; i++) {
    if (!linkedItems.has(i)) unmatchedItems.push(`${items[i].id}: ${echo(items[i].title, 60)}`);
  }
  let withFacts: number | undefined;
  if (entities !== undefined) {
    const good = new Set<string>();
    entity.forEach((e, k) => entities.has(e) && good.add(item[k]));
    withFacts = good.size;
  }
  const report: LinkReport = {
    by: spec.by,
    file: table?.file ?? null,
    items: items.length,
    linked: linkedItems.size,
    rate: items.length > 0 ? linkedItems.size / items.length : 0,
    ...(withFacts !== undefined ? { withFacts } : {}),
    rows: table?.rows.length ?? items.length,
    matchedRows: spec.by === 'uri' ? linkedItems.size : matchedRows,
    ambiguous,
    unmatchedItems,
    unmatchedRows,
  };
  return { links: { file: table?.file ?? 'items', item, entity, lines: Int32Array.from(lines) }, report };
}

function linkByTitle(
  items: readonly LinkableItem[],
  table: CsvTable,
  spec: Extract<LinkSpec, { by: 'title' }>,
  add: (i: number, e: string, line: number) => void,
  unmatchedRows: string[],
): { matchedRows: number; ambiguous: number } {
  const useYear = spec.year !== false;
  const tc = columnIndex(table, spec.title ?? table.header[0], 'title');
  const ec = columnIndex(table, spec.entity ?? table.header[table.header.length - 1], 'entity');
  const keyOf = (title: string, fallbackYear: number | null): string | null => {
    const n = normalizeTitle(title);
    if (n.key.length === 0) return null;
    const year = n.year ?? fallbackYear;
    if (useYear && year === null) return null;
    return useYear ? `${n.key}|${year}` : n.key;
  };
  const byKey = new Map<string, number[]>();
  items.forEach((it, i) => {
    const k = keyOf(it.title, itemYear(it));
    if (k === null) return;
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [i]);
    else list.push(i);
  });
  const seen = new Map<string, string>();
  let matchedRows = 0;
  let ambiguous = 0;
  table.rows.forEach((r, k) => {
    const key = keyOf(r[tc], null);
    const e = entityCell(r[ec]);
    const hits = key === null ? undefined : byKey.get(key);
    if (key === null || hits === undefined || e.length === 0) {
      if (unmatchedRows.length < EXAMPLES) unmatchedRows.push(`line ${table.lines[k]}: ${echo(r[tc], 60)}`);
      return;
    }
    const first = seen.get(key);
    if (first !== undefined) {
      if (first !== e) ambiguous++;
      return;
    }
    seen.set(key, e);
    matchedRows++;
    for (const i of hits) add(i, e, table.lines[k]);
  });
  return { matchedRows, ambiguous };
}

/**
 * The link spec of a mapping file's "links" section: {"item": col, "entity": col} → 'id';
 * {"title": col, "entity": col, "year": bool} → 'title'; {"by": "uri", "column": attribute} →
 * 'uri'. Without a section: inferred from the links table (inferLinkSpec), or 'uri' (item id =
 * entity id) when there is no links table.
 */
export function linkSpecFromMapping(section: unknown, table: CsvTable | null): LinkSpec {
  if (section === undefined || section === null) return table === null ? { by: 'uri' } : inferLinkSpec(table);
  if (typeof section !== 'object' || Array.isArray(section)) {
    throw new KnowrecError('config', 'the mapping\'s "links" section must be an object', {}, 'e.g. "links": {"item": "item_id", "entity": "uri"}');
  }
  const s = section as Record<string, unknown>;
  const str = (k: string): string | undefined => {
    const v = s[k];
    if (v === undefined) return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw new KnowrecError('config', `links.${k} must be a column name or number`, {}, `e.g. "links": {"${k}": "uri"}`);
  };
  const by = str('by');
  if (by !== undefined && by !== 'id' && by !== 'uri' && by !== 'title') {
    throw new KnowrecError('config', `links.by must be "id", "uri" or "title", not "${echo(by, 20)}"`);
  }
  if (by === 'uri' || (by === undefined && table === null)) return { by: 'uri', column: str('column') };
  if (by === 'title' || (by === undefined && s.title !== undefined)) {
    return { by: 'title', title: str('title'), entity: str('entity'), year: s.year !== false };
  }
  return { by: 'id', item: str('item'), entity: str('entity') };
}
