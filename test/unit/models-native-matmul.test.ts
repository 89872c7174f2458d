import { describe, expect, it } from 'vitest';
import { SCORE_MATRIX_MAX_FLOATS, scoreMatrixNative } from '../../main/core/models/native-matmul';

describe('scoreMatrixNative', () => {
  it('gives every user-item dot product, row-major by user', async () => {
    // users (3 × 2) and items (4 × 2) with products known by hand
    const users = Float32Array.from([1, 0, 0, 1, 2, -1]);
    const items = Float32Array.from([1, 2, 3, 4, -1, 0, 0.5, 0.5]);
    const s = await scoreMatrixNative(users, 3, items, 4, 2);
    expect(s).not.toBeNull();
    expect(Array.from(s ?? [])).toEqual([1, 3, -1, 0.5, 2, 4, 0, 0.5, 0, 2, -2, 0.5]);
  });

  it('reads only the first rows of longer tables', async () => {
    const users = Float32Array.from([1, 1, 9, 9]); // one user of dim 2, then unrelated floats
    const items = Float32Array.from([1, 2, 3, 4, 7, 7]);
    expect(Array.from((await scoreMatrixNative(users, 1, items, 2, 2)) ?? [])).toEqual([3, 7]);
  });

  it('returns null above its size limit, and an empty matrix for no users', async () => {
    const users = new Float32Array(0);
    expect(await scoreMatrixNative(users, SCORE_MATRIX_MAX_FLOATS + 1, new Float32Array(0), 1, 0)).toBeNull();
    expect((await scoreMatrixNative(users, 0, Float32Array.from([1, 2]), 1, 2))?.length).toBe(0);
  });

  it('rejects tables shorter than the sizes given', async () => {
    await expect(scoreMatrixNative(new Float32Array(3), 2, new Float32Array(4), 2, 2)).rejects.toThrow(/expected 2×2/);
  });
});
