/**
 * A built KgIndex saved as one binary file, so that a later session restores it in a fraction of
 * a second instead of reading the dataset and building it again (tens of seconds at 10M
 * interactions). The file holds a stamp (what the index was built from, see
 * Workspace.kgStamp): a file whose stamp differs from the workspace's is not used.
 *
 * Layout: 8 bytes magic, u32 header length (little-endian), u32 0, the header as UTF-8 JSON
 * (stamp, relation names, where each block lies), then the blocks at 8-byte-aligned offsets: the
 * typed arrays, the string lists (ids, names, labels, item titles, search text) each as one
 * UTF-8 run with the start byte of each string, the ids' tables sorted by id, and the items' text
 * and attributes as JSON per item, parsed only when an item's card asks. A restore decodes no
 * list: the index reads each string from its run when asked (packed-strings.ts), looks ids up in
 * the sorted tables and searches the runs' bytes, so the Api's thread has the index at once
 * instead of splitting 2.4M strings (most of a second at L, half of it garbage collection).
 * Little-endian machines only (the arrays are written as they lie in memory), as every platform
 * the app ships on.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { pidAlive } from '../files';
import type { ItemRecord, KnowledgeGraph } from '../types';
import type { DeriveReport } from './derive';
import { KgIndex } from './graph';
import { isOpaqueId } from './names';
import { PackedStrings, packStrings, sortedOrder } from './packed-strings';
import type { KgIndexParts, PackedLists } from './parts';

/**
 * 07: the body's CRC-32 in the header (06, without it, read a damaged file's offsets lazily: wrong
 * labels or a search that ran for seconds). 06: lists as UTF-8 runs with each string's start, and
 * the ids' sorted tables (05 was an unmerged try).
 */
const MAGIC = 'KRKGIX07';
const PREFIX = 16;

type ArrayName =
  | 'head' | 'relation' | 'tail' | 'derived' | 'offsets' | 'neighbour' | 'adjRelation' | 'direction' | 'triple' | 'twin'
  | 'itemEntityOffsets' | 'itemEntityList' | 'entityItemOffsets' | 'entityItemList' | 'popularity' | 'relationFrequency'
  | 'entityNameIsNull' | 'entityNamed' | 'itemDetailOffsets' | 'inverse' | 'entityIdOrder' | 'itemIdOrder';
type ListName = 'entityIds' | 'entityNames' | 'labels' | 'itemIds' | 'itemTitles' | 'itemLabels' | 'itemSearch' | 'entitySearch';
type TypedArray = Int32Array | Uint8Array;

/** Where a block lies in the body (bytes from its start). */
interface Block {
  readonly offset: number;
  readonly bytes: number;
}

type ArrayBlock = Block & { readonly name: string; readonly type: 'i32' | 'u8'; readonly length: number };

interface Header {
  readonly stamp: string;
  readonly relationNames: readonly string[];
  readonly deriveReport: DeriveReport | null;
  readonly arrays: readonly ArrayBlock[];
  /** Each list: its UTF-8 run, and the start of each string (count + 1 offsets in the run). */
  readonly lists: readonly (Block & { readonly name: ListName; readonly count: number; readonly starts: ArrayBlock })[];
  /** Each item's {text, attributes} as JSON, one after the other (itemDetailOffsets: byte offsets in it). */
  readonly itemDetails: Block;
  /** CRC-32 of the body (everything after the header's padding), checked when the file is read. */
  readonly crc: number;
}

