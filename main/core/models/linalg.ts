/**
 * Dense symmetric positive-definite inverse on row-major Float64Array matrices, for EASE.
 * Cholesky (G = L·Lᵀ), then U = L⁻ᵀ row by row (forward substitution), then G⁻¹ = U·Uᵀ.
 * Every inner loop is a dot product of two contiguous row segments (unrolled by four), about
 * n³/2 multiply-adds in all.
 */
import { KnowrecError, throwIfAborted } from '../errors';

/** The largest Euclidean norm of the rows of an n × d row-major matrix. */
export function largestRowNorm(m: Float32Array | Float64Array, n: number, d: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i * d, end = k + d; k < end; k++) s += m[k] * m[k];
    if (s > best) best = s;
  }
  return Math.sqrt(best);
}

/**
 * Σ x[xo+k]·y[yo+k] for k < len, with four partial sums (independent additions the CPU overlaps:
 * about 1.2× one running sum, measured on the semantic scorer). x and y are both Float32Array or
 * both Float64Array.
 */
export function dot<T extends Float32Array | Float64Array>(x: T, xo: number, y: T, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += x[xo + k] * y[yo + k];
    s1 += x[xo + k + 1] * y[yo + k + 1];
    s2 += x[xo + k + 2] * y[yo + k + 2];
    s3 += x[xo + k + 3] * y[yo + k + 3];
  }
  for (; k < len; k++) s0 += x[xo + k] * y[yo + k];
  return s0 + s1 + (s2 + s3);
}

/** Two dot products sharing x: writes Σ x·y1 to out[0] and Σ x·y2 to out[1]. */
function dot2(
  x: Float64Array, xo: number, y: Float64Array, y1o: number, y2o: number, len: number, out: Float64Array,
): void {
  let a0 = 0;
  let a1 = 0;
  let b0 = 0;
  let b1 = 0;
  let k = 0;
  for (; k + 1 < len; k += 2) {
    const x0 = x[xo + k];
    const x1 = x[xo + k + 1];
    a0 += x0 * y[y1o + k];
    b0 += x0 * y[y2o + k];
    a1 += x1 * y[y1o + k + 1];
    b1 += x1 * y[y2o + k + 1];
  }
  if (k < len) {
    a0 += x[xo + k] * y[y1o + k];
    b0 += x[xo + k] * y[y2o + k];
  }
  out[0] = a0 + a1;
  out[1] = b0 + b1;
}

export interface InverseOptions {
  readonly signal?: AbortSignal;
  /** Called with the fraction done (0..1) a few hundred times at most. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * In-place Cholesky factor: reads the lower triangle of `a` (n×n, row-major) and overwrites it
 * with L (diagonal included). The strict upper triangle is left as it was. Rows are done in
 * pairs so that each earlier row is loaded once for both.
 */
export function choleskyInPlace(a: Float64Array, n: number, opts: InverseOptions = {}): void {
  checkSquare(a, n);
  const o = new Float64Array(2);
  for (let i = 0; i < n; i += 2) {
    if ((i & 31) === 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(i / n);
    }
    const ri = i * n;
    if (i + 1 === n) {
      for (let j = 0; j < i; j++) {
        const rj = j * n;
        a[ri + j] = (a[ri + j] - dot(a, ri, a, rj, j)) / a[rj + j];
      }
      a[ri + i] = pivot(a[ri + i] - dot(a, ri, a, ri, i), i);
      break;
    }
    const ri1 = ri + n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      dot2(a, rj, a, ri, ri1, j, o);
      const d = a[rj + j];
      a[ri + j] = (a[ri + j] - o[0]) / d;
      a[ri1 + j] = (a[ri1 + j] - o[1]) / d;
    }
    a[ri + i] = pivot(a[ri + i] - dot(a, ri, a, ri, i), i);
    a[ri1 + i] = (a[ri1 + i] - dot(a, ri1, a, ri, i)) / a[ri + i];
    a[ri1 + i + 1] = pivot(a[ri1 + i + 1] - dot(a, ri1, a, ri1, i + 1), i + 1);
  }
}

function pivot(d: number, i: number): number {
  if (!(d > 0)) {
    throw new KnowrecError(
      'validation',
      `Matrix is not positive definite (pivot ${i} is ${d})`,
      {},
      'for EASE raise lambda; a Gram matrix plus λI with λ > 0 is always positive definite',
    );
  }
  return Math.sqrt(d);
}

/**
 * Inverse of the symmetric positive-definite n×n matrix `a` (row-major; only its lower triangle
 * is read). `a` is used as scratch space and destroyed. Returns the full symmetric inverse.
 */
