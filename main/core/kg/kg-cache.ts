/**
 * A built KgIndex saved as one binary file, so that a later session restores it in a fraction of
 * a second instead of reading the dataset and building it again (tens of seconds at 10M
 * interactions). The file holds a stamp (what the index was built from, see
 * Workspace.kgStamp): a file whose stamp differs from the workspace's is not used.
 *
 * Layout: 8 bytes magic, u32 header length (little-endian), u32 0, the header as UTF-8 JSON
 * (stamp, the id and name lists, the items, the entity labels, and where each typed array lies),
 * then the typed arrays, each at an 8-byte-aligned offset. Little-endian machines only (the arrays
 * are written as they lie in memory), as every platform the app ships on.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { ItemRecord } from '../types';
import type { DeriveReport } from './derive';
import type { KgIndexParts } from './parts';

const MAGIC = 'KRKGIX01';
const PREFIX = 16;

type ArrayName = 'head' | 'relation' | 'tail' | 'derived' | 'offsets' | 'neighbour' | 'adjRelation' | 'direction' | 'triple' | 'twin' | 'itemEntityOffsets' | 'itemEntityList' | 'entityItemOffsets' | 'entityItemList' | 'popularity' | 'relationFrequency';
type TypedArray = Int32Array | Uint8Array;

interface Header {
  readonly stamp: string;
  readonly entityIds: readonly string[];
  readonly entityNames: readonly (string | null)[];
  readonly relationNames: readonly string[];
  readonly items: readonly ItemRecord[];
  readonly deriveReport: DeriveReport | null;
  readonly labels: readonly (string | null)[];
  readonly arrays: readonly { readonly name: ArrayName; readonly type: 'i32' | 'u8'; readonly offset: number; readonly length: number }[];
}

function arraysOf(p: KgIndexParts): Record<ArrayName, TypedArray> {
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
  };
}

const align = (n: number): number => Math.ceil(n / 8) * 8;

/** `parts` (labels included when present) and `stamp` as the bytes of a cache file. */
export function packKgIndex(parts: KgIndexParts, stamp: string): Uint8Array {
  const arrays = arraysOf(parts);
  const table: Header['arrays'][number][] = [];
  let at = 0;
  for (const [name, arr] of Object.entries(arrays) as [ArrayName, TypedArray][]) {
    table.push({ name, type: arr instanceof Uint8Array ? 'u8' : 'i32', offset: at, length: arr.length });
    at = align(at + arr.byteLength);
  }
  const header: Header = {
    stamp,
    entityIds: parts.kg.entityIds,
    entityNames: parts.kg.entityNames,
    relationNames: parts.kg.relationNames,
    items: parts.items,
    deriveReport: parts.deriveReport,
    labels: parts.labels?.map((l) => l ?? null) ?? [],
    arrays: table,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align(PREFIX + json.length);
  const out = new Uint8Array(start + at);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, PREFIX);
  for (const t of table) {
    const arr = arrays[t.name];
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), start + t.offset);
  }
  return out;
}

/** The header length, or null when `bytes` is not a cache file. */
function headerLength(bytes: Uint8Array): number | null {
  if (bytes.length < PREFIX || Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') !== MAGIC) return null;
  const n = new DataView(bytes.buffer, bytes.byteOffset, PREFIX).getUint32(8, true);
  return PREFIX + n <= bytes.length ? n : null;
}

/**
 * The parts saved in `bytes`, or null when they are not a cache file, were built from another
 * stamp (when `stamp` is given) or are cut short. The typed arrays are views on a copy of the bytes.
 */
export function unpackKgIndex(bytes: Uint8Array, stamp?: string): { parts: KgIndexParts; stamp: string } | null {
  const n = headerLength(bytes);
  if (n === null) return null;
  const h = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + PREFIX, n).toString('utf8')) as Header;
  if (stamp !== undefined && h.stamp !== stamp) return null;
  const start = align(PREFIX + n);
  const last = h.arrays[h.arrays.length - 1];
  if (last === undefined || start + last.offset + last.length * (last.type === 'u8' ? 1 : 4) > bytes.length) return null;
  // one aligned copy: the file's buffer may start anywhere
  const body = new ArrayBuffer(bytes.length - start);
  new Uint8Array(body).set(bytes.subarray(start));
  const a = {} as Record<ArrayName, TypedArray>;
  for (const t of h.arrays) a[t.name] = t.type === 'u8' ? new Uint8Array(body, t.offset, t.length) : new Int32Array(body, t.offset, t.length);
  const i32 = (name: ArrayName): Int32Array => a[name] as Int32Array;
  const u8 = (name: ArrayName): Uint8Array => a[name] as Uint8Array;
  const parts: KgIndexParts = {
    kg: { entityIds: [...h.entityIds], entityNames: [...h.entityNames], relationNames: [...h.relationNames], head: i32('head'), relation: i32('relation'), tail: i32('tail'), derived: u8('derived') },
    adjacency: { nEntities: h.entityIds.length, offsets: i32('offsets'), neighbour: i32('neighbour'), relation: i32('adjRelation'), direction: u8('direction'), triple: i32('triple'), twin: i32('twin') },
    items: h.items,
    deriveReport: h.deriveReport,
    itemEntityOffsets: i32('itemEntityOffsets'),
    itemEntityList: i32('itemEntityList'),
    entityItemOffsets: i32('entityItemOffsets'),
    entityItemList: i32('entityItemList'),
    popularity: i32('popularity'),
    relationFrequency: i32('relationFrequency'),
    labels: h.labels.length === h.entityIds.length ? h.labels.map((l) => l ?? undefined) : undefined,
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
    return unpackKgIndex(bytes, stamp)?.parts ?? null;
  } catch {
    return null; // a damaged file is built again
  }
}

/** Writes `bytes` to `file` through a temporary file (a reader never sees half a file). */
export async function writeKgCache(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
