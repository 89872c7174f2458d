/**
 * Every user's score for every item in one native product, S = U·Qᵀ (float32, onnxruntime's MLAS
 * GEMM, multi-threaded), instead of one JavaScript dot-product loop per user and item. Factor
 * models (bpr, kg-embed) use it while they validate after each epoch: a validation scores every
 * validation user against the whole catalog, and that product is most of an epoch's time there.
 * Users go through in blocks, so the product's output never exceeds BLOCK_FLOATS floats at once.
 */
import { ort } from '../ort';
import { KnowrecError } from '../errors';
import { ONNX_FLOAT, onnxModel } from './onnx-graph';

/** The whole score matrix is kept only up to this many floats (256 MB); above it callers score per user. */
export const SCORE_MATRIX_MAX_FLOATS = 64 * 1024 * 1024;
/** Scores of selected users (scoreRowsNative) are computed up to this many floats (1 GB). */
export const SCORE_ROWS_MAX_FLOATS = 256 * 1024 * 1024;
/** Floats of one block's output. */
const BLOCK_FLOATS = 16 * 1024 * 1024;

let session: Promise<ort.InferenceSession> | null = null;

/** The thread's session computing S = U·Qᵀ (inputs U: m × k, Q: n × k; output S: m × n), built once. */
export function gemmSession(): Promise<ort.InferenceSession> {
  session ??= ort.InferenceSession.create(
    onnxModel(
      [{ op: 'Gemm', inputs: ['U', 'Q'], outputs: ['S'], attributes: [{ name: 'transB', value: 1 }] }],
      [{ name: 'U', elemType: ONNX_FLOAT, dims: ['m', 'k'] }, { name: 'Q', elemType: ONNX_FLOAT, dims: ['n', 'k'] }],
      [{ name: 'S', elemType: ONNX_FLOAT, dims: ['m', 'n'] }],
    ),
    // as for the inverse: no spinning threads on a shared machine
    { graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } },
  ).catch((e: unknown) => {
    session = null;
    throw new KnowrecError('internal', `onnxruntime could not build the score-matrix graph: ${String(e)}`);
  });
  return session;
}

/**
 * S = U·Qᵀ for row-major U (nUsers × dim) and Q (nItems × dim): S[u·nItems + i] = u_u·q_i.
 * Null when nUsers·nItems is above SCORE_MATRIX_MAX_FLOATS (the caller then scores per user).
 */
export async function scoreMatrixNative(
  users: Float32Array,
  nUsers: number,
  items: Float32Array,
  nItems: number,
  dim: number,
): Promise<Float32Array | null> {
  if (users.length < nUsers * dim || items.length < nItems * dim) {
    throw new KnowrecError('internal', `scoreMatrixNative: expected ${nUsers}×${dim} and ${nItems}×${dim} matrices`);
  }
  if (nUsers * nItems > SCORE_MATRIX_MAX_FLOATS) return null;
  return product(users, nUsers, items, nItems, dim);
}

/**
 * The scores of the listed users only (row j of the result = user rows[j]), as scoreMatrixNative;
 * null when rows.length·nItems is above SCORE_ROWS_MAX_FLOATS.
 */
export async function scoreRowsNative(users: Float32Array, rows: Int32Array, items: Float32Array, nItems: number, dim: number): Promise<Float32Array | null> {
  if (rows.length * nItems > SCORE_ROWS_MAX_FLOATS) return null;
  const u = new Float32Array(rows.length * dim);
  rows.forEach((r, j) => u.set(users.subarray(r * dim, (r + 1) * dim), j * dim));
  return product(u, rows.length, items, nItems, dim);
}

/** Scores of the listed users kept for a validation: rowOf[user] = its row in data, −1 for the others. */
export interface RowScores {
  readonly rowOf: Int32Array;
  readonly data: Float32Array;
  readonly nItems: number;
}

/** scoreRowsNative for the distinct valid users among `rows`, with the user → row map; null when too large. */
export async function rowScoresNative(users: Float32Array, nUsers: number, rows: Int32Array, items: Float32Array, nItems: number, dim: number): Promise<RowScores | null> {
  const list = Int32Array.from(new Set(Array.from(rows).filter((u) => Number.isInteger(u) && u >= 0 && u < nUsers)));
  const data = await scoreRowsNative(users, list, items, nItems, dim);
  if (data === null) return null;
  const rowOf = new Int32Array(nUsers).fill(-1);
  list.forEach((u, j) => (rowOf[u] = j));
  return { rowOf, data, nItems };
}

/** The user's row of `rs` (a copy), or null when it was not scored. */
export function rowOf(rs: RowScores | null, user: number): Float32Array | null {
  const r = rs === null ? -1 : rs.rowOf[user];
  return rs === null || r < 0 ? null : rs.data.slice(r * rs.nItems, (r + 1) * rs.nItems);
}

async function product(users: Float32Array, nUsers: number, items: Float32Array, nItems: number, dim: number): Promise<Float32Array> {
  const out = new Float32Array(nUsers * nItems);
  if (nUsers === 0 || nItems === 0) return out;
  const s = await gemmSession();
  // copies: the tensors must own whole buffers (the callers' tables hold more than these rows)
  const q = new ort.Tensor('float32', items.slice(0, nItems * dim), [nItems, dim]);
  const block = Math.max(1, Math.floor(BLOCK_FLOATS / nItems));
  for (let u0 = 0; u0 < nUsers; u0 += block) {
    const u1 = Math.min(nUsers, u0 + block);
    const r = await s.run({ U: new ort.Tensor('float32', users.slice(u0 * dim, u1 * dim), [u1 - u0, dim]), Q: q });
    out.set(r.S.data as Float32Array, u0 * nItems);
  }
  return out;
}
