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
import { closeSync, openSync, readSync } from 'node:fs';
import { KnowrecError } from '../errors';
import { MIGRATIONS, migrate, type Migration } from './schema';

/** An open workspace database. */
export type Db = Database.Database;

/** `PRAGMA application_id` of a KnowRec workspace ("KnRc"), set when the file is created. */
export const APPLICATION_ID = 0x4b6e5263;
const SQLITE_MAGIC = 'SQLite format 3\0';
/** Tables every KnowRec workspace has had since its first schema version. */
const OWN_TABLES = ['schema_version', 'meta', 'items', 'interactions'];

/**
 * Opens `abs` (which must exist when `mustExist`) and brings it to the last of `migrations`.
 * An existing file is first checked to be a KnowRec workspace (SQLite header, then our
 * application id, or for files from before it, our tables) and left untouched when it is not.
 */
export function openDatabase(abs: string, mustExist: boolean, migrations: readonly Migration[] = MIGRATIONS): Db {
  const appId = mustExist ? sqliteApplicationId(abs) : APPLICATION_ID;
  let db: Db;
  try {
    db = new Database(abs, { fileMustExist: mustExist });
  } catch (e) {
    throw new KnowrecError('not-found', `cannot open the workspace: ${(e as Error).message}`, { file: abs }, 'check that the folder exists and is writable');
  }
  try {
    if (!mustExist) db.pragma(`application_id = ${APPLICATION_ID}`);
    else if (appId !== APPLICATION_ID) checkOwnTables(db, abs);
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

const NOT_OURS_HINT = 'open a KnowRec workspace file, or create a new workspace at another path; this file was left as it is';

/** Reads the 100-byte SQLite header of `abs`: its application id, or throws when it is not a SQLite file or another application's. */
function sqliteApplicationId(abs: string): number {
  const header = Buffer.alloc(100);
  let n: number;
  try {
    const fd = openSync(abs, 'r');
    try {
      n = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new KnowrecError('not-found', `cannot open the workspace: ${(e as Error).message}`, { file: abs }, 'check that the file exists and is readable');
  }
  if (n === 0) throw new KnowrecError('parse', 'this file is empty, not a KnowRec workspace', { file: abs }, NOT_OURS_HINT);
  if (n < header.length || header.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) {
    throw new KnowrecError('parse', 'this file is not a SQLite database', { file: abs }, NOT_OURS_HINT);
  }
  const appId = header.readUInt32BE(68);
  if (appId !== 0 && appId !== APPLICATION_ID) {
    throw new KnowrecError('validation', 'this SQLite file is not a KnowRec workspace (it belongs to another application)', { file: abs }, NOT_OURS_HINT);
  }
  return appId;
}

/** A file without our application id (written before it, or foreign) must hold our tables; checked before anything is written. */
function checkOwnTables(db: Db, abs: string): void {
  const names = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  if (OWN_TABLES.some((t) => !names.has(t))) {
    throw new KnowrecError('validation', 'this SQLite file is not a KnowRec workspace (it lacks the KnowRec tables)', { file: abs }, NOT_OURS_HINT);
  }
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
