/** Knowledge-graph queries over an in-memory Dataset. See docs/kg.md. */
export { KgIndex, type KgStats } from './graph';
export { buildKgParts, type KgIndexOptions, type KgIndexParts } from './parts';
export {
  deriveCatalogTriples,
  withDerivedTriples,
  itemEntityId,
  decadeOf,
  DEFAULT_MAPPINGS,
  DEFAULT_MISSING,
  type AttributeMapping,
  type DeriveOptions,
  type DerivedCatalog,
  type DerivedEntity,
  type DerivedTriple,
  type DeriveReport,
  type SkippedValues,
  type WithDerived,
} from './derive';
export {
  canonicalRelation,
  humanizeRelation,
  inverseRelation,
  factKind,
  relationKind,
  relationPhrases,
  relationWords,
  roleOf,
  DECADE_RELATION,
  GENRE_RELATION,
  type FactKind,
  type RelationPhrases,
} from './relations';
export { isOpaqueId, itemLabel, itemYear, parseYear, readableId } from './names';
export { buildAdjacency, validateKg, degree } from './adjacency';
export { bfs, type BfsResult } from './traverse';
export { PATH_CANDIDATE_CAP } from './connections';
export { entityType, typeFromRole, ITEM_TYPE } from './entity-type';
export { inverseRelations } from './inverse';
export { DEFAULT_SUBGRAPH_CAP } from './subgraph';
export type { KgCore } from './core';
export * from './types';
