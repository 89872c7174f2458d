/**
 * Import pipelines: resolve (registry) → verify → read → validate → store, with progress.
 */
import { join } from 'node:path';
import { KnowrecError, throwIfAborted } from '../errors';
import type { Dataset, Progress } from '../types';
import { readAtomicFolder } from './from-atomic';
import { readCsvDataset } from './from-csv';
import type { RawDataset } from './raw';
import { resolveDataset, type ResolveOptions, type ResolvedDataset } from './registry';
import type { ImportReport } from './report';
import { validateDataset, type ValidatedDataset } from './validate';

export interface ImportOptions {
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export interface RegistryImportOptions extends ResolveOptions, ImportOptions {}

/** Where an import stores the dataset (the store's Workspace; data does not depend on the store). */
export interface DatasetSink {
  importDataset(ds: Dataset, opts: { readonly report?: ImportReport; readonly onProgress?: (p: Progress) => void; readonly signal?: AbortSignal }): void;
}

/** Reads and validates the RecBole atomic files of dataset `name` in `dir` (no store). */
export function loadAtomicFolder(dir: string, name: string, opts: ImportOptions = {}): ValidatedDataset {
  opts.onProgress?.({ stage: 'read', message: dir });
  const raw = readAtomicFolder(dir, name);
  throwIfAborted(opts.signal);
  opts.onProgress?.({ stage: 'validate' });
  return validateDataset(raw);
}

/** Imports `<dir>/<name>.inter` (+ .item, .user, .kg, .link when present) into `ws`. */
export function importAtomicFolder(ws: DatasetSink, dir: string, name: string, onProgress?: (p: Progress) => void, signal?: AbortSignal): ImportReport {
  const { dataset, report } = loadAtomicFolder(dir, name, { onProgress, signal });
  ws.importDataset(dataset, { report, onProgress, signal });
  return report;
}

/** Reads the files of a resolved registry dataset as raw tables. */
export function readResolvedDataset(r: ResolvedDataset): RawDataset {
  const e = r.entry;
  if (e.format === 'atomic') return readAtomicFolder(r.dir, e.name);
  if (e.format === 'kg') {
    throw new KnowrecError(
      'config',
      `${e.name} is a KG without interactions; it is added beside the KG of a workspace that holds a dataset`,
      {},
      `knowrec import --dataset ${e.name} --workspace FILE (a workspace holding e.g. ml-100k)`,
    );
  }
  if (e.csv === undefined) throw new KnowrecError('internal', `registry entry ${e.name} has format csv but no csv layout`);
  return readCsvDataset(r.dir, e.name, e.csv);
}

/** Resolves, verifies, reads and validates registry dataset `name` (no store). */
export function loadRegistryDataset(name: string, opts: RegistryImportOptions = {}): ValidatedDataset & { resolved: ResolvedDataset } {
  opts.onProgress?.({ stage: 'resolve', message: name });
  const resolved = resolveDataset(name, opts);
  throwIfAborted(opts.signal);
  opts.onProgress?.({ stage: 'read', message: resolved.dir });
  const raw = readResolvedDataset(resolved);
  throwIfAborted(opts.signal);
  opts.onProgress?.({ stage: 'validate' });
  const v = validateDataset(raw);
  return { dataset: v.dataset, report: withChecksums(v.report, resolved), resolved };
}

/** Resolves, verifies, reads, validates and stores registry dataset `name` in `ws`. */
export function importRegistryDataset(ws: DatasetSink, name: string, opts: RegistryImportOptions = {}): ImportReport {
  const { dataset, report } = loadRegistryDataset(name, opts);
  ws.importDataset(dataset, { report, onProgress: opts.onProgress, signal: opts.signal });
  return report;
}

function withChecksums(report: ImportReport, r: ResolvedDataset): ImportReport {
  const sums = new Map(r.files.map((f) => [join(r.dir, f.name), f.sha256]));
  return {
    ...report,
    files: report.files.map((f) => {
      const s = sums.get(f.file);
      return s === undefined ? f : { ...f, sha256: s };
    }),
  };
}
