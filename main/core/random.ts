/**
 * Small seeded pseudo-random generator (xoshiro128** seeded through splitmix32) for everything
 * that must be reproducible per seed: splits, negative sampling, initialisation.
 * Not cryptographic. The same seed gives the same stream on every platform.
 */

export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform integer in [0, n) without modulo bias; n must be a positive integer ≤ 2^32. */
  int(n: number): number;
  /** Standard normal sample (Box–Muller, the second value is cached). */
  normal(): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<A extends Shuffleable>(arr: A): A;
  /** Raw 32-bit unsigned output. */
  uint32(): number;
}

/** Anything indexable and writable by position: plain arrays and typed arrays. */
export interface Shuffleable {
  length: number;
  [index: number]: unknown;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** Maps any finite number to a 32-bit seed (integers 0..2^32-1 map to themselves). */
export function normalizeSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  if (Number.isInteger(seed)) return ((seed % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
  // fractional seeds: mix the float's bits so 0.5 and 0.25 differ
  const f = new Float64Array([seed]);
  const u = new Uint32Array(f.buffer);
  return (u[0] ^ Math.imul(u[1], 0x9e3779b1)) >>> 0;
}

export function createRng(seed: number): Rng {
  let sm = normalizeSeed(seed);
  const splitmix32 = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) s[i] = splitmix32();
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // all-zero state is a fixed point

  const uint32 = (): number => {
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  };

  const next = (): number => {
    const hi = uint32() >>> 5; // 27 bits
    const lo = uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new RangeError(`int(n) needs an integer 1..2^32, got ${n}`);
    }
    // rejection sampling over the largest multiple of n below 2^32
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const r = uint32();
      if (r < limit) return r % n;
    }
  };

  let spare = 0;
  let hasSpare = false;
  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  };

  const shuffle = <A extends Shuffleable>(arr: A): A => {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  };

  return { next, int, normal, shuffle, uint32 };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
