/**
 * Native item products on a thread that may not block (native-products.ts): where Atomics.wait
 * throws (as on a browser-like main thread), the first product gives native products up for the
 * thread, says why, and every handle answers null (the callers' JavaScript loops). Its own file:
 * the products worker must not have started yet in this thread, so that the first wait (for the
 * worker to load) is certain to happen.
 */
import { describe, expect, it, vi } from 'vitest';
import { ItemProducts, nativeProductsProblem } from '../../main/core/models/native-products';
import { nativeProductsForAnySize } from '../helpers/native-switch';

describe('ItemProducts where the thread may not block', () => {
  nativeProductsForAnySize();

  it('gives native products up with the reason and answers null, for this handle and later ones', () => {
    const mat = Float32Array.from({ length: 50 * 8 }, (_, j) => Math.cos(j));
    const p = new ItemProducts(mat, 50, 8);
    expect(p.native).toBe(true);
    const wait = vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    try {
      expect(p.products([new Float64Array(8).fill(1)])).toBeNull();
      expect(wait).toHaveBeenCalled();
    } finally {
      wait.mockRestore();
    }
    expect(nativeProductsProblem()).toMatch(/Atomics\.wait is not allowed/);
    expect(p.native).toBe(false);
    expect(p.problem).toMatch(/Atomics\.wait is not allowed/);
    const later = new ItemProducts(mat, 50, 8);
    expect(later.products([new Float64Array(8).fill(1)])).toBeNull();
  });
});
