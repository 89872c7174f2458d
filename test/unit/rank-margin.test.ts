/**
 * citeEvidence's one-pass rank and margin (rank/attribution.ts rankAndMargin) against rankAmong and
 * marginAt: on built scores where both are known, and on random scores with ties, excluded and
 * non-finite entries.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../main/core/random';
import { marginAt, rankAmong, rankAndMargin } from '../../main/core/rank/attribution';

describe('rankAndMargin', () => {
  it('on built scores: rank with ties by index, margin to the k-th best other', () => {
    const sc = Float32Array.from([0.5, 0.9, 0.7, 0.7, -Infinity, 0.2]);
    const excluded = Uint8Array.from([0, 1, 0, 0, 0, 0]); // 0.9 excluded
    // item 3 (0.7): item 2 ties at a lower index, so rank 2; the 2nd best other is 0.5
    expect(rankAndMargin(sc, 3, 2, excluded)).toEqual({ rank: 2, margin: Math.fround(0.7) - Math.fround(0.5) });
    expect(rankAndMargin(sc, 4, 2, excluded)).toEqual({ rank: 5, margin: -Infinity });
    expect(rankAndMargin(sc, 5, 9, excluded)).toEqual({ rank: 4, margin: Infinity });
  });

  it('equals rankAmong and marginAt on random scores', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(80);
      const sc = Float32Array.from({ length: n }, () => (rng.next() < 0.1 ? -Infinity : rng.next() < 0.3 ? rng.int(4) : rng.next()));
      const excluded = trial % 2 === 0 ? Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0)) : undefined;
      const item = rng.int(n);
      const k = 1 + rng.int(12);
      expect(rankAndMargin(sc, item, k, excluded)).toEqual({ rank: rankAmong(sc, item, excluded), margin: marginAt(sc, item, k, excluded) });
    }
  });

  it('the same numbers from the finite scores alone (SparseScores, as the hybrid re-scores)', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(80);
      const sc = Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? -Infinity : rng.next() < 0.3 ? rng.int(4) : rng.next()));
      const items = Int32Array.from(Array.from(sc.keys()).filter((i) => Number.isFinite(sc[i])));
      const sparse = { items, scores: Float32Array.from(items, (i) => sc[i]) };
      const excluded = trial % 2 === 0 ? Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0)) : undefined;
      const item = rng.int(n); // often an item without a finite score
      const k = 1 + rng.int(12);
      expect(rankAndMargin(sparse, item, k, excluded)).toEqual(rankAndMargin(sc, item, k, excluded));
      expect(rankAmong(sparse, item, excluded)).toBe(rankAmong(sc, item, excluded));
    }
  });
});
