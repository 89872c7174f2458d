/**
 * A list of strings kept as one UTF-8 run and the start byte of each string (a restored KG index,
 * kg-cache.ts): a string is decoded when it is read, so that a restore makes no strings at all
 * (splitting 2M strings out of a 240 MB file took most of a second, most of it in garbage
 * collection). Look-ups by id go through a table of the indices sorted by id (made when the file
 * is written), searched by halves.
 */

/** The bytes of a packed list: the UTF-8 run and the starts (length + 1, the last = run's length). */
export interface PackedBytes {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
}

/** `list` as one UTF-8 run and the start of each string. */
export function packStrings(list: readonly string[]): PackedBytes {
  const parts = list.map((s) => Buffer.from(s, 'utf8'));
  const starts = new Int32Array(list.length + 1);
  parts.forEach((b, i) => (starts[i + 1] = starts[i] + b.length));
  const out = Buffer.concat(parts);
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), starts };
}

/** The strings as they read back from UTF-8 (a lone surrogate becomes U+FFFD). */
/** A UTF-16 surrogate that is not half of a pair (UTF-8 cannot hold it). */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const asStored = (s: string): string => (LONE_SURROGATE.test(s) ? Buffer.from(s, 'utf8').toString('utf8') : s);

/**
 * The indices of `list` sorted by their string (as stored), ties by index: the table that
 * PackedStrings.indexOf searches. The last of equal strings is the one found, as a Map built in
 * index order keeps it.
 */
export function sortedOrder(list: readonly string[]): Int32Array {
  const stored = list.map(asStored);
  const order = Int32Array.from(list.keys());
  return order.sort((a, b) => (stored[a] < stored[b] ? -1 : stored[a] > stored[b] ? 1 : a - b));
}

export class PackedStrings {
  private readonly buf: Buffer;

  constructor(
    private readonly packed: PackedBytes,
    /** The indices sorted by string (sortedOrder), for indexOf. */
    private readonly order: Int32Array | null = null,
  ) {
    const b = packed.bytes;
    this.buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  get length(): number {
    return this.packed.starts.length - 1;
  }

  /** The UTF-8 run (for a search over the bytes). */
  get bytes(): Uint8Array {
    return this.packed.bytes;
  }

  get starts(): Int32Array {
    return this.packed.starts;
  }

  get(i: number): string {
    const s = this.packed.starts;
    return this.buf.toString('utf8', s[i], s[i + 1]);
  }

  /** Every string, decoded (a caller that needs the whole list as an array). */
  all(): string[] {
    const out = new Array<string>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.get(i);
    return out;
  }

  /** Length in UTF-16 code units (String.length) of string i, counted on its bytes. */
  utf16Length(i: number): number {
    const b = this.packed.bytes;
    let n = 0;
    for (let p = this.packed.starts[i], end = this.packed.starts[i + 1]; p < end; p++) {
      const c = b[p];
      if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
    }
    return n;
  }

  /** The index of `value` (the last when it is there more than once), or undefined; needs the sorted table. */
  indexOf(value: string): number | undefined {
    const order = this.order;
    if (order === null) throw new Error('PackedStrings.indexOf needs the sorted order');
    // the first position whose string is greater than value
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(order[mid]) <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.get(order[lo - 1]) === value ? order[lo - 1] : undefined;
  }
}