export function invertSpd(a: Float64Array, n: number, opts: InverseOptions = {}): Float64Array {
  const report = opts.onProgress;
  choleskyInPlace(a, n, { signal: opts.signal, onProgress: report && ((f) => report(f / 3)) });
  const o = new Float64Array(2);
  // U = L⁻ᵀ: row j of U is column j of L⁻¹, the solution of L·x = e_j, nonzero from j on.
  // Row j of U (after its diagonal) goes into the strict upper triangle of row j of `a`;
  // the diagonal goes into uDiag (the lower triangle still holds L, needed for later rows).
  // Two right-hand sides at a time: x1 = xs[0..n) for e_j, x2 = xs[n..2n) for e_{j+1}.
  const uDiag = new Float64Array(n);
  const xs = new Float64Array(2 * n);
  for (let j = 0; j < n; j += 2) {
    if ((j & 31) === 0) {
      throwIfAborted(opts.signal);
      report?.(1 / 3 + j / n / 3);
    }
    const rj = j * n;
    xs[j] = 1 / a[rj + j];
    if (j + 1 === n) {
      uDiag[j] = xs[j];
      break;
    }
    const rj1 = rj + n;
    xs[j + 1] = (-a[rj1 + j] * xs[j]) / a[rj1 + j + 1];
    xs[n + j] = 0;
    xs[n + j + 1] = 1 / a[rj1 + j + 1];
    for (let i = j + 2; i < n; i++) {
      const ri = i * n;
      dot2(a, ri + j, xs, j, n + j, i - j, o);
      const d = a[ri + i];
      xs[i] = -o[0] / d;
      xs[n + i] = -o[1] / d;
    }
    uDiag[j] = xs[j];
    uDiag[j + 1] = xs[n + j + 1];
    a.set(xs.subarray(j + 1, n), rj + j + 1);
    a.set(xs.subarray(n + j + 2, 2 * n), rj1 + j + 2);
  }
  // P = U·Uᵀ, P[i][j] = Σ_{k ≥ max(i,j)} U[i][k]·U[j][k]; for j ≤ i the k = i term uses the
  // stored diagonal of row i and the rest is a dot product over the strict upper parts.
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    if ((i & 31) === 0) {
      throwIfAborted(opts.signal);
      report?.(2 / 3 + i / n / 3);
    }
    const ri = i * n;
    const tail = n - i - 1;
    const ui = uDiag[i];
    p[ri + i] = ui * ui + dot(a, ri + i + 1, a, ri + i + 1, tail);
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const rj = j * n;
      const rj1 = rj + n;
      dot2(a, ri + i + 1, a, rj + i + 1, rj1 + i + 1, tail, o);
      const v0 = ui * a[rj + i] + o[0];
      const v1 = ui * a[rj1 + i] + o[1];
      p[ri + j] = v0;
      p[rj + i] = v0;
      p[ri + j + 1] = v1;
      p[rj1 + i] = v1;
    }
    if (j < i) {
      const rj = j * n;
      const v = ui * a[rj + i] + dot(a, ri + i + 1, a, rj + i + 1, tail);
      p[ri + j] = v;
      p[rj + i] = v;
    }
  }
  report?.(1);
  return p;
}

function checkSquare(a: Float64Array, n: number): void {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) {
    throw new KnowrecError('internal', `Expected an ${n}×${n} matrix, got ${a.length} entries`);
  }
}

/**
 * out[j][i] = Σ_k mat[i·dim + k]·vecs[j][k] for every row i of a row-major n × dim matrix and
 * each vector: up to eight vectors per pass over the matrix, so a row is read once for all of
 * them (about 2× separate products for seven vectors). Float64 sums.
 */
export function multiMatVec(mat: Float32Array, n: number, dim: number, vecs: readonly Float64Array[]): Float64Array[] {
  const out = vecs.map(() => new Float64Array(n));
  const zero = new Float64Array(dim);
  const scratch = new Float64Array(n);
  for (let g = 0; g < vecs.length; g += 8) {
    const q = Array.from({ length: 8 }, (_, j) => vecs[g + j] ?? zero);
    const o = Array.from({ length: 8 }, (_, j) => out[g + j] ?? scratch);
    if (vecs.length - g <= 4) matVec4(mat, n, dim, q, o);
    else matVec8(mat, n, dim, q, o);
  }
  return out;
}

function matVec4(mat: Float32Array, n: number, dim: number, q: readonly Float64Array[], o: readonly Float64Array[]): void {
  const [q0, q1, q2, q3] = q;
  const [o0, o1, o2, o3] = o;
  for (let i = 0; i < n; i++) {
    const r = i * dim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let k = 0; k < dim; k++) {
      const v = mat[r + k];
      a0 += v * q0[k];
      a1 += v * q1[k];
      a2 += v * q2[k];
      a3 += v * q3[k];
    }
    o0[i] = a0;
    o1[i] = a1;
    o2[i] = a2;
    o3[i] = a3;
  }
}

function matVec8(mat: Float32Array, n: number, dim: number, q: readonly Float64Array[], o: readonly Float64Array[]): void {
  const [q0, q1, q2, q3, q4, q5, q6, q7] = q;
  const [o0, o1, o2, o3, o4, o5, o6, o7] = o;
  for (let i = 0; i < n; i++) {
    const r = i * dim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let k = 0; k < dim; k++) {
      const v = mat[r + k];
      a0 += v * q0[k];
      a1 += v * q1[k];
      a2 += v * q2[k];
      a3 += v * q3[k];
      a4 += v * q4[k];
      a5 += v * q5[k];
      a6 += v * q6[k];
      a7 += v * q7[k];
    }
    o0[i] = a0;
    o1[i] = a1;
    o2[i] = a2;
    o3[i] = a3;
    o4[i] = a4;
    o5[i] = a5;
    o6[i] = a6;
    o7[i] = a7;
  }
}
