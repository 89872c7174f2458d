/**
 * An ANN index kept on disk beside the workspace: building the HNSW graph costs seconds to
 * minutes on large catalogs (README "Scale"), loading it is a file read. The file name carries a
 * SHA-256 of the vectors, so changed vectors (another encoder, edited items) build a new file and
 * a stale one is never used. Written to a temporary name and renamed, so a killed build leaves
 * no half-written index behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { AnnIndex, type AnnIndexOptions } from './ann';

/** Hex SHA-256 of the vectors' float32 bytes, in order (one flat array hashes the same as its rows). */
export function vectorsHash(vectors: readonly Float32Array[] | Float32Array): string {
  const h = createHash('sha256');
  for (const v of vectors instanceof Float32Array ? [vectors] : vectors) h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return h.digest('hex');
}

export interface CachedIndex {
  readonly index: AnnIndex;
  readonly file: string;
  /** True when it was read from `file`, false when built (and saved) now. */
  readonly loaded: boolean;
}

/**
 * The ANN index over `vectors` (id = position; rows, or one flat array of `dim`-long rows) from
 * `<dir>/<name>-<hash>.usearch`, built and saved there when absent; files of the same name from
 * builds that started earlier are removed (the file's time is its build's start).
 */
export function cachedAnnIndex(dir: string, name: string, vectors: readonly Float32Array[] | Float32Array, opts: AnnIndexOptions = {}, dim = vectors instanceof Float32Array ? 1 : (vectors[0]?.length ?? 1)): CachedIndex {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  const file = join(dir, `${safe}-${vectorsHash(vectors).slice(0, 16)}.usearch`);
  if (existsSync(file)) return { index: AnnIndex.load(file, dim, opts), file, loaded: true };
  const started = Date.now() / 1000;
  const index = new AnnIndex(dim, opts);
  const n = vectors instanceof Float32Array ? vectors.length / dim : vectors.length;
  if (n > 0) index.add(Int32Array.from({ length: n }, (_, i) => i), vectors);
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  index.save(tmp);
  // the file's time is its build's start: a build that started earlier (older vectors, dropped
  // while it ran) and ends later removes only files older than itself, never this one
  utimesSync(tmp, started, started);
  renameSync(tmp, file);
  for (const f of readdirSync(dir)) {
    const other = join(dir, f);
    if (other === file || !f.startsWith(`${safe}-`) || !f.endsWith('.usearch')) continue;
    const st = statSync(other, { throwIfNoEntry: false });
    if (st !== undefined && st.mtimeMs / 1000 <= started) rmSync(other, { force: true });
  }
  return { index, file, loaded: false };
}
