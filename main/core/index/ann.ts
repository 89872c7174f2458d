/**
 * Approximate inner-product search: an HNSW graph from `usearch` (native, prebuilt binaries),
 * behind the same VectorIndex contract as ExactIndex. For L2-normalized vectors the inner product
 * is the cosine. usearch's "ip" distance is 1 − ⟨q, v⟩; hits are returned as inner products.
 *
 * Exclusions: usearch has no per-query filter in its JS wrapper, so a search asks for k plus the
 * number of excluded ids it could meet, drops the excluded ones, and doubles the request while
 * fewer than k remain (up to the whole index). The graph is built once and can be saved and
 * loaded (building is the costly part; loading is a file read, see benchmarks/scale.ts).
 */
import { createRequire } from 'node:module';
import { KnowrecError } from '../errors';
import type { Exclusion, SearchHit, VectorIndex } from './types';
import { checkFinite, normalizeInPlace, splitQueries } from './vectors';

/**
 * HNSW settings. The defaults were measured on the scale benchmark's 100k item vectors
 * (benchmarks/results/scale-ann-M*.json, machine shared): M 16 / ef_add 64 reached recall@10 0.85
 * (ef 128) to 0.92 (ef 512); M 32 / ef_add 200 reaches 0.95 (ef 128) and 0.99 (ef 512, ~6 ms a
 * query against ~220 ms for exact search in JS), for a 1.5× longer build (199 s vs 134 s).
 */
export interface AnnIndexOptions {
  /** Graph degree (M). Default 32. */
  readonly connectivity?: number;
  /** Candidate list while building (efConstruction). Default 200. */
  readonly expansionAdd?: number;
  /** Candidate list while searching (ef). Default 512. */
  readonly expansionSearch?: number;
  /** Threads for add and search; 0 = usearch chooses (all cores). Default 0. */
  readonly threads?: number;
  /** L2-normalize vectors on add and queries on search (default false: they already are). */
  readonly normalize?: boolean;
}

export const ANN_DEFAULTS = { connectivity: 32, expansionAdd: 200, expansionSearch: 512, threads: 0 } as const;

interface UsearchMatches {
  keys: BigUint64Array;
  distances: Float32Array;
}
interface UsearchBatch extends UsearchMatches {
  counts: BigUint64Array;
  k: number;
}
interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vectors: Float32Array, k: number, threads: number): UsearchMatches;
  search(vectors: Float32Array[], k: number, threads: number): UsearchBatch;
  contains(keys: bigint): boolean;
  remove(keys: BigUint64Array): number | number[];
  size(): number;
  save(path: string): void;
  load(path: string): void;
}
interface UsearchModule {
  Index: new (config: {
    dimensions: number;
    metric: string;
    quantization: string;
    connectivity: number;
    expansion_add: number;
    expansion_search: number;
    multi: boolean;
  }) => UsearchIndex;
}

let usearchModule: UsearchModule | null = null;

