/**
 * Raw tables → a dense-indexed Dataset plus an ImportReport. The rules (docs/data-formats.md):
 * - empty ids, ids over the size limit (limits.ts), titles over the limit, ratings beyond the
 *   float32 range and timestamps beyond ±(2^53 − 1) are errors, as are duplicate ids in the item
 *   or user file;
 * - duplicate (user, item) interactions: the latest by timestamp is kept (a later row wins a
 *   tie), the others are dropped and counted;
 * - interactions with an item (user) id missing from an existing item (user) file: kept; the
 *   item (user) is created with an empty title (no attributes) and counted;
 * - empty rating → weight 1; no rating column → weight 1 for all (implicit); both counted;
 * - empty timestamp or no timestamp column → 0 (unknown), counted;
 * - links to unknown items are dropped, duplicate links and duplicate triples collapsed,
 *   links to entities absent from the KG create the entity; all counted.
 * Dense order: users and items by first appearance in the interaction file, then the rest of
 * the user/item file in file order; entities by first appearance in the KG (head, tail), then
 * in the links; relations by first appearance.
 */
import { basename, extname } from 'node:path';
import { KnowrecError } from '../errors';
import { groupByRow } from '../matrix';
import type { Dataset, ItemRecord, UserRecord } from '../types';
import { checkSize, echo, FLOAT32_MAX, MAX_ID_BYTES, MAX_KG_ID_BYTES, MAX_TITLE_BYTES, overLimit, sizeText, TIMESTAMP_MAX } from './limits';
import type { RawDataset, RawInteractions, RawItems, RawLinks, RawTriples } from './raw';
import { ReportBuilder, type FileKind, type ImportReport } from './report';

export interface ValidatedDataset {
  readonly dataset: Dataset;
  readonly report: ImportReport;
}

export function validateDataset(raw: RawDataset): ValidatedDataset {
  const rb = new ReportBuilder(raw.name, raw.source);
  const inter = raw.interactions;
  const n = inter.user.length;
  if (n === 0) {
    throw new KnowrecError('validation', 'there are no interactions', { file: inter.file }, 'a dataset needs at least one (user, item) row');
  }

  if (raw.items !== undefined) checkTitles(raw.items);
  const itemRow = catalogRows(raw.items?.id, raw.items?.file, raw.items?.lines, 'item');
  const userRow = catalogRows(raw.users?.id, raw.users?.file, raw.users?.lines, 'user');
  const dense = denseInteractions(inter, userRow, itemRow, rb);
  const { rating, ts } = weightsAndTimes(inter, rb);
  const interactions = latestInteractions(inter, dense, rating, ts, rb);
  const { users, items } = dense;

  // the rest of the catalogs, in file order
  if (raw.items !== undefined) {
    for (const id of raw.items.id) items.add(id);
    rb.addFile({ file: raw.items.file, kind: kindOf(raw.items.file, 'item'), rows: raw.items.id.length, kept: raw.items.id.length });
  }
  if (raw.users !== undefined) {
    for (const id of raw.users.id) users.add(id);
    rb.addFile({ file: raw.users.file, kind: kindOf(raw.users.file, 'user'), rows: raw.users.id.length, kept: raw.users.id.length });
  }

  const entities = new DenseIds();
  const relations = new DenseIds();
  const triples: DenseTriples =
    raw.triples === undefined
      ? { head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0) }
      : readTriples(raw.triples, entities, relations, rb);
  const itemEntities = readLinks(raw.links, raw.triples !== undefined, items, entities, rb);
  const { head, relation, tail } = triples;

  const dataset: Dataset = {
    name: raw.name,
    userIds: users.ids,
    itemIds: items.ids,
    users: userRecords(raw, users.ids, userRow),
    items: itemRecords(raw, items.ids, itemRow),
    interactions,
    kg: {
      entityIds: entities.ids,
      entityNames: entities.ids.map((id) => raw.entityNames?.get(id) ?? null),
      relationNames: relations.ids,
      head,
      relation,
      tail,
      derived: new Uint8Array(head.length),
    },
    itemEntities,
  };
  const report = rb.build({
    users: users.ids.length,
    items: items.ids.length,
    interactions: interactions.user.length,
    entities: entities.ids.length,
    relations: relations.ids.length,
    triples: head.length,
    links: itemEntities.reduce((s, a) => s + a.length, 0),
  });
  return { dataset, report };
}

