export { Workspace, type WorkspaceSummary, type StoreImportOptions, type OpenOptions } from './workspace';
export { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './schema';
