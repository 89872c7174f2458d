/**
 * The workspace's `jobs` table: one row per job (id, kind, state, created, updated, progress)
 * and the rest of the job as JSON (main/jobs/job-worker-store.ts maps it).
 *
 * A JobRepository writes through its OWN connection with a short busy timeout: a job's worker
 * may hold the write lock for a while (an import is one transaction), and the main thread must
 * never wait on it. A write that finds the database busy reports `false` and is retried later.
 */
import Database from 'better-sqlite3';
import { KnowrecError } from '../errors';
import { isBusy, type Db } from './database';

export interface JobRow {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly created: string;
  readonly updated: string;
  readonly progress: number | null;
  readonly json: string;
}

const COLUMNS = 'id, kind, state, created, updated, progress, json';

export class JobRepository {
  /** `db` is the repository's own: close() closes it. */
  constructor(
    private readonly db: Db,
    /** The workspace file (for messages). */
    readonly file: string,
  ) {}

  /** A repository on a new connection to the workspace at `path` (busy timeout 25 ms). */
  static open(path: string): JobRepository {
    let db: Db;
    try {
      db = new Database(path, { fileMustExist: true });
    } catch (e) {
      throw new KnowrecError('not-found', `cannot open the workspace for jobs: ${(e as Error).message}`, { file: path }, 'check that the workspace file exists');
    }
    db.pragma('busy_timeout = 25');
    db.pragma('secure_delete = ON');
    return new JobRepository(db, path);
  }

  /** Inserts or updates the row; false when the database was busy (the caller retries). */
  save(row: JobRow): boolean {
    try {
      this.db
        .prepare(
          `INSERT INTO jobs (id, kind, state, created, updated, progress, json) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated = excluded.updated, progress = excluded.progress, json = excluded.json`,
        )
        .run(row.id, row.kind, row.state, row.created, row.updated, row.progress, row.json);
      return true;
    } catch (e) {
      if (isBusy(e)) return false;
      throw new KnowrecError('internal', `could not record job ${row.id}: ${(e as Error).message}`, { file: this.file });
    }
  }

  get(id: string): JobRow | null {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined) ?? null;
  }

  /** Newest first. */
  list(limit: number): JobRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM jobs ORDER BY created DESC, id DESC LIMIT ?`).all(limit) as JobRow[];
  }

  /** Jobs left queued or running. */
  unfinished(): JobRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE state IN ('queued', 'running')`).all() as JobRow[];
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
