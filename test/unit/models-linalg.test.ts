import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { choleskyInPlace, invertSpd } from '../../main/core/models/linalg';

/** Row-major n×n matrix A·Aᵀ + shift·I from an n×m matrix A (always SPD for shift > 0). */
function spd(a: readonly number[], n: number, m: number, shift: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += a[i * m + k] * a[j * m + k];
      g[i * n + j] = s + (i === j ? shift : 0);
    }
  }
  return g;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}

describe('invertSpd', () => {
  it('G·P ≈ I and P is symmetric for random SPD matrices (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 13 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            m: fc.integer({ min: 1, max: 6 }),
            shift: fc.double({ min: 0.05, max: 10, noNaN: true }),
            a: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n * 6, maxLength: n * 6 }),
          }),
        ),
        ({ n, m, shift, a }) => {
          const g = spd(a, n, m, shift);
          const p = invertSpd(g.slice(), n);
          const gp = matmul(g, p, n);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              expect(Math.abs(gp[i * n + j] - (i === j ? 1 : 0))).toBeLessThan(1e-8);
              expect(p[i * n + j]).toBe(p[j * n + i]);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads only the lower triangle', () => {
    const g = spd([1, 2, 0, 1, 3, 1, 0, 2, 1], 3, 3, 1);
    const junk = g.slice();
    junk[1] = 1e6; // (0,1), upper
    junk[5] = -7; // (1,2), upper
    const p1 = invertSpd(g.slice(), 3);
    const p2 = invertSpd(junk, 3);
    expect(Array.from(p2)).toEqual(Array.from(p1));
  });

  it('choleskyInPlace gives L with L·Lᵀ = G', () => {
    const n = 5;
    const g = spd(Array.from({ length: 25 }, (_, k) => Math.sin(k + 1)), n, 5, 0.5);
    const l = g.slice();
    choleskyInPlace(l, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += l[i * n + k] * l[j * n + k];
        expect(s).toBeCloseTo(g[i * n + j], 10);
      }
    }
  });

  it('throws a validation error on a matrix that is not positive definite', () => {
    const g = Float64Array.from([1, 2, 2, 1]); // eigenvalues 3 and −1
    let err: unknown;
    try {
      invertSpd(g, 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KnowrecError);
    expect((err as KnowrecError).code).toBe('validation');
    expect((err as KnowrecError).message).toMatch(/not positive definite/);
  });

  it('stops when the signal is aborted', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => invertSpd(Float64Array.from([2]), 1, { signal: ac.signal })).toThrow(/cancelled/);
  });
});
