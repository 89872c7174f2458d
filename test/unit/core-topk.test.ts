import { describe, expect, it } from 'vitest';
import { topK } from '../../main/core/topk';

/** The definition: kept entries (not excluded, not NaN) by score descending, ties by lower index. */
function reference(scores: ArrayLike<number>, k: number, exclude?: Uint8Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (exclude?.[i] !== 1 && !Number.isNaN(scores[i])) idx.push(i);
  idx.sort((a, b) => (scores[b] > scores[a] ? 1 : scores[b] < scores[a] ? -1 : a - b));
  return idx.slice(0, Math.max(0, k));
}

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('topK', () => {
  const n = 20000;
  const rnd = lcg(7);
  const layouts: Record<string, Float32Array> = {
    random: Float32Array.from({ length: n }, () => rnd()),
    // growing with the index: the case the sampled floor is for
    ascending: Float32Array.from({ length: n }, (_, i) => i / n),
    descending: Float32Array.from({ length: n }, (_, i) => 1 - i / n),
    // a few distinct values: ties decided by the index
    ties: Float32Array.from({ length: n }, () => Math.floor(rnd() * 4)),
    // most entries tied at one value below a few dozen larger ones (item-kNN's zeros): the floor is that value
    zeros: Float32Array.from({ length: n }, (_, i) => (i % 401 === 7 ? 1 + rnd() : 0)),
    // mostly -Infinity (the hybrid's non-candidates) with some NaN
    sparse: Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? rnd() : i % 13 === 0 ? Number.NaN : -Infinity)),
  };
  for (const [name, scores] of Object.entries(layouts)) {
    for (const k of [1, 10, 100]) {
      it(`equals the sorted definition: ${name}, k=${k}, with and without excluded entries`, () => {
        expect(Array.from(topK(scores, k))).toEqual(reference(scores, k));
        const ex = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 || i > n - 500 ? 1 : 0));
        expect(Array.from(topK(scores, k, ex))).toEqual(reference(scores, k, ex));
      });
    }
  }

  it('with a hint (the top-k of slightly different scores, partial, repeated, excluded or out of range): the same result', () => {
    const r = lcg(19);
    const ex = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0));
    for (const [name, scores] of Object.entries(layouts)) {
      // the scores a little changed, as a removal state's are from the full state's
      const moved = Float32Array.from(scores, (v) => v + (r() - 0.5) * 0.05);
      for (const k of [1, 10, 100]) {
        const want = reference(moved, k, ex);
        const hints: number[][] = [
          Array.from(topK(scores, k, ex)),
          Array.from(topK(scores, 2 * k, ex)),
          Array.from(topK(scores, k, ex)).slice(0, Math.max(0, k - 1)), // fewer than k: not used
          [...Array.from(topK(scores, k, ex)), ...Array.from(topK(scores, k, ex))], // repeats count once
          [0, 5, 10, -1, n + 3, 2.5, ...Array.from({ length: k }, (_, j) => 7 * j + 1)], // excluded, outside, not integers, arbitrary
          Array.from({ length: k }, (_, j) => want[j] ?? 0), // the answer itself
        ];
        for (const hint of hints) expect(Array.from(topK(moved, k, ex, hint)), `${name} k=${k}`).toEqual(want);
      }
    }
  });

  it('returns every kept entry when fewer than k remain, and nothing for k = 0', () => {
    const scores = Float32Array.from({ length: 5000 }, (_, i) => (i < 30 ? i : Number.NaN));
    expect(Array.from(topK(scores, 100))).toEqual(reference(scores, 100));
    expect(topK(scores, 100)).toHaveLength(30);
    expect(topK(scores, 0)).toHaveLength(0);
  });

  it('of many entries tied at the floor keeps the lowest indices, plain arrays and float64 alike', () => {
    const scores = Float32Array.from({ length: n }, (_, i) => (i % 1000 === 999 ? 2 : 1));
    const ex = Uint8Array.from({ length: n }, (_, i) => (i < 40 && i % 2 === 0 ? 1 : 0));
    for (const input of [scores, Float64Array.from(scores), Array.from(scores)]) {
      for (const k of [5, 20, 25, 100]) expect(Array.from(topK(input, k, ex))).toEqual(reference(scores, k, ex));
    }
  });

  it('keeps an entry equal to the sampled floor (ties at the k-th place are not dropped)', () => {
    // every sampled entry is 1, the only larger values are off the sample's stride
    const scores = new Float32Array(8000).fill(1);
    scores[8000 - 3] = 2;
    scores[1] = 3;
    const top = Array.from(topK(scores, 5));
    expect(top).toEqual([1, 7997, 0, 2, 3]);
  });
});
