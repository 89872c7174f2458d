export { ExactIndex, type ExactIndexOptions } from './exact';
export type { Exclusion, SearchHit, VectorIndex } from './types';
