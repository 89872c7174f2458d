/**
 * The one SQLite connection of a workspace: opening it (WAL, full sync, foreign keys, busy
 * timeout), migrating it, and turning SQLite's failures into KnowrecErrors. The repositories of
 * this folder take the handle it returns.
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

/** True for SQLite's "another connection holds the lock" errors. */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
