import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng, normalizeSeed } from '../../main/core/random';

describe('createRng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(2020);
    const b = createRng(2020);
    const c = createRng(2021);
    const sa = Array.from({ length: 20 }, () => a.uint32());
    const sb = Array.from({ length: 20 }, () => b.uint32());
    const sc = Array.from({ length: 20 }, () => c.uint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('next() stays in [0, 1) and has mean ≈ 1/2', () => {
    const r = createRng(7);
    let sum = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const v = r.next();
      if (!(v >= 0 && v < 1)) outside++;
      sum += v;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
  });

  it('int(n) is in range and about uniform', () => {
    const r = createRng(11);
    const counts = new Int32Array(10);
    const n = 100_000;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const v = r.int(10);
      if (!(Number.isInteger(v) && v >= 0 && v < 10)) bad++;
      else counts[v]++;
    }
    expect(bad).toBe(0);
    for (const c of counts) expect(Math.abs(c - n / 10)).toBeLessThan(0.05 * (n / 10));
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(RangeError);
  });

  it('normal() has mean ≈ 0 and variance ≈ 1', () => {
    const r = createRng(3);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - mean * mean - 1)).toBeLessThan(0.03);
  });

  it('shuffle is a permutation of plain and typed arrays, deterministic per seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 60 }), fc.integer(), (arr, seed) => {
        const plain = createRng(seed).shuffle(arr.slice());
        const typed = createRng(seed).shuffle(Int32Array.from(arr.map((v) => v | 0)));
        expect([...plain].sort((a, b) => a - b)).toEqual([...arr].sort((a, b) => a - b));
        expect(Array.from(typed)).toEqual(plain.map((v) => v | 0));
      }),
    );
  });

  it('shuffle visits every permutation of 3 elements about equally often', () => {
    const r = createRng(99);
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = r.shuffle([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - n / 6)).toBeLessThan(0.05 * (n / 6));
  });

  it('normalizeSeed keeps 32-bit integers and maps negatives into range', () => {
    expect(normalizeSeed(2020)).toBe(2020);
    expect(normalizeSeed(-1)).toBe(4294967295);
    expect(normalizeSeed(4294967296 + 5)).toBe(5);
    expect(normalizeSeed(0.5)).not.toBe(normalizeSeed(0.25));
    expect(() => normalizeSeed(Number.NaN)).toThrow(RangeError);
  });
});
