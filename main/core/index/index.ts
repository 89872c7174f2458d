export { ExactIndex, type ExactIndexOptions } from './exact';
export { AnnIndex, ANN_DEFAULTS, type AnnIndexOptions } from './ann';
export { ANN_MIN_VECTORS, chooseIndexKind, createVectorIndex, recallAtK, type CreateIndexOptions, type IndexKind } from './choose';
export type { Exclusion, SearchHit, VectorIndex } from './types';
export { cachedAnnIndex, vectorsHash, type CachedIndex } from './persist';
export { BackgroundAnnIndex, type BackgroundState } from './background';
