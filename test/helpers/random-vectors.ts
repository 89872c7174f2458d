/** Seeded test data for the vector indexes: pseudo-random numbers (mulberry32) and unit vectors. */

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random unit vectors of `dim` dimensions, the same for a seed. */
export function unitVectors(n: number, dim: number, seed: number): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: dim }, () => r() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}
