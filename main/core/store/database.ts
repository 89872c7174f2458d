/**
 * The one SQLite connection of a workspace: opening it (WAL, full sync, foreign keys, busy
 * timeout, secure_delete), migrating it, and turning SQLite's failures into KnowrecErrors. The
 * repositories of this folder take the handle it returns.
 *
 * secure_delete: SQLite overwrites deleted content with zeros (in the page and in freed pages),
 * so what a forget or a re-import deletes does not stay in free space. `eraseFreedSpace` then
 * rewrites the file (VACUUM: also clears what older versions freed without zeroing) and empties
 * the WAL (TRUNCATE checkpoint), whose older frames still hold the deleted rows.
 */
import Database from 'better-sqlite3';
import { KnowrecError } from '../errors';
import { MIGRATIONS, migrate, type Migration } from './schema';

/** An open workspace database. */
export type Db = Database.Database;

/** Opens `abs` (which must exist when `mustExist`) and brings it to the last of `migrations`. */
export function openDatabase(abs: string, mustExist: boolean, migrations: readonly Migration[] = MIGRATIONS): Db {
  let db: Db;
  try {
    db = new Database(abs, { fileMustExist: mustExist });
  } catch (e) {
    throw new KnowrecError('not-found', `cannot open the workspace: ${(e as Error).message}`, { file: abs }, 'check that the folder exists and is writable');
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('secure_delete = ON');
    migrate(db, abs, migrations);
  } catch (e) {
    db.close();
    if (e instanceof KnowrecError) throw e;
    const msg = (e as Error).message;
    if (/not a database|file is encrypted/i.test(msg)) {
      throw new KnowrecError('parse', 'this file is not a SQLite database', { file: abs }, 'open a .sqlite workspace file, or create a new workspace');
    }
    throw new KnowrecError('internal', `cannot open the workspace: ${msg}`, { file: abs });
  }
  return db;
}

/**
 * VACUUM (its temporary copy in memory, not in a temp file) and a TRUNCATE checkpoint, after
 * deletions that must leave no bytes behind. False when another connection kept the WAL busy
 * (the data is deleted; its old bytes go at the next checkpoint).
 */
export function eraseFreedSpace(db: Db): boolean {
  try {
    db.pragma('temp_store = MEMORY');
    try {
      db.exec('VACUUM');
    } finally {
      db.pragma('temp_store = DEFAULT');
    }
    const r = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return r[0]?.busy === 0;
  } catch (e) {
    if (isBusy(e)) return false;
    throw e;
  }
}

/** True for SQLite's "another connection holds the lock" errors. */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
