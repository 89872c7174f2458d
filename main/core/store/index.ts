export { Workspace, type WorkspaceSummary, type StoreImportOptions, type OpenOptions } from './workspace';
export { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './schema';
export {
  LabelStore,
  DEFAULT_AUTHOR,
  wrongFacts,
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
  activeEdits,
  applyKgChanges,
  type AddFactInput,
  type FactEnd,
  type KgChangeReport,
  type KgEditPage,
  type KgEditRecord,
  type RemoveFactInput,
} from './edits';
export {
  PSEUDONYMIZED_META_KEY,
  SALT_META_KEY,
  findUser,
  forgetUser,
  isPseudonymized,
  newSalt,
  pseudonym,
  pseudonymOf,
  pseudonymizeDataset,
  storedUserId,
  type ForgetReport,
  type StoredUser,
} from './privacy';
