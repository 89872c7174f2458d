/**
 * The workspace's `jobs` table: one row per job (id, kind, state, created, updated, progress)
 * and the rest of JobInfo plus the request in `json`.
 *
 * The runner writes through its OWN connection with a short busy timeout: a job's worker may
 * hold the write lock for a while (an import is one transaction), and the main thread must never
 * wait on it. A write that finds the database busy reports `false` and is retried later.
 */
import Database from 'better-sqlite3';
import type { ApiError, CurvePoint, JobInfo, JobKind, JobState } from '../api/contract';
import { KnowrecError } from '../core/errors';
import type { JobSpec } from './job-worker-spec';

/** A job as stored: what the Api shows plus the request it was started with. */
export interface StoredJob extends JobInfo {
  readonly request: unknown;
  /** The job this one resumes (fine-tuning). */
  readonly resumeOf: string | null;
  /** What the job was asked to do (null for records written before specs were kept). */
  readonly spec: JobSpec | null;
}

/** What the runner needs from storage (an in-memory one serves tests). */
export interface JobStoreLike {
  /** Writes the job; false when the database was busy (the caller retries). */
  save(job: StoredJob): boolean;
  get(id: string): StoredJob | null;
  /** Newest first. */
  list(limit: number): StoredJob[];
  /** Marks every job left queued or running as failed; returns how many. */
  markInterrupted(now: string, resumable?: (job: StoredJob) => boolean): number;
  close(): void;
}

interface JobJson {
  message?: string;
  curve?: CurvePoint[];
  result?: JobInfo['result'];
  error?: ApiError | null;
  request?: unknown;
  resumable?: boolean;
  resumeOf?: string | null;
  spec?: JobSpec | null;
}

interface JobRow {
  id: string;
  kind: string;
  state: string;
  created: string;
  updated: string;
  progress: number | null;
  json: string;
}

export const INTERRUPTED: ApiError = {
  code: 'cancelled',
  message: 'interrupted: the workbench closed while the job was queued or running',
  hint: 'start the job again (a fine-tuning job can be resumed from its last checkpoint)',
};

const KINDS: readonly string[] = ['import', 'evaluate', 'fit', 'finetune'];
const STATES: readonly string[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

export class SqliteJobStore implements JobStoreLike {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path, { fileMustExist: true });
    } catch (e) {
      throw new KnowrecError('not-found', `cannot open the workspace for jobs: ${(e as Error).message}`, { file: path }, 'check that the workspace file exists');
    }
    this.db.pragma('busy_timeout = 25');
  }

  save(job: StoredJob): boolean {
    const json: JobJson = {
      message: job.message,
      curve: [...job.curve],
      result: job.result,
      error: job.error,
      request: job.request,
      resumable: job.resumable,
      resumeOf: job.resumeOf,
      spec: job.spec,
    };
    try {
      this.db
        .prepare(
          `INSERT INTO jobs (id, kind, state, created, updated, progress, json) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated = excluded.updated, progress = excluded.progress, json = excluded.json`,
        )
        .run(job.id, job.kind, job.state, job.created, job.updated, job.progress, JSON.stringify(json));
      return true;
    } catch (e) {
      if (isBusy(e)) return false;
      throw new KnowrecError('internal', `could not record job ${job.id}: ${(e as Error).message}`, { file: this.path });
    }
  }

  get(id: string): StoredJob | null {
    const row = this.db.prepare('SELECT id, kind, state, created, updated, progress, json FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row === undefined ? null : fromRow(row);
  }

  list(limit: number): StoredJob[] {
    const rows = this.db.prepare('SELECT id, kind, state, created, updated, progress, json FROM jobs ORDER BY created DESC, id DESC LIMIT ?').all(limit) as JobRow[];
    return rows.map(fromRow);
  }

  markInterrupted(now: string, resumable: (job: StoredJob) => boolean = () => false): number {
    const rows = this.db.prepare("SELECT id, kind, state, created, updated, progress, json FROM jobs WHERE state IN ('queued', 'running')").all() as JobRow[];
    for (const row of rows) {
      const job = fromRow(row);
      const failed: StoredJob = { ...job, state: 'failed', updated: now, error: INTERRUPTED, message: 'interrupted' };
      const ok = this.save({ ...failed, resumable: resumable(failed) });
      if (!ok) throw new KnowrecError('internal', 'the workspace is busy (another program writes to it)', { file: this.path }, 'close the other program, then open the workspace again');
    }
    return rows.length;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function fromRow(row: JobRow): StoredJob {
  let json: JobJson = {};
  try {
    json = JSON.parse(row.json) as JobJson;
  } catch {
    json = { message: 'unreadable job record' };
  }
  return {
    id: row.id,
    kind: (KINDS.includes(row.kind) ? row.kind : 'import') as JobKind,
    state: (STATES.includes(row.state) ? row.state : 'failed') as JobState,
    created: row.created,
    updated: row.updated,
    progress: row.progress,
    message: json.message ?? '',
    error: json.error ?? null,
    curve: json.curve ?? [],
    result: json.result ?? null,
    resumable: json.resumable ?? false,
    request: json.request ?? null,
    resumeOf: json.resumeOf ?? null,
    spec: json.spec ?? null,
  };
}

/** Jobs kept in memory (tests, or a workspace without a file). */
export class MemoryJobStore implements JobStoreLike {
  private readonly jobs = new Map<string, StoredJob>();
  /** When set, save() reports busy this many times before succeeding (tests). */
  busyFor = 0;

  save(job: StoredJob): boolean {
    if (this.busyFor > 0) {
      this.busyFor--;
      return false;
    }
    this.jobs.set(job.id, job);
    return true;
  }

  get(id: string): StoredJob | null {
    return this.jobs.get(id) ?? null;
  }

  list(limit: number): StoredJob[] {
    return [...this.jobs.values()].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? 1 : -1)).slice(0, limit);
  }

  markInterrupted(now: string, resumable: (job: StoredJob) => boolean = () => false): number {
    let n = 0;
    for (const job of this.jobs.values()) {
      if (job.state !== 'queued' && job.state !== 'running') continue;
      const failed: StoredJob = { ...job, state: 'failed', updated: now, error: INTERRUPTED, message: 'interrupted' };
      this.jobs.set(job.id, { ...failed, resumable: resumable(failed) });
      n++;
    }
    return n;
  }

  close(): void {
    // nothing to release
  }
}