/** Ids in order of first appearance, each with its dense index. */
class DenseIds {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  get(id: string): number | undefined {
    return this.index.get(id);
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** The id's index; a new id gets the next one. */
  add(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }
}

interface DenseInteractions {
  readonly users: DenseIds;
  readonly items: DenseIds;
  /** Dense user and item of each interaction row. */
  readonly u: Int32Array;
  readonly it: Int32Array;
}

/**
 * Dense user and item ids by first appearance in the interactions; ids missing from an
 * existing user (item) file are warned about and counted as created.
 */
function denseInteractions(
  inter: RawInteractions,
  userRow: Map<string, number> | null,
  itemRow: Map<string, number> | null,
  rb: ReportBuilder,
): DenseInteractions {
  const n = inter.user.length;
  const users = new DenseIds();
  const items = new DenseIds();
  const u = new Int32Array(n);
  const it = new Int32Array(n);
  let createdUsers = 0;
  let createdItems = 0;
  for (let r = 0; r < n; r++) {
    const line = inter.lines[r];
    const uid = inter.user[r];
    const iid = inter.item[r];
    checkId(uid, 'user', inter.file, line);
    checkId(iid, 'item', inter.file, line);
    const unknownUser = userRow !== null && !userRow.has(uid);
    const unknownItem = itemRow !== null && !itemRow.has(iid);
    if (unknownUser && !users.has(uid)) createdUsers++;
    if (unknownItem && !items.has(iid)) createdItems++;
    u[r] = users.add(uid);
    it[r] = items.add(iid);
    if (unknownUser) rb.warn('unknown-user', inter.file, line);
    if (unknownItem) rb.warn('unknown-item', inter.file, line);
  }
  if (createdUsers > 0) rb.detail('unknown-user', inter.file, `${createdUsers} users were created.`);
  if (createdItems > 0) rb.detail('unknown-item', inter.file, `${createdItems} items were created.`);
  return { users, items, u, it };
}

/**
 * Ratings (empty or no column → 1) and timestamps (empty or no column → 0), with warnings.
 * A rating beyond the float32 range or a timestamp beyond ±TIMESTAMP_MAX is an error.
 */
function weightsAndTimes(inter: RawInteractions, rb: ReportBuilder): { rating: Float32Array; ts: Float64Array } {
  const n = inter.user.length;
  const rating = new Float32Array(n);
  const ts = new Float64Array(n);
  if (inter.rating === null) {
    rating.fill(1);
    rb.warn('implicit-feedback', inter.file, 0, n);
  } else {
    for (let r = 0; r < n; r++) {
      const v = inter.rating[r];
      if (Number.isNaN(v)) {
        rating[r] = 1;
        rb.warn('missing-rating', inter.file, inter.lines[r]);
      } else if (Math.abs(v) <= FLOAT32_MAX) rating[r] = v;
      else throw outOfRange(inter, r, 'rating', v, `±${FLOAT32_MAX.toPrecision(8)}, the float32 range ratings are stored in`);
    }
  }
  if (inter.timestamp === null) {
    rb.warn('no-timestamp', inter.file, 0, n);
  } else {
    for (let r = 0; r < n; r++) {
      const v = inter.timestamp[r];
      if (Number.isNaN(v)) rb.warn('missing-timestamp', inter.file, inter.lines[r]);
      else if (Math.abs(v) <= TIMESTAMP_MAX) ts[r] = v;
      else throw outOfRange(inter, r, 'timestamp', v, `±${TIMESTAMP_MAX} (2^53 − 1)`);
    }
  }
  return { rating, ts };
}

/** One row per (user, item): the latest by timestamp, a later row on ties; the others warned. */
function latestInteractions(
  inter: RawInteractions,
  dense: DenseInteractions,
  rating: Float32Array,
  ts: Float64Array,
  rb: ReportBuilder,
): Dataset['interactions'] {
  const { u, it } = dense;
  const n = u.length;
  const keep = keptRows(u, it, ts, dense.users.ids.length, dense.items.ids.length);
  let nKeep = 0;
  for (let r = 0; r < n; r++) nKeep += keep[r];
  const interactions = {
    user: new Int32Array(nKeep),
    item: new Int32Array(nKeep),
    rating: new Float32Array(nKeep),
    timestamp: new Float64Array(nKeep),
  };
  for (let r = 0, o = 0; r < n; r++) {
    if (keep[r] === 0) {
      rb.warn('duplicate-interaction', inter.file, inter.lines[r]);
      continue;
    }
    interactions.user[o] = u[r];
    interactions.item[o] = it[r];
    interactions.rating[o] = rating[r];
    interactions.timestamp[o] = ts[r];
    o++;
  }
  rb.addFile({ file: inter.file, kind: kindOf(inter.file, 'inter'), rows: n, kept: nKeep });
  return interactions;
}

/**
 * 1 for the row kept of each (user, item): the latest by timestamp, the later row on ties. Rows
 * are grouped by user (matrix.ts groupByRow, row order kept within a user) and each user's items
 * looked up in one array of the catalog's size: typed arrays only, no map of 10M keys.
 */
function keptRows(u: Int32Array, it: Int32Array, ts: Float64Array, nUsers: number, nItems: number): Uint8Array {
  const { indptr: start, order } = groupByRow(u, nUsers);
  const best = new Int32Array(nItems).fill(-1);
  const keep = new Uint8Array(u.length);
  for (let x = 0; x < nUsers; x++) {
    const a = start[x];
    const b = start[x + 1];
    for (let k = a; k < b; k++) {
      const r = order[k];
      const at = best[it[r]];
      if (at === -1 || ts[r] >= ts[at]) best[it[r]] = r; // rows ascend within a user: a tie goes to the later
    }
    for (let k = a; k < b; k++) {
      const i = it[order[k]];
      if (best[i] !== -1) {
        keep[best[i]] = 1;
        best[i] = -1;
      }
    }
  }
  return keep;
}

function itemRecords(raw: RawDataset, itemIds: readonly string[], itemRow: Map<string, number> | null): ItemRecord[] {
  return itemIds.map((id) => {
    const r = itemRow?.get(id);
    if (r === undefined || raw.items === undefined) return { id, title: '', text: {}, attributes: {} };
    return { id, title: raw.items.title[r], text: raw.items.text[r], attributes: raw.items.attributes[r] };
  });
}

function userRecords(raw: RawDataset, userIds: readonly string[], userRow: Map<string, number> | null): UserRecord[] {
  return userIds.map((id) => {
    const r = userRow?.get(id);
    if (r === undefined || raw.users === undefined) return { id, attributes: {} };
    return { id, attributes: raw.users.attributes[r] };
  });
}

interface DenseTriples {
  readonly head: Int32Array;
  readonly relation: Int32Array;
  readonly tail: Int32Array;
}

/** The KG's triples with entities and relations by first appearance; duplicates collapsed. */
function readTriples(kg: RawTriples, entities: DenseIds, relations: DenseIds, rb: ReportBuilder): DenseTriples {
  const m = kg.head.length;
  const head = new Int32Array(m);
  const relation = new Int32Array(m);
  const tail = new Int32Array(m);
  const seen = new Set<string>();
  let o = 0;
  for (let r = 0; r < m; r++) {
    const h = kg.head[r];
    const rel = kg.relation[r];
    const t = kg.tail[r];
    checkId(h, 'head entity', kg.file, kg.lines[r], MAX_KG_ID_BYTES);
    checkId(rel, 'relation', kg.file, kg.lines[r], MAX_KG_ID_BYTES);
    checkId(t, 'tail entity', kg.file, kg.lines[r], MAX_KG_ID_BYTES);
    const hi = entities.add(h);
    const ri = relations.add(rel);
    const ti = entities.add(t);
    const key = `${hi},${ri},${ti}`;
    if (seen.has(key)) {
      rb.warn('duplicate-triple', kg.file, kg.lines[r]);
      continue;
    }
    seen.add(key);
    head[o] = hi;
    relation[o] = ri;
    tail[o] = ti;
    o++;
  }
  rb.addFile({ file: kg.file, kind: kindOf(kg.file, 'kg'), rows: m, kept: o });
  return { head: head.slice(0, o), relation: relation.slice(0, o), tail: tail.slice(0, o) };
}

/**
 * Each item's linked entities. Links to unknown items are dropped and duplicates collapsed; an
 * entity absent from the KG is created (and warned about when there is a KG).
 */
function readLinks(links: RawLinks | undefined, hasKg: boolean, items: DenseIds, entities: DenseIds, rb: ReportBuilder): Int32Array[] {
  const perItem: number[][] = items.ids.map(() => []);
  if (links !== undefined) {
    const seen = new Set<number>();
    let kept = 0;
    for (let r = 0; r < links.item.length; r++) {
      const iid = links.item[r];
      const eid = links.entity[r];
      const line = links.lines[r];
      checkId(iid, 'item', links.file, line);
      checkId(eid, 'entity', links.file, line, MAX_KG_ID_BYTES);
      const ii = items.get(iid);
      if (ii === undefined) {
        rb.warn('link-unknown-item', links.file, line);
        continue;
      }
      if (hasKg && !entities.has(eid)) rb.warn('link-entity-not-in-kg', links.file, line);
      const e = entities.add(eid);
      const key = ii * 0x100000000 + e;
      if (seen.has(key)) {
        rb.warn('duplicate-link', links.file, line);
        continue;
      }
      seen.add(key);
      perItem[ii].push(e);
      kept++;
    }
    rb.addFile({ file: links.file, kind: kindOf(links.file, 'link'), rows: links.item.length, kept });
  }
  return perItem.map((a) => Int32Array.from(a));
}

/** id → row of a catalog file; duplicate or empty ids are errors. null when there is no file. */
function catalogRows(
  ids: readonly string[] | undefined,
  file: string | undefined,
  lines: Int32Array | undefined,
  what: 'item' | 'user',
): Map<string, number> | null {
  if (ids === undefined || file === undefined || lines === undefined) return null;
  const rows = new Map<string, number>();
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r];
    checkId(id, what, file, lines[r]);
    const prev = rows.get(id);
    if (prev !== undefined) {
      throw new KnowrecError(
        'validation',
        `${what} id "${echo(id)}" appears twice (lines ${lines[prev]} and ${lines[r]})`,
        { file, line: lines[r] },
        `${what} ids must be unique in the ${what} file; merge or remove one of the rows`,
      );
    }
    rows.set(id, r);
  }
  return rows;
}

