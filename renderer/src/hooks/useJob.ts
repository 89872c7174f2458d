/**
 * Follows one job: the JobInfo from the start call, then every `job` event for its id (the
 * bridge's WebSocket or Electron IPC), with a slow getJob poll as a fallback while it runs.
 * `onDone` runs once per job that reaches 'done'.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api, ApiError, ApiEvents, JobInfo, Result } from '../../../main/api/contract';

export type ApiWithEvents = Api & ApiEvents;

export interface JobControl {
  readonly job: JobInfo | null;
  /** Why the last start, cancel or resume call was refused. */
  readonly error: ApiError | null;
  /** Follows the job a start call returns (startImport, startEvaluation, …). */
  readonly start: (call: Promise<Result<JobInfo>>) => Promise<JobInfo | null>;
  readonly cancel: () => void;
  /** Resumes a cancelled, resumable job (as a new job). */
  readonly resume: () => void;
}

const POLL_MS = 1500;

export function isFinished(job: JobInfo): boolean {
  return job.state === 'done' || job.state === 'failed' || job.state === 'cancelled';
}

/** Keeps the newer of two snapshots of one job; a finished state is never overwritten. */
function newer(current: JobInfo | null, next: JobInfo): JobInfo {
  if (current === null || current.id !== next.id) return next;
  if (isFinished(current) && !isFinished(next)) return current;
  if (next.updated < current.updated) return current;
  if (next.curve.length < current.curve.length && !isFinished(next)) return current;
  return next;
}

export function useJob(api: ApiWithEvents, onDone?: (job: JobInfo) => void): JobControl {
  const [job, setJob] = useState<JobInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const done = useRef(new Set<string>());
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;
  const id = job?.id ?? null;
  const running = job !== null && !isFinished(job);

  useEffect(() => {
    if (id === null) return undefined;
    return api.onEvent((event) => {
      if (event.type === 'job' && event.job.id === id) setJob((cur) => newer(cur, event.job));
    });
  }, [api, id]);

  useEffect(() => {
    if (id === null || !running) return undefined;
    const timer = setInterval(() => {
      void api.getJob({ id }).then((r) => {
        if (r.ok) setJob((cur) => newer(cur, r.value));
      });
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [api, id, running]);

  useEffect(() => {
    if (job !== null && job.state === 'done' && !done.current.has(job.id)) {
      done.current.add(job.id);
      onDoneRef.current?.(job);
    }
  }, [job]);

  const start = useCallback(async (call: Promise<Result<JobInfo>>): Promise<JobInfo | null> => {
    const r = await call;
    if (!r.ok) {
      setError(r.error);
      return null;
    }
    setError(null);
    setJob(r.value);
    return r.value;
  }, []);

  const cancel = useCallback(() => {
    if (id === null) return;
    void api.cancelJob({ id }).then((r) => {
      if (r.ok) setJob((cur) => newer(cur, r.value));
      else setError(r.error);
    });
  }, [api, id]);

  const resume = useCallback(() => {
    if (id === null) return;
    void start(api.resumeJob({ id }));
  }, [api, id, start]);

  return { job, error, start, cancel, resume };
}
