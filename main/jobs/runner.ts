/**
 * The job runner: a queue that runs one heavy job at a time, records every job in the
 * workspace's `jobs` table, and reports every change as an event.
 *
 * - submit → 'queued' → 'running' → 'done' | 'failed' | 'cancelled'.
 * - Progress events are throttled (at most one per `progressIntervalMs` per job, the last one
 *   always delivered); state changes and curve points go out at once.
 * - cancel: a queued job is dropped; a running one is asked to stop through its AbortSignal, and
 *   marked cancelled after `graceMs` when it has not stopped by then (its worker is then told to
 *   stop and ends at its next check, never killed: see core/worker-launcher.ts).
 * - A failure keeps the KnowrecError's message, location and hint as the job's ApiError.
 * - On open, jobs a previous session left queued or running are marked failed ("interrupted").
 */
import { randomBytes } from 'node:crypto';
import type { CurvePoint, JobInfo } from '../api/contract';
import { toApiError } from '../api/result';
import { KnowrecError } from '../core/errors';
import type { JobResult, JobSpec, TaskReporter } from './job-worker-spec';
import type { JobStoreLike, StoredJob } from './job-worker-store';
import { part, partsText } from './job-message';

/** One started job: its outcome and the two ways to stop it. */
export interface JobExecution {
  /** Resolves with the result; rejects with a KnowrecError (code 'cancelled' after a cancel). */
  readonly done: Promise<JobResult>;
  /** Asks the job to stop (AbortSignal). */
  cancel(): void;
  /**
   * Gives it up for good: the worker is told to stop; resolves when its thread ended (the next
   * job starts only then, so two heavy jobs never run at once). Nothing in-process.
   */
  terminate(): Promise<void> | void;
}

export type JobExecutor = (spec: JobSpec, reporter: TaskReporter) => JobExecution;

export interface RunnerOptions {
  readonly store: JobStoreLike;
  readonly execute: JobExecutor;
  /** Every change of a job (state, progress, curve). */
  readonly emit: (job: JobInfo) => void;
  /** Called once a job reached a final state (after its event). */
  readonly onSettled?: (job: JobInfo) => void;
  /** Whether a settled job can be resumed (fine-tuning with a checkpoint). */
  readonly resumable?: (job: StoredJob) => boolean;
  /** Wait after a cancel before terminating (default 2000 ms). */
  readonly graceMs?: number;
  /** Least time between two progress events of a job (default 200 ms: ~5 per second). */
  readonly progressIntervalMs?: number;
  /** Retry delay for a write that found the database busy (default 200 ms). */
  readonly retryMs?: number;
  readonly now?: () => Date;
}

interface Live {
  job: StoredJob;
  spec: JobSpec;
  exec: JobExecution | null;
  cancelRequested: boolean;
  lastEmit: number;
  trailing: ReturnType<typeof setTimeout> | null;
  grace: ReturnType<typeof setTimeout> | null;
  settle: ((job: JobInfo) => void)[];
}

const LIST_LIMIT = 500;