function emptyId(what: string, file: string, line: number): KnowrecError {
  return new KnowrecError('validation', `empty ${what} id`, { file, line }, `every row needs a ${what} id; fill it in or delete the row`);
}

/** A non-empty id of at most `limit` bytes. */
function checkId(id: string, what: string, file: string, line: number, limit = MAX_ID_BYTES): void {
  if (id.length === 0) throw emptyId(what, file, line);
  if (overLimit(id, limit)) checkSize(id, limit, `the ${what} id`, { file, line }, `${what} ids are at most ${sizeText(limit)}; use a shorter key`);
}

/** Titles of at most MAX_TITLE_BYTES. */
function checkTitles(items: RawItems): void {
  for (let r = 0; r < items.title.length; r++) {
    const t = items.title[r];
    if (overLimit(t, MAX_TITLE_BYTES)) {
      checkSize(t, MAX_TITLE_BYTES, 'the title', { file: items.file, line: items.lines[r], column: items.titleColumn }, 'titles are at most 4 KB; put long text in a description column');
    }
  }
}

function outOfRange(inter: RawInteractions, r: number, what: 'rating' | 'timestamp', v: number, range: string): KnowrecError {
  return new KnowrecError(
    'validation',
    `the ${what} ${v} is out of range (${range})`,
    { file: inter.file, line: inter.lines[r], column: inter.columns?.[what] },
    what === 'rating' ? 'ratings are small numbers such as 1 to 5' : 'timestamps are seconds (or milliseconds) since 1970',
  );
}

function kindOf(file: string, role: FileKind): FileKind {
  const ext = extname(basename(file)).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.nt') return 'nt';
  return role;
}
