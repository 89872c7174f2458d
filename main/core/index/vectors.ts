/**
 * What every vector index does to its inputs the same way: checks (length, finite values),
 * L2 normalisation, and queries given as one row-major matrix or a list.
 */
import { KnowrecError } from '../errors';

export function normalizeInPlace(v: Float32Array, off: number, dim: number): void {
  let ss = 0;
  for (let d = 0; d < dim; d++) ss += v[off + d] * v[off + d];
  if (ss === 0) return;
  const inv = 1 / Math.sqrt(ss);
  for (let d = 0; d < dim; d++) v[off + d] *= inv;
}

/** Throws on the first NaN or infinity, naming `what` ("Query", "Vector for id 7") and the position. */
export function checkFinite(v: Float32Array, what: string): void {
  for (let d = 0; d < v.length; d++) {
    if (!Number.isFinite(v[d])) throw new KnowrecError('validation', `${what} has a non-finite value at ${d}`, {}, 'check the encoder output');
  }
}

/** A checked query, normalised into a copy when the index normalises (the caller's array is never changed). */
export function prepareQuery(query: Float32Array, dim: number, normalize: boolean): Float32Array {
  if (query.length !== dim) {
    throw new KnowrecError('validation', `Query has length ${query.length}, expected ${dim}`, {}, 'encode with the same model as the index');
  }
  checkFinite(query, 'Query');
  if (!normalize) return query;
  const q = Float32Array.from(query);
  normalizeInPlace(q, 0, dim);
  return q;
}

/** Queries as prepared rows: a list, or n × dim floats row-major. */
export function splitQueries(queries: readonly Float32Array[] | Float32Array, dim: number, normalize: boolean): Float32Array[] {
  if (!(queries instanceof Float32Array)) return queries.map((q) => prepareQuery(q, dim, normalize));
  if (queries.length % dim !== 0) {
    throw new KnowrecError('validation', `Query matrix has ${queries.length} floats, not a multiple of dim ${dim}`, {}, 'pass n × dim floats, row-major');
  }
  const out: Float32Array[] = [];
  for (let o = 0; o < queries.length; o += dim) out.push(prepareQuery(queries.subarray(o, o + dim), dim, normalize));
  return out;
}
