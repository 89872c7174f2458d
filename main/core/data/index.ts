export {
  parseAtomic,
  readAtomicFile,
  findColumn,
  requireColumn,
  tokenColumn,
  optionalFloatColumn,
  parseDecimal,
  ATOMIC_TYPES,
  type AtomicType,
  type AtomicColumn,
  type AtomicTable,
} from './atomic';
export { parseCsv, readCsvFile, mapColumns, numericColumn, stringColumn, type CsvTable, type CsvOptions, type ColumnMapping } from './csv';
export { parseNTriples, readNTriplesFile, ntriplesToKg, RDFS_LABEL, type NtTerm, type NtTriple, type NTriplesKg } from './ntriples';
export type { AttributeValue, RawDataset, RawInteractions, RawItems, RawUsers, RawTriples, RawLinks } from './raw';
export {
  RECBOLE_FIELDS,
  atomicInteractions,
  atomicItems,
  atomicUsers,
  atomicTriples,
  atomicLinks,
  atomicFolderFiles,
  readAtomicFolder,
  displayTitle,
  type AtomicFields,
} from './from-atomic';
export {
  MOVIELENS_CSV,
  csvInteractions,
  csvItems,
  readCsvDataset,
  type CsvDatasetSpec,
  type CsvInteractionMapping,
  type CsvItemMapping,
  type CsvListColumn,
} from './from-csv';
export { validateDataset, type ValidatedDataset } from './validate';
export { dataHash } from './data-hash';
export {
  ReportBuilder,
  findWarning,
  WARNING_LINES,
  type ImportReport,
  type ImportWarning,
  type FileReport,
  type FileKind,
  type WarningCode,
  type DatasetCounts,
  type FeedbackNote,
} from './report';
export { TableReader, tableFormat, type TableFormat, type TableSample, type TableColumn } from './tables';
export { resolveMapping, parseMapping, columnRoles, sniffSeparator, inferFeedback, type ImportMapping, type ResolvedMapping, type Feedback } from './mapping';
export { previewOwnFiles, loadOwnFiles, feedbackNote, type OwnFiles, type OwnImportOptions, type OwnPreview, type PreviewTable, type OwnLoaded } from './own-import';
export {
  BUILTIN_DATASETS,
  findDataset,
  resolveDataset,
  candidateDirs,
  cacheDir,
  type DatasetEntry,
  type RegistryFile,
  type ResolveOptions,
  type ResolvedDataset,
  type ResolvedFile,
  type DatasetSource,
  type Environment,
  type Candidate,
} from './registry';
export { sha256File, checksumComputations, clearChecksumCache } from './checksum';
export {
  importAtomicFolder,
  importRegistryDataset,
  loadAtomicFolder,
  loadRegistryDataset,
  readResolvedDataset,
  type DatasetSink,
  type ImportOptions,
  type RegistryImportOptions,
} from './import';
export { readKgFiles, detectKgFormat, KG_FORMATS, type KgFiles, type KgFilesOptions, type KgFilesReport, type KgFormat } from './kg-files';
export { edgeListRelation } from './kg-tables';
export { turtleError } from './kg-rdf';
export {
  linkItems,
  linkSpecFromMapping,
  inferLinkSpec,
  normalizeTitle,
  readLinksTable,
  type LinkSpec,
  type LinkReport,
  type LinkResult,
  type LinkableItem,
} from './link';
export { readSniffedTable, parseSniffedTable, sniffDelimiter, type SniffedTable, type SniffOptions } from './table-sniff';
export { uriDisplayName, localName, dropDisambiguator, hasReadableLocalName } from './uri-name';