export function newJobId(now: Date = new Date()): string {
  return `job-${now.getTime().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** JobInfo as shown by the Api (without the stored request and spec). */
export function publicJob(job: StoredJob): JobInfo {
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    created: job.created,
    updated: job.updated,
    progress: job.progress,
    message: job.message,
    ...(job.parts === undefined ? {} : { parts: job.parts }),
    error: job.error,
    curve: job.curve,
    result: job.result,
    resumable: job.resumable,
  };
}

export class JobRunner {
  private readonly live = new Map<string, Live>();
  private readonly queue: string[] = [];
  private running: string | null = null;
  private readonly dirty = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** A given-up job's worker still finishing its step: the next job waits for it. */
  private gate: Promise<void> | null = null;
  private readonly graceMs: number;
  private readonly interval: number;
  private readonly retryMs: number;
  private readonly now: () => Date;
  /** Jobs found queued or running when the runner opened (marked failed). */
  readonly interrupted: number;

  constructor(private readonly o: RunnerOptions) {
    this.graceMs = o.graceMs ?? 2000;
    this.interval = o.progressIntervalMs ?? 200;
    this.retryMs = o.retryMs ?? 200;
    this.now = o.now ?? (() => new Date());
    this.interrupted = o.store.markInterrupted(this.now().toISOString(), o.resumable);
  }

  /** Queues a job; `make` builds its spec from the new id. */
  submit(make: (id: string) => JobSpec, extra: { resumeOf?: string } = {}): JobInfo {
    if (this.closed) throw new KnowrecError('internal', 'the job runner is closed', {}, 'reopen the workspace');
    const created = this.now();
    const id = newJobId(created);
    const spec = make(id);
    const at = created.toISOString();
    const job: StoredJob = {
      id,
      kind: spec.kind,
      state: 'queued',
      created: at,
      updated: at,
      progress: null,
      message: this.running === null ? 'starting' : 'waiting for the running job to finish',
      error: null,
      curve: [],
      result: null,
      resumable: false,
      request: spec.request,
      resumeOf: extra.resumeOf ?? null,
      spec,
    };
    this.live.set(id, { job, spec, exec: null, cancelRequested: false, lastEmit: 0, trailing: null, grace: null, settle: [] });
    this.queue.push(id);
    this.publish(id);
    this.pump();
    return publicJob(this.live.get(id)?.job ?? job);
  }

  get(id: string): JobInfo | null {
    const l = this.live.get(id);
    if (l !== undefined) return publicJob(l.job);
    const stored = this.o.store.get(id);
    return stored === null ? null : publicJob(stored);
  }

  /** The stored job with its request (for resume). */
  stored(id: string): StoredJob | null {
    return this.live.get(id)?.job ?? this.o.store.get(id);
  }

  /** Newest first: this session's jobs over the stored ones. */
  list(): JobInfo[] {
    const byId = new Map<string, StoredJob>();
    for (const j of this.o.store.list(LIST_LIMIT)) byId.set(j.id, j);
    for (const l of this.live.values()) byId.set(l.job.id, l.job);
    return [...byId.values()]
      .sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? 1 : -1))
      .map(publicJob);
  }

  /** True while a job is queued or running. */
  busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  /** Resolves with the job once it reached a final state. */
  whenSettled(id: string): Promise<JobInfo> {
    const l = this.live.get(id);
    if (l === undefined || isFinal(l.job.state)) {
      const j = this.get(id);
      return j === null ? Promise.reject(new KnowrecError('not-found', `no job with id "${id}"`)) : Promise.resolve(j);
    }
    return new Promise((resolve) => l.settle.push(resolve));
  }

  cancel(id: string): JobInfo {
    const l = this.live.get(id);
    if (l === undefined) {
      const stored = this.o.store.get(id);
      if (stored === null) throw new KnowrecError('not-found', `no job with id "${id}"`, {}, 'list the jobs to see their ids');
      return publicJob(stored); // finished in an earlier session: nothing to cancel
    }
    if (isFinal(l.job.state)) return publicJob(l.job);
    if (l.job.state === 'queued') {
      const at = this.queue.indexOf(id);
      if (at >= 0) this.queue.splice(at, 1);
      this.finish(l, { state: 'cancelled', message: 'cancelled before it started' });
      return publicJob(l.job);
    }
    if (!l.cancelRequested) {
      l.cancelRequested = true;
      this.update(l, { message: 'cancelling…' }, true);
      l.exec?.cancel();
      l.grace = setTimeout(() => {
        l.grace = null;
        if (isFinal(l.job.state)) return;
        const ended = l.exec?.terminate();
        if (ended instanceof Promise) {
          // the next job waits until this worker's thread ended (it stops at its next check)
          const gate: Promise<void> = ended
            .catch(() => undefined)
            .then(() => {
              if (this.gate === gate) this.gate = null;
              this.pump();
            });
          this.gate = gate;
        }
        this.finish(l, { state: 'cancelled', message: `cancelled (stopped after ${this.graceMs} ms)`, parts: [part('cancelledAfter', `cancelled (stopped after ${this.graceMs} ms)`, { ms: this.graceMs })] });
      }, this.graceMs);
    }
    return publicJob(l.job);
  }

  /** Cancels everything, stops writing and closes the store; jobs still running are terminated. */
  close(): void {
    if (this.closed) return;
    for (const id of [...this.queue]) this.cancel(id);
    for (const l of this.live.values()) {
      if (l.job.state !== 'running') continue;
      l.exec?.cancel();
      void l.exec?.terminate();
      const parts = [part('', 'cancelled'), part('workspaceClosed', 'the workspace was closed')];
      this.finish(l, { state: 'cancelled', message: partsText(parts), parts });
    }
    this.flushDirty();
    this.closed = true;
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    for (const l of this.live.values()) {
      if (l.trailing !== null) clearTimeout(l.trailing);
      if (l.grace !== null) clearTimeout(l.grace);
    }
    this.o.store.close();
  }

  // ---------------------------------------------------------------------------------------------

  private pump(): void {
    if (this.running !== null || this.closed || this.gate !== null) return;
    const id = this.queue.shift();
    if (id === undefined) return;
    const l = this.live.get(id);
    if (l === undefined) return this.pump();
    this.running = id;
    this.update(l, { state: 'running', message: 'started', progress: 0 }, true);
    const reporter: TaskReporter = {
      progress: (fraction, message, parts) => {
        if (isFinal(l.job.state)) return;
        const p = fraction === null ? l.job.progress : Math.max(0, Math.min(1, fraction));
        this.update(l, l.cancelRequested ? { progress: p, message: 'cancelling…' } : { progress: p, message, parts }, false);
      },
      curve: (point: CurvePoint) => {
        if (isFinal(l.job.state)) return;
        this.update(l, { curve: [...l.job.curve, point] }, true);
      },
    };
    let exec: JobExecution;
    try {
      exec = this.o.execute(l.spec, reporter);
    } catch (e) {
      this.finish(l, { state: 'failed', error: toApiError(e), message: 'failed to start' });
      return;
    }
    l.exec = exec;
    exec.done.then(
      (result) => {
        if (isFinal(l.job.state)) return;
        this.finish(l, { state: 'done', result, progress: 1, message: 'done' });
      },
      (e: unknown) => {
        if (isFinal(l.job.state)) return;
        const error = toApiError(e);
        if (error.code === 'cancelled' || l.cancelRequested) this.finish(l, { state: 'cancelled', message: 'cancelled' });
        else {
          const parts = [part('failed', 'failed'), part('', error.message)];
          this.finish(l, { state: 'failed', error, message: partsText(parts), parts });
        }
      },
    );
  }

  private finish(l: Live, patch: Partial<StoredJob>): void {
    if (l.grace !== null) clearTimeout(l.grace);
    l.grace = null;
    if (l.trailing !== null) clearTimeout(l.trailing);
    l.trailing = null;
    const next: StoredJob = { ...l.job, ...patch };
    const resumable = this.o.resumable?.(next) ?? false;
    this.update(l, { ...patch, resumable }, true);
    if (this.running === l.job.id) this.running = null;
    const done = publicJob(l.job);
    for (const s of l.settle.splice(0)) s(done);
    try {
      this.o.onSettled?.(done);
    } catch {
      // a listener's failure must not stop the queue
    }
    this.pump();
  }

  /** Applies a change; publishes now when `immediate`, else throttled. */
  private update(l: Live, patch: Partial<StoredJob>, immediate: boolean): void {
    // a new message without parts drops the old parts (they would say something else)
    const parts = 'message' in patch && !('parts' in patch) ? { parts: undefined } : {};
    l.job = { ...l.job, ...patch, ...parts, updated: this.now().toISOString() };
    if (immediate) {
      if (l.trailing !== null) clearTimeout(l.trailing);
      l.trailing = null;
      this.publish(l.job.id);
      return;
    }
    const wait = l.lastEmit + this.interval - Date.now();
    if (wait <= 0 && l.trailing === null) {
      this.publish(l.job.id);
      return;
    }
    if (l.trailing === null) {
      l.trailing = setTimeout(() => {
        l.trailing = null;
        this.publish(l.job.id);
      }, Math.max(0, wait));
    }
  }

  private publish(id: string): void {
    const l = this.live.get(id);
    if (l === undefined) return;
    l.lastEmit = Date.now();
    this.persist(id);
    try {
      this.o.emit(publicJob(l.job));
    } catch {
      // a listener's failure must not stop the job
    }
  }

  private persist(id: string): void {
    if (this.closed) return;
    const l = this.live.get(id);
    if (l === undefined) return;
    let saved: boolean;
    try {
      saved = this.o.store.save(l.job);
    } catch {
      saved = true; // an unwritable record is not retried forever; the job itself goes on
    }
    if (saved) {
      this.dirty.delete(id);
      return;
    }
    this.dirty.add(id);
    if (this.flushTimer === null) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        this.flushDirty();
      }, this.retryMs);
    }
  }

  private flushDirty(): void {
    for (const id of [...this.dirty]) this.persist(id);
  }
}

function isFinal(state: JobInfo['state']): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}
