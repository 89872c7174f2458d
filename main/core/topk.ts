import { IntList } from './matrix';

/**
 * Indices of the k largest values of `scores`, best first. Entries whose index is in
 * `exclude` (a Uint8Array mask, 1 = skip) and NaN scores are never returned. Ties are broken by
 * the lower index, so results are deterministic. `hint`: indices likely among the k largest
 * (e.g. the top-k of nearly the same scores): the k-th largest of their scores bounds the
 * result from below, so that nearly every other entry is skipped at one comparison.
 */
export function topK(scores: ArrayLike<number>, k: number, exclude?: Uint8Array, hint?: ArrayLike<number>): Int32Array {
  const n = scores.length;
  const kk = Math.max(0, Math.min(k, n));
  if (kk === 0) return new Int32Array(0);
  // min-heap of size kk over (score, index); the root is the worst kept entry
  const hs = new Float64Array(kk);
  const hi = new Int32Array(kk);
  let size = 0;
  const worse = (sa: number, ia: number, sb: number, ib: number): boolean =>
    sa < sb || (sa === sb && ia > ib);
  const floor = (hint !== undefined ? hintFloor(scores, kk, exclude, hint) : null) ?? sampleFloor(scores, kk, exclude);
  // first the entries that can be among the k largest, from a tight loop (below the floor: never,
  // and NaN fails every comparison); then the heap over them (the k best under (score, lower
  // index) are one set whatever the order they come in)
  const passed = above(scores, floor, kk, exclude);
  for (let j = 0; j < passed.length; j++) {
    const i = passed[j];
    const s = scores[i];
    if (size < kk) {
      let c = size++;
      hs[c] = s;
      hi[c] = i;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(hs[c], hi[c], hs[p], hi[p])) break;
        swap(hs, hi, c, p);
        c = p;
      }
    } else if (worse(hs[0], hi[0], s, i)) {
      hs[0] = s;
      hi[0] = i;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        const r = l + 1;
        let m = c;
        if (l < size && worse(hs[l], hi[l], hs[m], hi[m])) m = l;
        if (r < size && worse(hs[r], hi[r], hs[m], hi[m])) m = r;
        if (m === c) break;
        swap(hs, hi, c, m);
        c = m;
      }
    }
  }
  const order = Array.from({ length: size }, (_, j) => j);
  order.sort((a, b) => (hs[b] - hs[a]) || (hi[a] - hi[b]));
  const out = new Int32Array(size);
  for (let j = 0; j < size; j++) out[j] = hi[order[j]];
  return out;
}

/**
 * Indices of the entries > `floor`, and of the first k (by index) entries equal to it, that are
 * not excluded: a superset of the k largest (of entries tied at the floor only the k lowest
 * indices can be kept), whatever the number of ties (e.g. most items at 0).
 */
function above(scores: ArrayLike<number>, floor: number, k: number, exclude: Uint8Array | undefined): Int32Array {
  const out = new IntList(256);
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!(s >= floor) || (exclude !== undefined && exclude[i] === 1)) continue;
    if (s === floor && ties++ >= k) continue;
    out.push(i);
  }
  return out.view();
}

/** Strided entries looked at per kept one by sampleFloor. */
const FLOOR_SAMPLE_PER_K = 16;

/**
 * A value no larger than the k-th largest kept score: the k-th largest of a strided sample (a
 * subset's k-th largest cannot exceed the whole set's), so every entry strictly below it can be
 * skipped without changing the result. -Infinity (skip nothing) for short inputs or a sample
 * with fewer than k kept entries. On scores that grow with the index the heap would otherwise
 * take nearly every entry in turn.
 */
function sampleFloor(scores: ArrayLike<number>, k: number, exclude?: Uint8Array): number {
  const n = scores.length;
  const m = k * FLOOR_SAMPLE_PER_K;
  if (n < 4 * m) return -Infinity;
  const step = Math.floor(n / m);
  const vals = new Float64Array(m);
  let c = 0;
  for (let i = 0; i < n && c < m; i += step) {
    const v = scores[i];
    if (v !== v || (exclude !== undefined && exclude[i] === 1)) continue;
    vals[c++] = v;
  }
  if (c < k) return -Infinity;
  const kept = vals.subarray(0, c).sort();
  return kept[c - k];
}

/**
 * The k-th largest score among the distinct eligible `hint` entries (not excluded, not NaN): no
 * larger than the k-th largest of all eligible entries (a subset's cannot exceed it). Null when
 * the hint holds fewer than k of them.
 */
function hintFloor(scores: ArrayLike<number>, k: number, exclude: Uint8Array | undefined, hint: ArrayLike<number>): number | null {
  const n = scores.length;
  const taken = new Set<number>();
  const vals: number[] = [];
  for (let j = 0; j < hint.length; j++) {
    const i = hint[j];
    if (!Number.isInteger(i) || i < 0 || i >= n || taken.has(i) || (exclude !== undefined && exclude[i] === 1)) continue;
    const v = scores[i];
    if (v !== v) continue;
    taken.add(i);
    vals.push(v);
  }
  if (vals.length < k) return null;
  vals.sort((x, y) => y - x);
  return vals[k - 1];
}

function swap(hs: Float64Array, hi: Int32Array, a: number, b: number): void {
  const ts = hs[a];
  hs[a] = hs[b];
  hs[b] = ts;
  const ti = hi[a];
  hi[a] = hi[b];
  hi[b] = ti;
}