function arraysOf(p: KgIndexParts, extra: Record<'entityNameIsNull' | 'entityNamed' | 'itemDetailOffsets' | 'inverse' | 'entityIdOrder' | 'itemIdOrder', TypedArray>): Record<ArrayName, TypedArray> {
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

/** Each item's text and attributes as JSON bytes, and their byte offsets (items + 1). */
function itemDetails(items: readonly ItemRecord[]): { bytes: Buffer; offsets: Int32Array } {
  const parts = items.map((it) => Buffer.from(JSON.stringify({ text: it.text, attributes: it.attributes }), 'utf8'));
  const offsets = new Int32Array(items.length + 1);
  parts.forEach((b, i) => (offsets[i + 1] = offsets[i] + b.length));
  return { bytes: Buffer.concat(parts), offsets };
}

/** True when every label and the search text were computed (what a restored index reads). */
function complete(p: KgIndexParts): boolean {
  const n = p.adjacency.nEntities;
  const nI = p.items.length;
  return p.labels?.length === n && p.labels.every((l) => l !== undefined) && p.itemLabels?.length === nI && p.itemLabels.every((l) => l !== undefined) && p.searchText?.items.length === nI && p.searchText.entities.length === n;
}

/** `parts` (labels and search text computed when missing) and `stamp` as the bytes of a cache file. */
export function packKgIndex(given: KgIndexParts, stamp: string): Uint8Array {
  const parts = complete(given) ? given : new KgIndex(given).parts();
  const kg = parts.kg;
  const details = itemDetails(parts.items);
  const itemIds = parts.items.map((it) => it.id);
  const extra = {
    entityNameIsNull: Uint8Array.from(kg.entityNames, (n) => (n === null ? 1 : 0)),
    entityNamed: Uint8Array.from(kg.entityNames, (n, e) => (n !== null || !isOpaqueId(kg.entityIds[e]) ? 1 : 0)),
    itemDetailOffsets: details.offsets,
    // an empty array: not computed (the restored index computes it on first use)
    inverse: parts.inverse ?? new Int32Array(0),
    entityIdOrder: sortedOrder(kg.entityIds),
    itemIdOrder: sortedOrder(itemIds),
  };
  const lists: Record<ListName, readonly string[]> = {
    entityIds: kg.entityIds,
    entityNames: kg.entityNames.map((n) => n ?? ''),
    labels: parts.labels as string[],
    itemIds,
    itemTitles: parts.items.map((it) => it.title),
    itemLabels: parts.itemLabels as string[],
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
  const placeArray = (name: string, arr: TypedArray): ArrayBlock => ({ name, type: arr instanceof Uint8Array ? 'u8' : 'i32', length: arr.length, ...place(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)) });
  const arrayTable = (Object.entries(arraysOf(parts, extra)) as [ArrayName, TypedArray][]).map(([name, arr]) => placeArray(name, arr));
  const listTable = (Object.entries(lists) as [ListName, readonly string[]][]).map(([name, list]) => {
    const packed = packStrings(list);
    return { name, count: list.length, ...place(packed.bytes), starts: placeArray(`${name}Starts`, packed.starts) };
  });
  const itemDetailsBlock = place(details.bytes);
  let crc = 0;
  // an empty blob may have no memory behind it, and zlib restarts at 0 on a null buffer: skipped
  for (const b of blobs) if (b.length > 0) crc = crc32(b, crc);
  const header: Header = { stamp, relationNames: kg.relationNames, deriveReport: parts.deriveReport, arrays: arrayTable, lists: listTable, itemDetails: itemDetailsBlock, crc };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align(PREFIX + json.length);
  const prefix = Buffer.alloc(start);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, 8);
  json.copy(prefix, PREFIX);
  const out = Buffer.concat([prefix, ...blobs]);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** A cache file's header and its length, read once per file. */
interface ReadHeader {
  readonly n: number;
  readonly h: Header;
}

/** The header, or null when `bytes` is not a cache file (of this version) or is cut short in it. */
function readHeader(bytes: Uint8Array): ReadHeader | null {
  if (bytes.length < PREFIX || Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') !== MAGIC) return null;
  const n = new DataView(bytes.buffer, bytes.byteOffset, PREFIX).getUint32(8, true);
  if (PREFIX + n > bytes.length) return null;
  return { n, h: JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + PREFIX, n).toString('utf8')) as Header };
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

type Unpacked = { parts: KgIndexParts; stamp: string };

/**
 * The parts saved in `bytes`, or null when they are not a cache file (of this version), were
 * built from another stamp (when `stamp` is given) or are cut short. Nothing is decoded: the
 * typed arrays are views on `bytes` (on a copy when not aligned), the strings are read one at a
 * time from their runs (PackedLists), the parts' whole lists made when first read.
 */
export function unpackKgIndex(bytes: Uint8Array, stamp?: string): Unpacked | null {
  const head = readHeader(bytes);
  return head !== null ? unpackWith(bytes, head, stamp) : null;
}

/** unpackKgIndex with the header already read. */
function unpackWith(bytes: Uint8Array, { n, h }: ReadHeader, stamp?: string): Unpacked | null {
  if (stamp !== undefined && h.stamp !== stamp) return null;
  let start = align(PREFIX + n);
  const ends = [...h.arrays, ...h.lists, ...h.lists.map((l) => l.starts), h.itemDetails].map((b) => b.offset + b.bytes);
  if (start + Math.max(...ends) > bytes.length) return null;
  let body = bytes;
  if ((bytes.byteOffset + start) % 8 !== 0) {
    body = new Uint8Array(bytes.length - start);
    body.set(bytes.subarray(start));
    start = 0;
  }
  const base = body.byteOffset + start;
  const view = (t: ArrayBlock): TypedArray => (t.type === 'u8' ? new Uint8Array(body.buffer, base + t.offset, t.length) : new Int32Array(body.buffer, base + t.offset, t.length));
  const a = new Map(h.arrays.map((t) => [t.name, view(t)]));
  const i32 = (name: ArrayName): Int32Array => a.get(name) as Int32Array;
  const u8 = (name: ArrayName): Uint8Array => a.get(name) as Uint8Array;
  const list = (name: ListName, order: Int32Array | null = null): PackedStrings => {
    const b = h.lists.find((l) => l.name === name);
    if (b === undefined) throw new Error(`the cache file has no list ${name}`);
    return new PackedStrings({ bytes: new Uint8Array(body.buffer, base + b.offset, b.bytes), starts: view(b.starts) as Int32Array }, order);
  };
  const packed = packedLists(list, i32, u8, Buffer.from(body.buffer, base + h.itemDetails.offset, h.itemDetails.bytes));
  const nItems = packed.itemIds.length;
  let entityIds: string[] | null = null;
  let entityNames: (string | null)[] | null = null;
  let items: ItemRecord[] | null = null;
  const kg: KnowledgeGraph = {
    get entityIds(): string[] {
      return (entityIds ??= packed.entityIds.all());
    },
    get entityNames(): (string | null)[] {
      return (entityNames ??= packed.entityNames.all().map((v, e) => (packed.entityNameIsNull[e] === 1 ? null : v)));
    },
    relationNames: [...h.relationNames],
    head: i32('head'),
    relation: i32('relation'),
    tail: i32('tail'),
    derived: u8('derived'),
  };
  const parts: KgIndexParts = {
    kg,
    adjacency: { nEntities: packed.entityIds.length, offsets: i32('offsets'), neighbour: i32('neighbour'), relation: i32('adjRelation'), direction: u8('direction'), triple: i32('triple'), twin: i32('twin') },
    get items(): ItemRecord[] {
      return (items ??= Array.from({ length: nItems }, (_, i) => packed.item(i)));
    },
    deriveReport: h.deriveReport,
    itemEntityOffsets: i32('itemEntityOffsets'),
    itemEntityList: i32('itemEntityList'),
    entityItemOffsets: i32('entityItemOffsets'),
    entityItemList: i32('entityItemList'),
    popularity: i32('popularity'),
    relationFrequency: i32('relationFrequency'),
    ...(i32('inverse').length === h.relationNames.length ? { inverse: i32('inverse') } : {}),
    packed,
  };
  return { parts, stamp: h.stamp };
}

/** The lists of a cache file, and its items made one by one on first use (each kept). */
function packedLists(list: (name: ListName, order?: Int32Array) => PackedStrings, i32: (name: ArrayName) => Int32Array, u8: (name: ArrayName) => Uint8Array, details: Buffer): PackedLists {
  const itemIds = list('itemIds', i32('itemIdOrder'));
  const titles = list('itemTitles');
  const detail = i32('itemDetailOffsets');
  const made: (ItemRecord | undefined)[] = [];
  return {
    entityIds: list('entityIds', i32('entityIdOrder')),
    entityNames: list('entityNames'),
    entityNameIsNull: u8('entityNameIsNull'),
    entityNamed: u8('entityNamed'),
    itemIds,
    labels: list('labels'),
    itemLabels: list('itemLabels'),
    itemSearch: list('itemSearch'),
    entitySearch: list('entitySearch'),
    item: (i) => (made[i] ??= new StoredItem(itemIds.get(i), titles.get(i), () => details.toString('utf8', detail[i], detail[i + 1]))),
  };
}

/** The cache file beside a workspace. */
export function kgCachePath(workspacePath: string): string {
  return `${workspacePath}.kgindex`;
}

/** Bytes read per call by readWhole. */
const READ_CHUNK = 32 << 20;

/**
 * The whole file, read in a few large reads at once: readFile reads 512 kB per call, one turn of
 * the event loop each, and a busy Api thread made the 250 MB file of an L workspace take ~1 s
 * instead of ~0.2 s.
 */
export async function readWhole(file: string, chunk = READ_CHUNK): Promise<Uint8Array> {
  const h = await open(file, 'r');
  try {
    const { size } = await h.stat();
    const buf = Buffer.allocUnsafeSlow(size);
    const part = async (at: number, n: number): Promise<void> => {
      for (let done = 0; done < n; ) {
        const { bytesRead } = await h.read(buf, at + done, n - done, at + done);
        if (bytesRead === 0) throw new Error(`${file} ended early (changed while read)`);
        done += bytesRead;
      }
    };
    const parts: Promise<void>[] = [];
    for (let at = 0; at < size; at += chunk) parts.push(part(at, Math.min(chunk, size - at)));
    await Promise.all(parts);
    return buf;
  } finally {
    await h.close();
  }
}

/** Bytes checked per turn of the event loop by bodyIntact (about 15 ms each). */
const CRC_CHUNK = 32 << 20;

/**
 * Whether the body of the cache file in `bytes` has the CRC-32 its header records: checked in
 * parts, a turn of the event loop between them, so that other calls keep answering. A damaged
 * file is then built again instead of read.
 */
async function bodyIntact(bytes: Uint8Array, { n, h }: ReadHeader): Promise<boolean> {
  if (typeof h.crc !== 'number') return false;
  let crc = 0;
  for (let at = align(PREFIX + n); at < bytes.length; at += CRC_CHUNK) {
    crc = crc32(bytes.subarray(at, Math.min(bytes.length, at + CRC_CHUNK)), crc);
    await new Promise((r) => setImmediate(r));
  }
  return crc === h.crc;
}

/** Reads the cache file at `file`; null when it is missing, unreadable, damaged or of another stamp. */
export async function readKgCache(file: string, stamp: string): Promise<KgIndexParts | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readWhole(file);
  } catch {
    return null;
  }
  try {
    // the stamp first: a file of another KG is rejected without reading its body
    const head = readHeader(bytes);
    if (head === null || head.h.stamp !== stamp || !(await bodyIntact(bytes, head))) return null;
    return unpackWith(bytes, head, stamp)?.parts ?? null;
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
