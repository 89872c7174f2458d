import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { averageRanks, Bootstrap, bootstrapMeanCi, holm, normalCdf, pairedDifferences, quantileSorted, wilcoxonSignedRank } from '../../main/core/eval/stats';

interface ScipyCase {
  readonly a: number[];
  readonly b: number[];
  readonly statistic: number;
  readonly p: number;
  readonly nonzero: number;
}

/** Paired values and scipy's result on them, computed once with python3 (see `source` in the file). */
const FIXTURE = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'wilcoxon-scipy.json'), 'utf8')) as { source: string; cases: ScipyCase[] };

describe('Wilcoxon signed-rank test (normal approximation)', () => {
  it('matches a hand-computed case without ties', () => {
    // d = a − b = 3, 1, −2, 4, 0, −1.5, 2.5, 5; the 0 is dropped → n = 7
    // |d| ranks: 1→1, 1.5→2, 2→3, 2.5→4, 3→5, 4→6, 5→7; R+ = 5+1+6+4+7 = 23, R− = 3+2 = 5
    // mean 7·8/4 = 14, var 7·8·15/24 = 35, z = (5 − 14)/√35
    const r = wilcoxonSignedRank([3, 1, -2, 4, 0, -1.5, 2.5, 5], [0, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.n).toBe(7);
    expect(r.rPlus).toBe(23);
    expect(r.statistic).toBe(5);
    expect(r.z).toBeCloseTo(-9 / Math.sqrt(35), 12);
    // 2·Φ(−1.52128) = 0.128190 (normal table)
    expect(r.p).toBeCloseTo(0.12819, 5);
  });

  it('matches a hand-computed case with tied |differences| (variance tie correction)', () => {
    // d = 1, −1, 2, 2, 2, 0, 3 → n = 6; |d| ranks 1.5, 1.5, 4, 4, 4, 6; R+ = 1.5+12+6 = 19.5, R− = 1.5
    // var = (6·7·13 − ½(2·3 + 3·8))/24 = (546 − 15)/24 = 22.125; z = (1.5 − 10.5)/√22.125
    const r = wilcoxonSignedRank([1, -1, 2, 2, 2, 0, 3], new Array<number>(7).fill(0));
    expect(r.n).toBe(6);
    expect(r.statistic).toBe(1.5);
    expect(r.z).toBeCloseTo(-9 / Math.sqrt(22.125), 12);
    expect(r.p).toBeCloseTo(0.0557, 4);
  });

  it.each(FIXTURE.cases.map((c, i) => [i, c] as const))('agrees with scipy on fixed paired per-user values (case %i)', (_i, c) => {
    const r = wilcoxonSignedRank(c.a, c.b);
    expect(r.n).toBe(c.nonzero);
    expect(r.statistic).toBe(c.statistic);
    expect(Math.abs(r.p - c.p) / c.p).toBeLessThan(1e-5);
  });

  it('says p = 1 when every pair is equal, and is symmetric in its arguments', () => {
    expect(wilcoxonSignedRank([0.1, 0.2], [0.1, 0.2])).toEqual({ statistic: 0, rPlus: 0, n: 0, z: 0, p: 1 });
    const c = FIXTURE.cases[1];
    expect(wilcoxonSignedRank(c.b, c.a).p).toBeCloseTo(wilcoxonSignedRank(c.a, c.b).p, 12);
    expect(() => wilcoxonSignedRank([1], [1, 2])).toThrow(RangeError);
  });

  it('averageRanks shares ranks among ties and reports the tie groups', () => {
    const { ranks, ties } = averageRanks([10, 20, 10, 30, 10]);
    expect(Array.from(ranks)).toEqual([2, 4, 2, 5, 2]);
    expect(ties).toEqual([3]);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });
});

describe('Holm correction', () => {
  it('multiplies the sorted p-values by m, m−1, … and keeps them monotone, capped at 1', () => {
    // sorted 0.01·4 = 0.04, 0.02·3 = 0.06, 0.03·2 = 0.06, 0.5·1 = 0.5 → in input order
    expect(holm([0.03, 0.01, 0.5, 0.02])).toEqual([0.06, 0.04, 0.5, 0.06]);
    // a later smaller product is lifted to the running maximum; products over 1 are capped
    expect(holm([0.04, 0.045, 0.6])).toEqual([0.12, 0.12, 0.6]);
    expect(holm([0.4, 0.5])).toEqual([0.8, 0.8]);
    expect(holm([0.7, 0.9])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
});

describe('bootstrap intervals', () => {
  it('is reproducible by seed and brackets the mean', () => {
    const v = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
    const a = bootstrapMeanCi(v, { seed: 7 });
    expect(bootstrapMeanCi(v, { seed: 7 })).toEqual(a);
    expect(bootstrapMeanCi(v, { seed: 8 })).not.toEqual(a);
    const mean = 0.45;
    expect(a[0]).toBeLessThan(mean);
    expect(a[1]).toBeGreaterThan(mean);
    // the sd of a mean of 200 draws with variance 0.0825 is 0.0203: a 95% interval is about ±0.04
    expect(a[1] - a[0]).toBeGreaterThan(0.05);
    expect(a[1] - a[0]).toBeLessThan(0.11);
  });

  it('gives a zero-width interval for constant values and NaN for none', () => {
    expect(bootstrapMeanCi([0.3, 0.3, 0.3], { seed: 1, resamples: 50 })).toEqual([0.3, 0.3]);
    expect(bootstrapMeanCi([], { seed: 1 }).every(Number.isNaN)).toBe(true);
  });

  it('shares one set of resamples: users without a value (NaN) are left out of each resample mean', () => {
    const boot = new Bootstrap(4, { seed: 5, resamples: 300 });
    expect(boot.meanCi([2, Number.NaN, 2, Number.NaN])).toEqual([2, 2]);
    expect(boot.meanCi([Number.NaN, Number.NaN, Number.NaN, Number.NaN]).every(Number.isNaN)).toBe(true);
    // the same resamples: a shifted sample gives the shifted interval
    const [lo, hi] = boot.meanCi([0, 1, 2, 3]);
    const [lo2, hi2] = boot.meanCi([10, 11, 12, 13]);
    expect(lo2 - lo).toBeCloseTo(10, 12);
    expect(hi2 - hi).toBeCloseTo(10, 12);
    expect(() => boot.meanCi([1, 2])).toThrow(RangeError);
  });

  it('quantiles interpolate linearly; paired differences are b − a', () => {
    expect(quantileSorted([0, 10, 20, 30], 0.5)).toBe(15);
    expect(quantileSorted([0, 10, 20, 30], 0.025)).toBeCloseTo(0.75, 12);
    expect(Array.from(pairedDifferences([1, 2], [3, 1]))).toEqual([2, -1]);
  });
});
