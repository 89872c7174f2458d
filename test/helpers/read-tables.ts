import Database from 'better-sqlite3';

/** Runs `look` on a second, read-only connection to the workspace file (tests that check the tables themselves). */
export function readTables<T>(path: string, look: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return look(db);
  } finally {
    db.close();
  }
}
