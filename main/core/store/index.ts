export { Workspace, type WorkspaceSummary, type StoreImportOptions, type OpenOptions } from './workspace';
export { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './schema';
export {
  LabelStore,
  DEFAULT_AUTHOR,
  type ExplanationLabelInput,
  type ExplanationProvenance,
  type FactLabelInput,
  type IndexedRelevanceLabel,
  type LabelCounts,
  type LabelFilter,
  type LabelInput,
  type LabelKind,
  type LabelPage,
  type LabelValue,
  type RelevanceLabelInput,
  type StoredLabel,
  type WrongFact,
} from './labels';
export {
  KgEditStore,
  NEW_ENTITY_PREFIX,
  type AddFactInput,
  type FactEnd,
  type KgEditPage,
  type KgEditRecord,
  type RemoveFactInput,
} from './edits';
export { applyKgChanges, type KgChangeReport } from './kg-changes';
export { appendKg, type KgAddition, type KgAddResult } from './kg-append';
export {
  ATTRIBUTE_POLICY_META_KEY,
  KEY_ID_META_KEY,
  PSEUDONYMIZED_META_KEY,
  SALT_META_KEY,
  UserStore,
  pseudonym,
  pseudonymizeDataset,
  type ForgetReport,
  type StoredUser,
} from './privacy';
export {
  defaultKeyFile,
  keyFromBytes,
  keyId,
  loadOrCreateKeyFile,
  newPseudonymKey,
  readKeyFile,
  sealedKeyFile,
  type KeySealer,
  type PseudonymKey,
} from './pseudonym-key';
export { applyAttributePolicy, attributePolicy, type AttributePolicy } from './quasi-identifiers';
export { RunStore, type RunRow } from './runs';
export { JobRepository, type JobRow } from './jobs';
export { SqliteEmbeddingCache, TEXT_MODEL_META_KEY, workspaceTextModel } from './embeddings';
export { DATA_HASH_META_KEY, DataStamps, type DataHashState } from './data-stamp';
export { CatalogQueries, type CatalogHistory, type CatalogItem, type CatalogPage, type CatalogUser } from './catalog';
