/**
 * The hybrid's per-source statistics (rank/source-stats.ts): ranksAbove counts, for any values,
 * the unseen items scoring strictly above each one exactly as rankAbove does over the sorted
 * unseen scores, and sourceStats without sorting gives the same mean, std and largest score.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../main/core/random';
import { rankAbove, ranksAbove, sourceStats } from '../../main/core/rank/source-stats';

function byCounting(sc: Float32Array, seen: Uint8Array, v: number): number {
  let n = 0;
  const fv = Math.fround(Number.isFinite(v) ? v : v > 0 ? 3.4e38 : -3.4e38);
  for (let i = 0; i < sc.length; i++) {
    if (seen[i] === 1) continue;
    const x = Math.fround(Number.isFinite(sc[i]) ? sc[i] : sc[i] > 0 ? 3.4e38 : -3.4e38);
    if (x > fv) n++;
  }
  return n;
}

describe('ranksAbove', () => {
  it('on built scores: the items strictly above each value, ties not counted, seen items skipped', () => {
    const sc = Float32Array.from([5, 3, 3, 1, 4, 3, 0]);
    const seen = Uint8Array.from([0, 0, 0, 0, 1, 0, 0]); // item 4 (score 4) is seen
    expect(Array.from(ranksAbove(sc, seen, Float32Array.from([3, 5, 0, 1, 3, 4, 6, -1])))).toEqual([1, 0, 5, 4, 1, 1, 0, 6]);
  });

  it('equals rankAbove over the sorted unseen scores, on random scores with ties, infinities and NaN', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + rng.int(400);
      const sc = Float32Array.from({ length: n }, () => (rng.next() < 0.3 ? rng.int(5) : rng.next() * 10 - 5));
      if (trial % 3 === 0) {
        sc[rng.int(n)] = Infinity;
        sc[rng.int(n)] = -Infinity;
        sc[rng.int(n)] = Number.NaN;
      }
      const seen = Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
      const nUnseen = seen.reduce((a, s) => a + (1 - s), 0);
      const st = sourceStats(sc, seen, nUnseen, null);
      const lazy = sourceStats(sc, seen, nUnseen, null, false);
      expect(lazy.sorted).toBeNull();
      expect([lazy.mean, lazy.std, lazy.max]).toEqual([st.mean, st.std, st.max]);
      const sorted = st.sorted as Float32Array;
      expect(st.max).toBe(sorted.length > 0 ? sorted[sorted.length - 1] : -Infinity);
      const items = Int32Array.from({ length: 1 + rng.int(60) }, () => rng.int(n));
      const values = Float32Array.from(items, (i) => (Number.isFinite(sc[i]) ? sc[i] : sc[i] > 0 ? 3.4e38 : -3.4e38));
      const got = ranksAbove(sc, seen, values);
      items.forEach((it, j) => {
        expect(got[j]).toBe(rankAbove(sorted, null, null, values[j]));
        expect(got[j]).toBe(byCounting(sc, seen, sc[it]));
      });
    }
  });
});
