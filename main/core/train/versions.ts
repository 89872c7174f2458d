/**
 * Adapter versions on disk. One folder per version:
 *   adapter.bin   the weights (binfile.ts, float64, exact round trip)
 *   adapter.json  config, dataset, data hash, seed, hyper-parameters, metrics (validation curve), created
 * Saving is atomic (a temporary folder beside the target, then renames); adapter.json is written
 * last, so a folder with adapter.json is complete. A root folder holds many versions and
 * `active.json` naming the active one.
 *
 * A version records no user id, but its weights were trained on users' data: forgetting a
 * user marks every version of the dataset stale (`stale` in adapter.json, rewritten
 * atomically); a stale version is never used to score (main/jobs/model-factory.ts).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userCacheDir, writeFileAtomic, writeFolderAtomic } from '../files';
import { join } from 'node:path';
import { KnowrecError } from '../errors';
import { Adapter, type AdapterConfig } from './adapter';
import { readBinFile, writeBinFile } from './binfile';
import type { EpochRecord, TrainParams } from './trainer';

export const ADAPTER_FORMAT = 'knowrec-adapter/1';

export interface AdapterMeta {
  readonly format: typeof ADAPTER_FORMAT;
  readonly config: AdapterConfig;
  readonly dataset: string;
  readonly data_sha256: string;
  readonly seed: number;
  /** Frozen encoder and semantic settings the adapter was trained on. */
  readonly base: Readonly<Record<string, number | string | boolean>>;
  readonly params: TrainParams;
  readonly labels: {
    readonly positive: number;
    readonly negative: number;
    /** SHA-256 of the (user, item, value) labels trained on, sorted; absent in older versions. */
    readonly sha256?: string;
  };
  readonly protocol: { readonly name: string; readonly seed: number; readonly note: string };
  readonly metrics: {
    readonly initial_valid_ndcg: number;
    readonly best_valid_ndcg: number;
    readonly best_epoch: number;
    readonly curve: readonly EpochRecord[];
    readonly stopped_early: boolean;
    readonly pairs: number;
    readonly train_seconds: number;
  };
  readonly created: string;
  /** Set when a user whose data the training used was forgotten since. */
  readonly stale?: { readonly since: string; readonly reason: string };
}

export interface AdapterVersion {
  /** Folder name inside the root. */
  readonly version: string;
  readonly dir: string;
  readonly meta: AdapterMeta;
  readonly active: boolean;
}

/** Default root of a dataset's adapter versions: `<cache>/knowrec/adapters/<dataset>`. */
export function defaultAdapterRoot(dataset: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'adapters', dataset);
}

/** A sortable, unique-enough version name: `20260101-120000-s2020`. */
export function versionName(created: Date, seed: number): string {
  const iso = created.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-s${seed}`;
}

/** Writes an adapter version into `dir` (replaced atomically). */
export function saveAdapter(dir: string, adapter: Adapter, meta: AdapterMeta): void {
  writeFolderAtomic(dir, (tmp) => {
    writeBinFile(join(tmp, 'adapter.bin'), { format: ADAPTER_FORMAT, config: adapter.config }, { weights: adapter.params });
    writeFileSync(join(tmp, 'adapter.json'), `${JSON.stringify({ ...meta, config: adapter.config }, null, 2)}\n`);
  });
}

export function readAdapterMeta(dir: string): AdapterMeta {
  const file = join(dir, 'adapter.json');
  if (!existsSync(file)) {
    throw new KnowrecError('not-found', 'no adapter here (adapter.json is missing)', { file: dir }, 'run `knowrec finetune --dataset NAME --out DIR` first');
  }
  let meta: AdapterMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as AdapterMeta;
  } catch (e) {
    throw new KnowrecError('parse', `adapter.json is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { file, line: 1, column: 1 }, 'fine-tune again');
  }
  if (meta.format !== ADAPTER_FORMAT) {
    throw new KnowrecError('validation', `unknown adapter format '${String(meta.format)}'`, { file }, `fine-tune again with this version (expects ${ADAPTER_FORMAT})`);
  }
  return meta;
}

export function loadAdapter(dir: string): { adapter: Adapter; meta: AdapterMeta } {
  const meta = readAdapterMeta(dir);
  const bin = readBinFile(join(dir, 'adapter.bin'));
  const weights = bin.arrays.weights;
  if (weights === undefined) {
    throw new KnowrecError('parse', 'adapter.bin holds no weights block', { file: join(dir, 'adapter.bin') }, 'fine-tune again');
  }
  return { adapter: new Adapter(meta.config, weights), meta };
}

/** Versions in `rootDir` (complete folders only), oldest first. */
export function listAdapterVersions(rootDir: string): AdapterVersion[] {
  if (!existsSync(rootDir)) return [];
  const active = activeAdapterVersion(rootDir);
  const out: AdapterVersion[] = [];
  for (const e of readdirSync(rootDir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const dir = join(rootDir, e.name);
    if (!existsSync(join(dir, 'adapter.json'))) continue;
    try {
      out.push({ version: e.name, dir, meta: readAdapterMeta(dir), active: e.name === active });
    } catch {
      // an unreadable folder is not a version; listing goes on
    }
  }
  return out.sort((a, b) => a.meta.created.localeCompare(b.meta.created) || a.version.localeCompare(b.version));
}

/** Name of the active version, or null (none chosen, or it no longer exists). */
export function activeAdapterVersion(rootDir: string): string | null {
  const file = join(rootDir, 'active.json');
  if (!existsSync(file)) return null;
  try {
    const v = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' && existsSync(join(rootDir, v, 'adapter.json')) ? v : null;
  } catch {
    return null;
  }
}

/** Makes `version` the active one (atomic write of active.json). */
export function setActiveAdapter(rootDir: string, version: string): void {
  if (!existsSync(join(rootDir, version, 'adapter.json'))) {
    throw new KnowrecError('not-found', `no adapter version '${version}'`, { file: rootDir }, 'pick one of listAdapterVersions(rootDir)');
  }
  writeFileAtomic(join(rootDir, 'active.json'), `${JSON.stringify({ version, set: new Date().toISOString() })}\n`);
}

/** Marks every version in `rootDir` not yet stale as stale; returns their folders. */
export function markAdapterVersionsStale(rootDir: string, reason: string): string[] {
  const marked: string[] = [];
  for (const v of listAdapterVersions(rootDir)) {
    if (v.meta.stale !== undefined) continue;
    const meta: AdapterMeta = { ...v.meta, stale: { since: new Date().toISOString(), reason } };
    writeFileAtomic(join(v.dir, 'adapter.json'), `${JSON.stringify(meta, null, 2)}\n`);
    marked.push(v.dir);
  }
  return marked;
}
