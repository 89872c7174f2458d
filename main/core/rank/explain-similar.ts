/**
 * When an explanation may say two items have a "similar description". Any two item vectors of a
 * sentence encoder have a positive cosine (on Last.fm and MovieLens sentences about 96–100% of
 * pairs do), so a positive cosine says nothing. The claim is made relative to the catalog,
 * never on a fixed cosine scale, and both ways:
 *
 *   similar(a, b) ⇔ at most SIMILAR_TOP_SHARE (2%) of a seeded reference sample of the catalog's
 *   items are at least as close to a as b is, and the same holds for b with a.
 *
 * The reference sample is SIMILAR_REFERENCE (512) items drawn with a fixed seed (all items when
 * the catalog is smaller), less the item itself; it may contain the other item. A catalog of fewer than SIMILAR_MIN_REFERENCE
 * (50) items is too small to tell near from typical: no similarity is claimed there. Per item the
 * check needs one cutoff (the reference cosine that b must exceed), computed once — 512 inner
 * products — and cached by the vector's storage (item vectors are shared, read-only views: a refit
 * writes new arrays), so an explanation costs one cutoff for the candidate and one per history
 * item that passes the candidate's.
 */
import { createRng } from '../random';

/** The share of the reference sample that may be at least as close as the pair (2%). */
export const SIMILAR_TOP_SHARE = 0.02;
/** Reference items per catalog. */
export const SIMILAR_REFERENCE = 512;
/** Below this many reference items no similarity is claimed. */
export const SIMILAR_MIN_REFERENCE = 50;
const SAMPLE_SEED = 20261206;

/** Reference items of a catalog of n items, by n. */
const samples = new Map<number, Int32Array>();
/** Cutoffs by vector storage and offset. */
const cutoffs = new WeakMap<ArrayBufferLike, Map<string, number>>();

/** The seeded reference sample of a catalog of n items (ascending; all items when n ≤ SIMILAR_REFERENCE). */
export function referenceSample(n: number): Int32Array {
  let s = samples.get(n);
  if (s !== undefined) return s;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n > SIMILAR_REFERENCE) {
    const rng = createRng(SAMPLE_SEED);
    // partial Fisher–Yates: the first SIMILAR_REFERENCE positions are a uniform sample
    for (let i = 0; i < SIMILAR_REFERENCE; i++) {
      const j = i + rng.int(n - i);
      [all[i], all[j]] = [all[j], all[i]];
    }
  }
  s = all.slice(0, Math.min(n, SIMILAR_REFERENCE)).sort();
  samples.set(n, s);
  return s;
}

/** The value SIMILAR_TOP_SHARE of `values` are at least (sorts `values` in place). */
function topShareCutoff(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[values.length - 1 - Math.floor(SIMILAR_TOP_SHARE * values.length)];
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0, n = Math.min(a.length, b.length); k < n; k++) s += a[k] * b[k];
  return s;
}

/**
 * The cosine another item must exceed to be among the item's nearest SIMILAR_TOP_SHARE of the
 * reference sample (the item itself left out, m items): with k = ⌊share · m⌋ reference items
 * allowed at least as close, the (k+1)-th largest reference cosine.
 */
function cutoff(item: number, v: Float32Array, ref: Int32Array, vectors: (item: number) => Float32Array): number {
  let byView = cutoffs.get(v.buffer);
  if (byView === undefined) cutoffs.set(v.buffer, (byView = new Map()));
  const key = `${v.byteOffset}:${item}:${ref.length}`; // the view, the item, the catalog's sample size
  const known = byView.get(key);
  if (known !== undefined) return known;
  const cos: number[] = [];
  for (const j of ref) if (j !== item) cos.push(dot(v, vectors(j)));
  const c = topShareCutoff(cos);
  byView.set(key, c);
  return c;
}

/**
 * A test of "similar description" between items of a catalog of `nItems` whose unit vectors
 * `vectors` gives (see the file's comment); `cos` is the pair's cosine when already computed.
 */
export function similarityTest(nItems: number, vectors: (item: number) => Float32Array): (a: number, b: number, cos?: number) => boolean {
  const ref = referenceSample(nItems);
  if (ref.length < SIMILAR_MIN_REFERENCE) return () => false;
  return (a, b, cos) => {
    const va = vectors(a);
    const vb = vectors(b);
    const c = cos ?? dot(va, vb);
    return c > cutoff(a, va, ref, vectors) && c > cutoff(b, vb, ref, vectors);
  };
}

/**
 * Whether `item` is "similar in content to your history" in absolute terms too, not only relative
 * to the other candidates (a text signal's share says only the latter): the item's cosine to the
 * history profile — the normalized mean of the history's unit item vectors, as the semantic
 * signal reads it — exceeds that of all but SIMILAR_TOP_SHARE (2%) of the seeded reference sample
 * (the history's items and the item itself left out). Scale-free, as similarityTest: no fixed
 * cosine. False for an empty history, a zero profile, or under SIMILAR_MIN_REFERENCE reference
 * items. Cost: one pass over the history's vectors and 512 inner products per call.
 */
export function nearHistoryProfile(nItems: number, vectors: (item: number) => Float32Array, history: ArrayLike<number>, item: number): boolean {
  if (history.length === 0) return false;
  const dim = vectors(item).length;
  const profile = new Float32Array(dim);
  const inHistory = new Set<number>();
  for (let j = 0; j < history.length; j++) {
    const h = history[j];
    if (inHistory.has(h)) continue;
    inHistory.add(h);
    const w = vectors(h);
    for (let k = 0; k < Math.min(dim, w.length); k++) profile[k] += w[k];
  }
  const norm = Math.sqrt(dot(profile, profile));
  if (!(norm > 0)) return false;
  const cos: number[] = [];
  for (const j of referenceSample(nItems)) if (j !== item && !inHistory.has(j)) cos.push(dot(profile, vectors(j)) / norm);
  if (cos.length < SIMILAR_MIN_REFERENCE) return false;
  return dot(profile, vectors(item)) / norm > topShareCutoff(cos);
}
