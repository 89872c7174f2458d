/**
 * Durable atomic writes: a crash (kill -9, power loss) leaves the old content or the new one,
 * never a mix. A file is written to a temporary file beside it, fsync'd, renamed over the target,
 * and the folder is fsync'd so that the rename itself is on disk. A folder is filled as a
 * temporary folder and swapped in by two renames; recoverFolder puts the old folder back when a
 * crash came between them. Temporary names carry the writer's pid: recovery removes only what a
 * dead process left (a live writer, in this process or another, may still be at work). A lock
 * file (acquireLock) lets the writers of one folder take turns.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Bytes per write call (a large file is written in pieces). */
const CHUNK = 1 << 20;

/** A temporary file of writeFileAtomic: `<name>.<pid>.<ms>.<hex>.tmp`. */
const TEMP_FILE = /^.+\.(\d+)\.\d+(?:\.[0-9a-f]+)?\.tmp$/;

/** Whether process `pid` is running (true for this process; EPERM means it runs as another user). */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes a folder's entries (renames, new files) to disk; a no-op where folders cannot be opened (Windows). */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR' && code !== 'ENOTSUP') throw e;
  } finally {
    closeSync(fd);
  }
}

/** Creates `dir` (and its parents) durably: each new folder's entry is fsync'd in its parent. */
export function ensureDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    fsyncDir(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}

/** Writes `data` to a new file at `path` and fsyncs it. */
function writeDurable(path: string, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, 'wx');
  try {
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, Math.min(CHUNK, buf.length - off));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to `path` through a fsync'd temporary file and a rename (creating the folder). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  ensureDir(dir);
  const tmp = `${path}.${process.pid}.${Date.now()}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeDurable(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dir);
}

/** Removes the temporary files of writeFileAtomic in `dir` whose writer is dead; returns their names. */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = TEMP_FILE.exec(name);
    if (m === null || pidAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true, recursive: true });
    removed.push(name);
  }
  return removed;
}

/** Blocks the thread for `ms` milliseconds. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The pid in lock file `path`, null when it has none (gone, or not ours), and its age in ms. */
function lockOwner(path: string): { pid: number | null; age: number } | null {
  try {
    const age = Date.now() - statSync(path).mtimeMs;
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : null, age };
  } catch {
    return null;
  }
}

export interface LockOptions {
  /** How long to wait for a live holder (default 30 s). */
  readonly waitMs?: number;
  /** A lock older than this is stale whoever holds it (default 10 min; a thread killed mid-work). */
  readonly staleMs?: number;
}

/**
 * Takes the lock file `path`: it is created with the holder's pid in one step (a hard link of a
 * written temporary file), so it never exists empty. A lock whose holder is dead, or that is
 * older than `staleMs`, is taken over. Returns the release function, or null when a live holder
 * kept it for `waitMs`.
 */
export function acquireLock(path: string, opts: LockOptions = {}): (() => void) | null {
  const until = Date.now() + (opts.waitMs ?? 30_000);
  const staleMs = opts.staleMs ?? 600_000;
  const tmp = `${path}.${process.pid}.${Date.now()}.${randomBytes(4).toString('hex')}.tmp`;
  writeDurable(tmp, String(process.pid));
  try {
    for (;;) {
      try {
        linkSync(tmp, path);
        return () => rmSync(path, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = lockOwner(path);
      if (owner !== null && ((owner.pid !== null && !pidAlive(owner.pid)) || owner.age > staleMs)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() >= until) return null;
      sleepSync(20);
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** fsyncs every file and folder under `dir` (after a fill that wrote with plain writeFileSync). */
function fsyncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      fsyncTree(p);
    } else if (e.isFile()) {
      const fd = openSync(p, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }
  fsyncDir(dir);
}

/** `.<base>.tmp-<pid>-<ms>` and `.<base>.old-<pid>-<ms>` beside `dir` (writeFolderAtomic's). */
function folderLeftovers(dir: string): { name: string; kind: 'tmp' | 'old'; pid: number; ms: number }[] {
  const parent = dirname(dir);
  if (!existsSync(parent)) return [];
  const prefix = `.${basename(dir)}.`;
  const found = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(tmp|old)-(\d+)-(\d+)$/.exec(name.slice(prefix.length));
    if (m !== null) found.push({ name, kind: m[1] as 'tmp' | 'old', pid: Number(m[2]), ms: Number(m[3]) });
  }
  return found;
}

/**
 * Cleans up after writeFolderAtomic runs that died: when `dir` is missing and an old folder was
 * moved aside (a crash between the two renames), the newest one is put back; every other
 * temporary or old folder of a dead writer is removed. Returns the names it removed or restored.
 */
export function recoverFolder(dir: string): string[] {
  const parent = dirname(dir);
  const dead = folderLeftovers(dir).filter((l) => !pidAlive(l.pid));
  const done: string[] = [];
  const olds = dead.filter((l) => l.kind === 'old').sort((a, b) => b.ms - a.ms);
  const restore = existsSync(dir) ? undefined : olds.shift();
  if (restore !== undefined) {
    renameSync(join(parent, restore.name), dir);
    fsyncDir(parent);
    done.push(restore.name);
  }
  for (const l of [...dead.filter((x) => x.kind === 'tmp'), ...olds]) {
    rmSync(join(parent, l.name), { recursive: true, force: true });
    done.push(l.name);
  }
  return done;
}

/**
 * Fills a fresh temporary folder with `fill(tmp)`, fsyncs it, then puts it in place of `dir` (the
 * old folder, if any, is moved aside first and removed after). When `fill` throws, `dir` is
 * untouched. Leftovers of earlier runs that died are recovered first (recoverFolder).
 */
export function writeFolderAtomic(dir: string, fill: (tmp: string) => void): void {
  const parent = dirname(dir);
  ensureDir(parent);
  recoverFolder(dir);
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${stamp}`);
  mkdirSync(tmp);
  try {
    fill(tmp);
    fsyncTree(tmp);
    const old = join(parent, `.${basename(dir)}.old-${stamp}`);
    const hadOld = existsSync(dir);
    if (hadOld) renameSync(dir, old);
    renameSync(tmp, dir);
    fsyncDir(parent);
    if (hadOld) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** KnowRec's folder in the user cache: `$XDG_CACHE_HOME/knowrec`, else `~/.cache/knowrec`. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'knowrec');
}
