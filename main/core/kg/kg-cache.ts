/**
 * A built KgIndex saved as one binary file, so that a later session restores it in a fraction of
 * a second instead of reading the dataset and building it again (tens of seconds at 10M
 * interactions). The file holds a stamp (what the index was built from, see
 * Workspace.kgStamp): a file whose stamp differs from the workspace's is not used.
 *
 * Layout: 8 bytes magic, u32 header length (little-endian), u32 0, the header as UTF-8 JSON
 * (stamp, relation names, where each block lies), then the blocks at 8-byte-aligned offsets: the
 * typed arrays, the string lists (ids, names, labels, item titles) each as one UTF-8 run joined
 * by NUL, and the items' text and attributes as JSON per item, parsed only when an item's card
 * asks (a restore reads a few runs instead of parsing 100 MB of JSON). Little-endian machines
 * only (the arrays are written as they lie in memory), as every platform the app ships on.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { pidAlive } from '../files';
import type { ItemRecord } from '../types';
import type { DeriveReport } from './derive';
import type { KgIndexParts } from './parts';

const MAGIC = 'KRKGIX04';
const PREFIX = 16;
/** Separates the strings of a list stored as one UTF-8 run (a list holding it is stored as JSON). */
const SEP = '\u0000';

type ArrayName =
  | 'head' | 'relation' | 'tail' | 'derived' | 'offsets' | 'neighbour' | 'adjRelation' | 'direction' | 'triple' | 'twin'
  | 'itemEntityOffsets' | 'itemEntityList' | 'entityItemOffsets' | 'entityItemList' | 'popularity' | 'relationFrequency'
  | 'entityNameIsNull' | 'itemDetailOffsets' | 'inverse';
type ListName = 'entityIds' | 'entityNames' | 'labels' | 'itemIds' | 'itemTitles' | 'itemLabels' | 'itemSearch' | 'entitySearch';
type TypedArray = Int32Array | Uint8Array;

/** Where a block lies in the body (bytes from its start). */
interface Block {
  readonly offset: number;
  readonly bytes: number;
}

interface Header {
  readonly stamp: string;
  readonly relationNames: readonly string[];
  readonly deriveReport: DeriveReport | null;
  readonly arrays: readonly (Block & { readonly name: ArrayName; readonly type: 'i32' | 'u8'; readonly length: number })[];
  /** Each list: joined by SEP, or as JSON when one of its strings holds SEP. */
  readonly lists: readonly (Block & { readonly name: ListName; readonly json: boolean; readonly count: number })[];
  /** Each item's {text, attributes} as JSON, one after the other (itemDetailOffsets: byte offsets in it). */
  readonly itemDetails: Block;
  readonly hasLabels: boolean;
}

function arraysOf(p: KgIndexParts, extra: { entityNameIsNull: Uint8Array; itemDetailOffsets: Int32Array; inverse: Int32Array }): Record<ArrayName, TypedArray> {
  const a = p.adjacency;
  return {
    head: p.kg.head,
    relation: p.kg.relation,
    tail: p.kg.tail,
    derived: p.kg.derived,
    offsets: a.offsets,
    neighbour: a.neighbour,
    adjRelation: a.relation,
    direction: a.direction,
    triple: a.triple,
    twin: a.twin,
    itemEntityOffsets: p.itemEntityOffsets,
    itemEntityList: p.itemEntityList,
    entityItemOffsets: p.entityItemOffsets,
    entityItemList: p.entityItemList,
    popularity: p.popularity,
    relationFrequency: p.relationFrequency,
    ...extra,
  };
}

const align = (n: number): number => Math.ceil(n / 8) * 8;

/** A list of strings as bytes: joined by SEP, or JSON when a string holds SEP. */
function listBytes(list: readonly string[]): { bytes: Buffer; json: boolean } {
  const json = list.some((v) => v.includes(SEP));
  return { bytes: Buffer.from(json ? JSON.stringify(list) : list.join(SEP), 'utf8'), json };
}

/** Each item's text and attributes as JSON bytes, and their byte offsets (items + 1). */
function itemDetails(items: readonly ItemRecord[]): { bytes: Buffer; offsets: Int32Array } {
  const parts = items.map((it) => Buffer.from(JSON.stringify({ text: it.text, attributes: it.attributes }), 'utf8'));
  const offsets = new Int32Array(items.length + 1);
  parts.forEach((b, i) => (offsets[i + 1] = offsets[i] + b.length));
  return { bytes: Buffer.concat(parts), offsets };
}

