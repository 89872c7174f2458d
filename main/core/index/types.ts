/** The vector index contract: exact (exact.ts) and approximate HNSW (ann.ts); choose.ts picks one by size. */

/** Ids to skip for one query: a mask indexed by id (1 = skip) or a set of ids. */
export type Exclusion = Uint8Array | ReadonlySet<number>;

export interface SearchHit {
  /** Best first; ties broken by the lower id. */
  readonly ids: Int32Array;
  /** Inner products (cosine for L2-normalized vectors), same order as ids. */
  readonly scores: Float32Array;
}

export interface VectorIndex {
  readonly dim: number;
  readonly size: number;
  /** Adds vectors; an id already present gets its vector replaced. */
  add(ids: Int32Array | readonly number[], vecs: readonly Float32Array[] | Float32Array): void;
  /** Removes ids (absent ids are ignored); returns how many were removed. */
  remove(ids: Int32Array | readonly number[]): number;
  has(id: number): boolean;
  /** The k best ids per query by inner product; `exclude(q)` names ids to skip for query q. */
  search(
    queries: readonly Float32Array[] | Float32Array,
    k: number,
    exclude?: (queryIndex: number) => Exclusion | undefined,
  ): SearchHit[];
}
