/**
 * Which vector index a catalog gets: exact search below ANN_MIN_VECTORS vectors, the usearch HNSW
 * graph (ann.ts) from there on, unless the caller names one. Exact search of one query costs
 * n·dim multiply-adds in JS (about 30 ms for 100k × 384 on the benchmark machine); the graph
 * answers in well under a millisecond but costs a build (seconds to minutes, see the README's
 * "Scale" section) and gives approximate answers, hence the threshold: below it exact search is
 * fast enough and free. recallAtK measures how approximate.
 */
import { KnowrecError } from '../errors';
import { AnnIndex, type AnnIndexOptions } from './ann';
import { ExactIndex } from './exact';
import type { VectorIndex } from './types';

/** Catalog size from which 'auto' picks the ANN index. */
export const ANN_MIN_VECTORS = 50_000;

export type IndexKind = 'auto' | 'exact' | 'ann';

export interface CreateIndexOptions {
  /** How many vectors will be added (decides 'auto'). */
  readonly expected: number;
  /** 'auto' (default): exact below ANN_MIN_VECTORS, else ann. */
  readonly kind?: IndexKind;
  /** Overrides ANN_MIN_VECTORS for 'auto'. */
  readonly annMinVectors?: number;
  readonly ann?: AnnIndexOptions;
}

/** The kind 'auto' resolves to for `expected` vectors. */
export function chooseIndexKind(expected: number, kind: IndexKind = 'auto', annMinVectors = ANN_MIN_VECTORS): 'exact' | 'ann' {
  if (kind !== 'auto') return kind;
  return expected >= annMinVectors ? 'ann' : 'exact';
}

export function createVectorIndex(dim: number, opts: CreateIndexOptions): ExactIndex | AnnIndex {
  const kind = opts.kind ?? 'auto';
  if (kind !== 'auto' && kind !== 'exact' && kind !== 'ann') {
    throw new KnowrecError('config', `Unknown vector index kind "${String(kind)}"`, {}, 'use auto, exact or ann');
  }
  const k = chooseIndexKind(opts.expected, kind, opts.annMinVectors);
  if (k === 'ann') return new AnnIndex(dim, opts.ann);
  return new ExactIndex(dim, { initialCapacity: Math.max(1, opts.expected), normalize: opts.ann?.normalize });
}

/**
 * Mean over queries of |approx top-k ∩ reference top-k| / |reference top-k| (recall@k of the
 * approximate index against exact search on the same vectors). Queries with an empty reference
 * result are skipped; 1 when none is left.
 */
export function recallAtK(approx: VectorIndex, reference: VectorIndex, queries: readonly Float32Array[], k: number): number {
  const a = approx.search(queries, k);
  const r = reference.search(queries, k);
  let sum = 0;
  let counted = 0;
  for (let q = 0; q < queries.length; q++) {
    const want = r[q].ids;
    if (want.length === 0) continue;
    const got = new Set(a[q].ids);
    let hit = 0;
    for (const id of want) if (got.has(id)) hit++;
    sum += hit / want.length;
    counted++;
  }
  return counted === 0 ? 1 : sum / counted;
}