/** The native module, loaded on first use (the app starts without it when no index is large). */
function usearch(): UsearchModule {
  if (usearchModule !== null) return usearchModule;
  try {
    usearchModule = createRequire(__filename)('usearch') as UsearchModule;
  } catch (e) {
    throw new KnowrecError('internal', `The ANN library usearch could not be loaded: ${(e as Error).message}`, {}, 'reinstall dependencies, or pass index: "exact"');
  }
  return usearchModule;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** int32 id ↔ uint64 key (negative ids map above 2^31 and back). */
const toKey = (id: number): bigint => BigInt(id >>> 0);
const fromKey = (key: bigint): number => Number(key) | 0;

export class AnnIndex implements VectorIndex {
  readonly dim: number;
  readonly kind = 'ann' as const;
  private readonly opts: Required<AnnIndexOptions>;
  private readonly index: UsearchIndex;

  constructor(dim: number, opts: AnnIndexOptions = {}) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new KnowrecError('config', `Vector dimension must be a whole number ≥ 1, got ${dim}`, {}, 'pass the encoder dim, e.g. 384');
    }
    this.dim = dim;
    this.opts = {
      connectivity: opts.connectivity ?? ANN_DEFAULTS.connectivity,
      expansionAdd: opts.expansionAdd ?? ANN_DEFAULTS.expansionAdd,
      expansionSearch: opts.expansionSearch ?? ANN_DEFAULTS.expansionSearch,
      threads: opts.threads ?? ANN_DEFAULTS.threads,
      normalize: opts.normalize === true,
    };
    this.index = new (usearch().Index)({
      dimensions: dim,
      metric: 'ip',
      quantization: 'f32',
      connectivity: this.opts.connectivity,
      expansion_add: this.opts.expansionAdd,
      expansion_search: this.opts.expansionSearch,
      multi: false,
    });
  }

  /** An index saved with save(), built with the same dim and options. */
  static load(path: string, dim: number, opts: AnnIndexOptions = {}): AnnIndex {
    const ix = new AnnIndex(dim, opts);
    try {
      ix.index.load(path);
    } catch (e) {
      throw new KnowrecError('parse', `Could not read the vector index ${path}: ${(e as Error).message}`, { file: path }, 'delete the file; it is rebuilt from the item vectors');
    }
    return ix;
  }

  get size(): number {
    return this.index.size();
  }

  has(id: number): boolean {
    return Number.isInteger(id) && id >= INT32_MIN && id <= INT32_MAX && this.index.contains(toKey(id));
  }

  add(ids: Int32Array | readonly number[], vecs: readonly Float32Array[] | Float32Array): void {
    const m = ids.length;
    const dim = this.dim;
    const flat = vecs instanceof Float32Array;
    if (flat ? vecs.length !== m * dim : vecs.length !== m) {
      const got = flat ? `${vecs.length} floats` : `${vecs.length} vectors`;
      throw new KnowrecError('validation', `add() got ${m} ids but ${got} (dim ${dim})`, {}, 'pass one vector of length dim per id');
    }
    const data = new Float32Array(m * dim);
    const seen = new Set<number>();
    for (let i = 0; i < m; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < INT32_MIN || id > INT32_MAX) {
        throw new KnowrecError('validation', `Vector id ${id} is not a 32-bit integer`, {}, 'use dense item indices as ids');
      }
      if (seen.has(id)) throw new KnowrecError('validation', `Vector id ${id} appears twice in one add()`, {}, 'add each id once');
      seen.add(id);
      const v = flat ? vecs.subarray(i * dim, (i + 1) * dim) : vecs[i];
      if (v.length !== dim) {
        throw new KnowrecError('validation', `Vector for id ${id} has length ${v.length}, expected ${dim}`, {}, 'encode with the same model as the index');
      }
      checkFinite(v, `Vector for id ${id}`);
      data.set(v, i * dim);
      if (this.opts.normalize) normalizeInPlace(data, i * dim, dim);
    }
    if (m === 0) return;
    // an id already present gets its vector replaced
    const present = Array.from(ids).filter((id) => this.index.contains(toKey(id)));
    if (present.length > 0) this.index.remove(BigUint64Array.from(present, toKey));
    this.index.add(BigUint64Array.from(Array.from(ids), toKey), data, this.opts.threads);
  }

  remove(ids: Int32Array | readonly number[]): number {
    const keys = Array.from(ids).filter((id) => this.has(id));
    const unique = [...new Set(keys)];
    if (unique.length === 0) return 0;
    this.index.remove(BigUint64Array.from(unique, toKey));
    return unique.length;
  }

  search(
    queries: readonly Float32Array[] | Float32Array,
    k: number,
    exclude?: (queryIndex: number) => Exclusion | undefined,
  ): SearchHit[] {
    const qs = splitQueries(queries, this.dim, this.opts.normalize);
    const n = this.size;
    const kk = Math.max(0, Math.min(Math.floor(k), n));
    return qs.map((q, i) => (kk === 0 ? { ids: new Int32Array(0), scores: new Float32Array(0) } : this.searchOne(q, kk, exclude?.(i))));
  }

  /** Writes the graph and vectors to `path` (usearch's own format). */
  save(path: string): void {
    try {
      this.index.save(path);
    } catch (e) {
      throw new KnowrecError('internal', `Could not write the vector index ${path}: ${(e as Error).message}`, { file: path }, 'check the folder exists and is writable');
    }
  }

  private searchOne(q: Float32Array, k: number, ex: Exclusion | undefined): SearchHit {
    const n = this.size;
    const isExcluded = exclusionTest(ex);
    let ask = Math.min(n, k + excludedBound(ex, n));
    for (;;) {
      const m = this.index.search(q, ask, this.opts.threads);
      const ids: number[] = [];
      const scores: number[] = [];
      for (let j = 0; j < m.keys.length; j++) {
        const id = fromKey(m.keys[j]);
        if (isExcluded(id)) continue;
        ids.push(id);
        scores.push(1 - m.distances[j]);
      }
      if (ids.length >= k || ask >= n) return sortHits(ids, scores, k);
      ask = Math.min(n, ask * 2);
    }
  }

}

/** How many stored ids an exclusion could remove from a result (an upper bound). */
function excludedBound(ex: Exclusion | undefined, n: number): number {
  if (ex === undefined) return 0;
  if (!(ex instanceof Uint8Array)) return Math.min(n, ex.size);
  let c = 0;
  for (let i = 0; i < ex.length; i++) if (ex[i] !== 0) c++;
  return Math.min(n, c);
}

function exclusionTest(ex: Exclusion | undefined): (id: number) => boolean {
  if (ex === undefined) return () => false;
  if (ex instanceof Uint8Array) return (id) => id >= 0 && id < ex.length && ex[id] !== 0;
  return (id) => ex.has(id);
}

/** The k best, by score then lower id (the ExactIndex order). */
function sortHits(ids: number[], scores: number[], k: number): SearchHit {
  const order = ids.map((_, j) => j).sort((a, b) => scores[b] - scores[a] || ids[a] - ids[b]).slice(0, k);
  return { ids: Int32Array.from(order, (j) => ids[j]), scores: Float32Array.from(order, (j) => scores[j]) };
}
