/**
 * Jobs as the runner keeps them: JobInfo plus the request and spec. SqliteJobStore maps them to
 * and from the rows of the workspace's `jobs` table (JobRepository, main/core/store/jobs.ts: its
 * own connection with a short busy timeout, so the main thread never waits on a job's worker);
 * a write that finds the database busy reports `false` and is retried later.
 */
import type { ApiError, CurvePoint, JobInfo, JobKind, JobState, MessagePart } from '../api/contract';
import { KnowrecError } from '../core/errors';
import type { JobRepository, JobRow } from '../core/store';
import { storableSpec, type JobSpec } from './job-worker-spec';

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
  parts?: readonly MessagePart[];
  curve?: CurvePoint[];
  result?: JobInfo['result'];
  error?: ApiError | null;
  request?: unknown;
  resumable?: boolean;
  resumeOf?: string | null;
  spec?: JobSpec | null;
}

export const INTERRUPTED: ApiError = {
  code: 'cancelled',
  message: 'interrupted: the workbench closed while the job was queued or running',
  hint: 'start the job again (a fine-tuning job can be resumed from its last checkpoint)',
};

const KINDS: readonly string[] = ['import', 'evaluate', 'fit', 'finetune'];
const STATES: readonly string[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

export class SqliteJobStore implements JobStoreLike {
  /** Takes over `rows` (close() closes it). */
  constructor(private readonly rows: JobRepository) {}

  save(job: StoredJob): boolean {
    const json: JobJson = {
      message: job.message,
      parts: job.parts,
      curve: [...job.curve],
      result: job.result,
      error: job.error,
      request: job.request,
      resumable: job.resumable,
      resumeOf: job.resumeOf,
      spec: storableSpec(job.spec),
    };
    return this.rows.save({ id: job.id, kind: job.kind, state: job.state, created: job.created, updated: job.updated, progress: job.progress, json: JSON.stringify(json) });
  }

  get(id: string): StoredJob | null {
    const row = this.rows.get(id);
    return row === null ? null : fromRow(row);
  }

  list(limit: number): StoredJob[] {
    return this.rows.list(limit).map(fromRow);
  }

  markInterrupted(now: string, resumable: (job: StoredJob) => boolean = () => false): number {
    const rows = this.rows.unfinished();
    for (const row of rows) {
      const job = fromRow(row);
      const failed: StoredJob = { ...job, state: 'failed', updated: now, error: INTERRUPTED, message: 'interrupted' };
      const ok = this.save({ ...failed, resumable: resumable(failed) });
      if (!ok) throw new KnowrecError('internal', 'the workspace is busy (another program writes to it)', { file: this.rows.file }, 'close the other program, then open the workspace again');
    }
    return rows.length;
  }

  close(): void {
    this.rows.close();
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
    ...(json.parts === undefined ? {} : { parts: json.parts }),
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