/** `parts` (labels included when present) and `stamp` as the bytes of a cache file. */
export function packKgIndex(parts: KgIndexParts, stamp: string): Uint8Array {
  const kg = parts.kg;
  const details = itemDetails(parts.items);
  const entityNameIsNull = Uint8Array.from(kg.entityNames, (n) => (n === null ? 1 : 0));
  // an empty array: not computed (the restored index computes it on first use)
  const arrays = arraysOf(parts, { entityNameIsNull, itemDetailOffsets: details.offsets, inverse: parts.inverse ?? new Int32Array(0) });
  const hasLabels = parts.labels !== undefined && parts.itemLabels !== undefined && parts.labels.every((l) => l !== undefined) && parts.itemLabels.every((l) => l !== undefined);
  const lists: Record<ListName, readonly string[]> = {
    entityIds: kg.entityIds,
    entityNames: kg.entityNames.map((n) => n ?? ''),
    labels: hasLabels ? (parts.labels as string[]) : [],
    itemIds: parts.items.map((it) => it.id),
    itemTitles: parts.items.map((it) => it.title),
    itemLabels: hasLabels ? (parts.itemLabels as string[]) : [],
    itemSearch: parts.searchText?.items ?? [],
    entitySearch: parts.searchText?.entities ?? [],
  };
  const blobs: Buffer[] = [];
  let at = 0;
  const place = (bytes: Uint8Array): Block => {
    const b: Block = { offset: at, bytes: bytes.byteLength };
    blobs.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const end = align(at + bytes.byteLength);
    if (end > at + bytes.byteLength) blobs.push(Buffer.alloc(end - at - bytes.byteLength));
    at = end;
    return b;
  };
  const arrayTable = (Object.entries(arrays) as [ArrayName, TypedArray][]).map(([name, arr]) => ({ name, type: arr instanceof Uint8Array ? ('u8' as const) : ('i32' as const), length: arr.length, ...place(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)) }));
  const listTable = (Object.entries(lists) as [ListName, readonly string[]][]).map(([name, list]) => {
    const { bytes, json } = listBytes(list);
    return { name, json, count: list.length, ...place(bytes) };
  });
  const header: Header = { stamp, relationNames: kg.relationNames, deriveReport: parts.deriveReport, arrays: arrayTable, lists: listTable, itemDetails: place(details.bytes), hasLabels };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align(PREFIX + json.length);
  const prefix = Buffer.alloc(start);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, 8);
  json.copy(prefix, PREFIX);
  const out = Buffer.concat([prefix, ...blobs]);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** The header length, or null when `bytes` is not a cache file. */
