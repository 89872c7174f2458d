/**
 * SHA-256 of files, cached in memory per (path, mtime, size) so that resolving a dataset twice
 * in one process hashes each file once.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const cache = new Map<string, string>();
let computed = 0;

export function sha256File(path: string): string {
  const abs = resolve(path);
  const st = statSync(abs);
  const key = `${abs}\u0000${st.mtimeMs}\u0000${st.size}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const sum = createHash('sha256').update(readFileSync(abs)).digest('hex');
  computed++;
  cache.set(key, sum);
  return sum;
}

/** How many files were actually hashed (not served from the cache) so far. */
export function checksumComputations(): number {
  return computed;
}

export function clearChecksumCache(): void {
  cache.clear();
}
