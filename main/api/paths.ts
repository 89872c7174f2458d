/**
 * Which files and folders the Api may touch: paths under its allowed roots (a root is a folder
 * and everything under it, or a single file). Paths are resolved with symlinks before the check,
 * so a link inside a root that points outside is refused, and the resolved path is what the Api
 * then opens. A refusal is one message whether or not the path exists, and lists nothing.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KnowrecError } from '../core/errors';
import { userCacheDir } from '../core/files';

export const OUTSIDE_ROOTS = 'path is outside the folders this workbench may use';

/** Roots named in a refusal's hint before "and N more". */
const HINT_ROOTS = 5;

/**
 * The real path of `path` with symlinks resolved; for a path that does not exist yet, the real
 * path of its nearest existing folder plus the rest. Null when it cannot be known (a dangling
 * link, a folder that may not be read).
 */
export function realPathOf(path: string): string | null {
  let cur = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync.native(cur), ...rest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
      if (existsAsEntry(cur)) return null; // a dangling link: where it leads is not known
      const parent = dirname(cur);
      if (parent === cur) return null;
      rest.unshift(basename(cur));
      cur = parent;
    }
  }
}

function existsAsEntry(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** True when `p` is `root` or lies under it (both absolute and resolved). */
export function isWithin(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The user cache folder of KnowRec: `$XDG_CACHE_HOME/knowrec`, else `~/.cache/knowrec`. */
export function knowrecCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(userCacheDir(env));
}

/**
 * A dataset name used as one folder name (`<cache>/knowrec/models/<name>`): refused when it is
 * empty, `.` or `..`, or holds a separator or NUL, so a name cannot lead outside that folder.
 */
export function folderName(name: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new KnowrecError('validation', `the dataset name ${JSON.stringify(name.slice(0, 80))} cannot be used as a folder name`, {}, 'name the dataset without "/", "\\" or ".." (the name option of the import)');
  }
  return name;
}

export class PathPolicy {
  private readonly roots: string[];
  readonly unrestricted: boolean;

  /** `roots` undefined: every path is allowed (the caller is trusted: tests, the CLI). */
  constructor(
    roots: readonly string[] | undefined,
    /** How to allow another path (the end of a refusal's hint). */
    private readonly howToAdd: string,
  ) {
    this.roots = roots === undefined ? [] : roots.map((r) => resolve(r));
    this.unrestricted = roots === undefined;
  }

  /** Allows `path` (and, when it is a folder, everything under it) from now on. */
  allow(path: string): void {
    if (this.unrestricted) return;
    const abs = resolve(path);
    if (!this.roots.some((r) => isWithin(r, abs))) this.roots.push(abs);
  }

  /** The allowed roots (absolute, as given). */
  list(): readonly string[] {
    return [...this.roots];
  }

  /** The resolved path of `path` when it lies under a root; else throws the one refusal. */
  check(path: string): string {
    if (this.unrestricted) return resolve(path);
    const real = realPathOf(path);
    if (real !== null && this.roots.some((r) => isWithin(realPathOf(r) ?? r, real))) return real;
    throw this.refusal();
  }

  private refusal(): KnowrecError {
    const shown = this.roots.slice(0, HINT_ROOTS).join(', ');
    const more = this.roots.length > HINT_ROOTS ? ` and ${this.roots.length - HINT_ROOTS} more` : '';
    const allowed = this.roots.length === 0 ? 'no folder is allowed yet' : `allowed: ${shown}${more}`;
    return new KnowrecError('config', OUTSIDE_ROOTS, {}, `${allowed}; ${this.howToAdd}`);
  }
}
