/**
 * Dense symmetric positive-definite inverse on onnxruntime's native kernels (float64).
 *
 * Recursive block inverse through the Schur complement: for G = [[A, B], [Bᵀ, D]],
 *   A⁻¹ (recursively), W = A⁻¹B, S = D − BᵀW (SPD again), S⁻¹ (recursively),
 *   G⁻¹ = [[A⁻¹ + W·S⁻¹·Wᵀ, −W·S⁻¹], [−(W·S⁻¹)ᵀ, S⁻¹]].
 * Each level costs four half-size matrix products, n³ flops in all, so the whole inverse takes
 * about 4/3·n³ flops in MLAS GEMM (multi-threaded), against 8/3·n³ for LAPACK's LU-based inverse
 * (numpy.linalg.inv). Blocks of at most LEAF rows go to the com.microsoft Inverse contrib op.
 * No pivoting is needed: every leading block and Schur complement of an SPD matrix is SPD.
 */
import { ort } from '../ort';
import { KnowrecError, throwIfAborted } from '../errors';
import type { InverseOptions } from './linalg';
import { ONNX_DOUBLE, onnxModel, type TensorInfo } from './onnx-graph';

/** Blocks up to this size are inverted by one Inverse op (by default). */
const LEAF = 512;

const t = (name: string, dims: readonly (number | string)[]): TensorInfo => ({ name, elemType: ONNX_DOUBLE, dims });

interface Sessions {
  readonly inverse: ort.InferenceSession;
  readonly schur: ort.InferenceSession;
  readonly combine: ort.InferenceSession;
}

let sessions: Promise<Sessions> | null = null;

async function createSessions(): Promise<Sessions> {
  // no arena: a 10k inverse's intermediates are gigabytes, given back when each run ends; no
  // spinning threads (as for the encoder: on a shared 2-core machine they fight the other work)
  const opts: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    enableCpuMemArena: false,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const inverse = onnxModel([{ op: 'Inverse', inputs: ['X'], outputs: ['Y'], domain: 'com.microsoft' }],
    [t('X', ['n', 'n'])], [t('Y', ['n', 'n'])]);
  // W = Ai·B, S = D − Bᵀ·W (Bᵀ is G's lower-left block, passed in: no transpose)
  const schur = onnxModel([
    { op: 'MatMul', inputs: ['Ai', 'B'], outputs: ['W'] },
    { op: 'MatMul', inputs: ['Bt', 'W'], outputs: ['BtW'] },
    { op: 'Sub', inputs: ['D', 'BtW'], outputs: ['S'] },
  ], [t('Ai', ['k', 'k']), t('B', ['k', 'm']), t('Bt', ['m', 'k']), t('D', ['m', 'm'])], [t('W', ['k', 'm']), t('S', ['m', 'm'])]);
  // V = W·Si, P11 = Ai + V·Wᵀ, P12 = −V, P21 = −Vᵀ (P = [[P11, P12], [P21, Si]])
  const combine = onnxModel([
    { op: 'MatMul', inputs: ['W', 'Si'], outputs: ['V'] },
    { op: 'Transpose', inputs: ['W'], outputs: ['Wt'] },
    { op: 'MatMul', inputs: ['V', 'Wt'], outputs: ['VWt'] },
    { op: 'Add', inputs: ['Ai', 'VWt'], outputs: ['P11'] },
    { op: 'Neg', inputs: ['V'], outputs: ['P12'] },
    { op: 'Transpose', inputs: ['P12'], outputs: ['P21'] },
  ], [t('Ai', ['k', 'k']), t('W', ['k', 'm']), t('Si', ['m', 'm'])], [t('P11', ['k', 'k']), t('P12', ['k', 'm']), t('P21', ['m', 'k'])]);
  const [a, b, c] = await Promise.all([inverse, schur, combine].map((m) => ort.InferenceSession.create(m, opts)));
  return { inverse: a, schur: b, combine: c };
}

function getSessions(): Promise<Sessions> {
  sessions ??= createSessions().catch((e: unknown) => {
    sessions = null;
    throw new KnowrecError('internal', `onnxruntime could not build the linear-algebra graphs: ${String(e)}`);
  });
  return sessions;
}

const tensor = (data: Float64Array, rows: number, cols: number): ort.Tensor => new ort.Tensor('float64', data, [rows, cols]);

async function output(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, name: string): Promise<Float64Array> {
  const r = await session.run(feeds);
  return r[name].data as Float64Array;
}

/**
 * Rows r0..r1 and columns c0..c1 of the n-column row-major matrix `a`, as a new matrix, with
 * `shift` added to the entries on a's diagonal.
 */