function headerLength(bytes: Uint8Array): number | null {
  if (bytes.length < PREFIX || Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') !== MAGIC) return null;
  const n = new DataView(bytes.buffer, bytes.byteOffset, PREFIX).getUint32(8, true);
  return PREFIX + n <= bytes.length ? n : null;
}

/** The stored search text when it covers every item and entity ([''].split gives one empty string). */
function searchTextOf(items: string[], entities: string[], nItems: number, nEntities: number): Pick<KgIndexParts, 'searchText'> {
  return items.length === nItems && entities.length === nEntities && nItems + nEntities > 0 ? { searchText: { items, entities } } : {};
}

/** An item whose text and attributes are parsed on first use (most are only named). */
class StoredItem implements ItemRecord {
  private details: { text: Record<string, string>; attributes: ItemRecord['attributes'] } | null = null;

  constructor(
    readonly id: string,
    readonly title: string,
    private readonly raw: () => string,
  ) {}

  get text(): Record<string, string> {
    return this.parsed().text;
  }

  get attributes(): ItemRecord['attributes'] {
    return this.parsed().attributes;
  }

  /** What JSON.stringify writes: the record's own fields. */
  toJSON(): ItemRecord {
    return { id: this.id, title: this.title, text: this.text, attributes: this.attributes };
  }

  private parsed(): { text: Record<string, string>; attributes: ItemRecord['attributes'] } {
    this.details ??= JSON.parse(this.raw()) as { text: Record<string, string>; attributes: ItemRecord['attributes'] };
    return this.details;
  }
}

/**
 * The parts saved in `bytes`, or null when they are not a cache file, were built from another
 * stamp (when `stamp` is given) or are cut short. The typed arrays are views on `bytes` when
 * aligned (else on a copy); item details are parsed per item on first use.
 */
export function unpackKgIndex(bytes: Uint8Array, stamp?: string): Unpacked | null {
  const steps = unpackSteps(bytes, stamp);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/**
 * unpackKgIndex in steps (each list of strings parsed in its own turn of the event loop), so that
 * a thread that answers calls (the Api's) answers them between the steps.
 */
export async function unpackKgIndexInSteps(bytes: Uint8Array, stamp?: string): Promise<Unpacked | null> {
  const steps = unpackSteps(bytes, stamp);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

type Unpacked = { parts: KgIndexParts; stamp: string };

/** unpackKgIndex's work; it yields between the lists of strings (the costly parts at 300k items / 2M entities). */
function* unpackSteps(bytes: Uint8Array, stamp?: string): Generator<void, Unpacked | null> {
  const n = headerLength(bytes);
  if (n === null) return null;
  const h = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + PREFIX, n).toString('utf8')) as Header;
  if (stamp !== undefined && h.stamp !== stamp) return null;
  let start = align(PREFIX + n);
  const ends = [...h.arrays, ...h.lists, h.itemDetails].map((b) => b.offset + b.bytes);
  if (start + Math.max(...ends) > bytes.length) return null;
  let body = bytes;
  if ((bytes.byteOffset + start) % 8 !== 0) {
    body = new Uint8Array(bytes.length - start);
    body.set(bytes.subarray(start));
    start = 0;
  }
  const base = body.byteOffset + start;
  const buf = Buffer.from(body.buffer, base, body.length - start);
  const a = {} as Record<ArrayName, TypedArray>;
  for (const t of h.arrays) a[t.name] = t.type === 'u8' ? new Uint8Array(body.buffer, base + t.offset, t.length) : new Int32Array(body.buffer, base + t.offset, t.length);
  const list = (name: ListName): string[] => {
    const b = h.lists.find((l) => l.name === name);
    if (b === undefined || b.count === 0) return [];
    const text = buf.toString('utf8', b.offset, b.offset + b.bytes);
    return b.json ? (JSON.parse(text) as string[]) : text.split(SEP);
  };
  const i32 = (name: ArrayName): Int32Array => a[name] as Int32Array;
  const u8 = (name: ArrayName): Uint8Array => a[name] as Uint8Array;
  yield;
  const entityIds = list('entityIds');
  yield;
  const isNull = u8('entityNameIsNull');
  const entityNames = list('entityNames').map((v, e) => (isNull[e] === 1 ? null : v));
  yield;
  const ids = list('itemIds');
  const titles = list('itemTitles');
  yield;
  const detail = i32('itemDetailOffsets');
  const d0 = h.itemDetails.offset;
  const items = ids.map((id, i) => new StoredItem(id, titles[i], () => buf.toString('utf8', d0 + detail[i], d0 + detail[i + 1])));
  yield;
  const labels = h.hasLabels ? { labels: list('labels'), itemLabels: list('itemLabels') } : {};
  yield;
  const itemSearch = list('itemSearch');
  yield;
  const entitySearch = list('entitySearch');
  const parts: KgIndexParts = {
    kg: { entityIds, entityNames, relationNames: [...h.relationNames], head: i32('head'), relation: i32('relation'), tail: i32('tail'), derived: u8('derived') },
    adjacency: { nEntities: entityIds.length, offsets: i32('offsets'), neighbour: i32('neighbour'), relation: i32('adjRelation'), direction: u8('direction'), triple: i32('triple'), twin: i32('twin') },
    items,
    deriveReport: h.deriveReport,
    itemEntityOffsets: i32('itemEntityOffsets'),
    itemEntityList: i32('itemEntityList'),
    entityItemOffsets: i32('entityItemOffsets'),
    entityItemList: i32('entityItemList'),
    popularity: i32('popularity'),
    relationFrequency: i32('relationFrequency'),
    ...labels,
    ...(i32('inverse').length === h.relationNames.length ? { inverse: i32('inverse') } : {}),
    ...searchTextOf(itemSearch, entitySearch, ids.length, entityIds.length),
  };
  return { parts, stamp: h.stamp };
}

/** The cache file beside a workspace. */
export function kgCachePath(workspacePath: string): string {
  return `${workspacePath}.kgindex`;
}

/** Reads the cache file at `file`; null when it is missing, unreadable or of another stamp. */
export async function readKgCache(file: string, stamp: string): Promise<KgIndexParts | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    return null;
  }
  try {
    return (await unpackKgIndexInSteps(bytes, stamp))?.parts ?? null;
  } catch {
    return null; // a damaged file is built again
  }
}

/** Removes the temporary files of saves that a process (now ended) left beside `file` (`<file>.<pid>.….tmp`). */
export function removeDeadKgTemps(file: string): void {
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const n of names) {
    const pid = n.startsWith(prefix) && n.endsWith('.tmp') ? Number(n.slice(prefix.length).split('.')[0]) : NaN;
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) rmSync(join(dirname(file), n), { force: true });
  }
}

/** Writes `bytes` to `file` through a temporary file (a reader never sees half a file). */
export async function writeKgCache(file: string, bytes: Uint8Array): Promise<void> {
  // one temporary name per build: two threads of one process may save at once
  const tmp = `${file}.${process.pid}.${threadId}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