function block(a: Float64Array, n: number, r0: number, r1: number, c0: number, c1: number, shift: number): Float64Array {
  const w = c1 - c0;
  const out = new Float64Array((r1 - r0) * w);
  for (let r = r0; r < r1; r++) {
    out.set(a.subarray(r * n + c0, r * n + c1), (r - r0) * w);
    if (shift !== 0 && r >= c0 && r < c1) out[(r - r0) * w + r - c0] += shift;
  }
  return out;
}

interface Progress {
  readonly leaf: number;
  done: number;
  readonly total: number;
  readonly opts: InverseOptions;
}

function advance(p: Progress, flops: number): void {
  p.done += flops;
  throwIfAborted(p.opts.signal);
  p.opts.onProgress?.(Math.min(1, p.done / p.total));
}

/** Inverse of a + shift·I (a is read, never written). */
async function invertBlock(s: Sessions, a: Float64Array, n: number, shift: number, p: Progress): Promise<Float64Array> {
  throwIfAborted(p.opts.signal);
  if (n <= p.leaf) {
    const y = await output(s.inverse, { X: tensor(shift === 0 ? a : block(a, n, 0, n, 0, n, shift), n, n) }, 'Y');
    advance(p, 2 * n ** 3);
    return y;
  }
  const k = n >> 1;
  const m = n - k;
  const ai = await invertBlock(s, block(a, n, 0, k, 0, k, shift), k, 0, p);
  const feeds = {
    Ai: tensor(ai, k, k),
    B: tensor(block(a, n, 0, k, k, n, 0), k, m),
    Bt: tensor(block(a, n, k, n, 0, k, 0), m, k),
    D: tensor(block(a, n, k, n, k, n, shift), m, m),
  };
  const r = await s.schur.run(feeds);
  advance(p, 4 * k * k * m);
  const w = r.W.data as Float64Array;
  const si = await invertBlock(s, r.S.data as Float64Array, m, 0, p);
  const c = await s.combine.run({ Ai: tensor(ai, k, k), W: tensor(w, k, m), Si: tensor(si, m, m) });
  advance(p, 4 * k * m * m);
  // P = [[P11, P12], [P21, Si]], assembled here rather than by Concat nodes (two fewer n² copies)
  const out = new Float64Array(n * n);
  const p11 = c.P11.data as Float64Array;
  const p12 = c.P12.data as Float64Array;
  const p21 = c.P21.data as Float64Array;
  for (let r = 0; r < k; r++) {
    out.set(p11.subarray(r * k, (r + 1) * k), r * n);
    out.set(p12.subarray(r * m, (r + 1) * m), r * n + k);
  }
  for (let r = 0; r < m; r++) {
    out.set(p21.subarray(r * k, (r + 1) * k), (k + r) * n);
    out.set(si.subarray(r * m, (r + 1) * m), (k + r) * n + k);
  }
  return out;
}

export interface NativeInverseOptions extends InverseOptions {
  /** Inverts a + shift·I instead of a (EASE's λ), leaving `a` as it is. Default 0. */
  readonly shift?: number;
  /** Blocks of at most this many rows go to one Inverse op (≥ 1; default 512; small in tests). */
  readonly leaf?: number;
}

/**
 * Inverse of the symmetric positive-definite n×n matrix `a` + shift·I (row-major, both triangles
 * of `a` filled), in float64 on onnxruntime. `a` is not modified, so several shifts can share it.
 * Throws a validation error when the result shows that the matrix was not positive definite (a
 * non-positive or non-finite diagonal).
 */
export async function invertSpdNative(a: Float64Array, n: number, opts: NativeInverseOptions = {}): Promise<Float64Array> {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) {
    throw new KnowrecError('internal', `Expected an ${n}×${n} matrix, got ${a.length} entries`);
  }
  if (n === 0) return new Float64Array(0);
  const s = await getSessions();
  const leaf = Math.max(1, Math.floor(opts.leaf ?? LEAF));
  const p = await invertBlock(s, a, n, opts.shift ?? 0, { leaf, done: 0, total: (4 / 3) * n ** 3 + 2 * leaf ** 2 * n, opts });
  for (let i = 0; i < n; i++) {
    const d = p[i * n + i];
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new KnowrecError('validation', `Matrix is not positive definite (inverse diagonal ${i} is ${d})`, {},
        'for EASE raise lambda; a Gram matrix plus λI with λ > 0 is always positive definite');
    }
  }
  opts.onProgress?.(1);
  return p;
}
