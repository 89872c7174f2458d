/**
 * The Api's own preparation work that a request waits on (the first free-text query encodes every
 * item's sentence), told to the views as `job` events of kind 'prepare': stage, percent and, from
 * the view's side, an estimate from the first moment. Not a runner job: nothing is stored, listJobs
 * and getJob do not know it, and it cannot be cancelled (the request that started it finishes it).
 */
import type { ApiEvent, JobInfo } from './contract';
import { toApiError } from './result';
import { newJobId } from '../jobs/runner';

/** At most one running event per this many milliseconds (0 %, 100 % and state changes always go out). */
const EMIT_EVERY_MS = 250;

export interface PrepareTask {
  /** `progress` 0..1 or null when unknown. Each call is ignored once the task is done or failed. */
  update(progress: number | null, message: string): void;
  done(message: string): void;
  fail(error: unknown): void;
}

export function prepareTask(emit: (event: ApiEvent) => void, message: string, now: () => Date = () => new Date()): PrepareTask {
  const created = now().toISOString();
  let info: JobInfo = { id: newJobId(), kind: 'prepare', state: 'running', created, updated: created, progress: 0, message, error: null, curve: [], result: null, resumable: false };
  let last = 0;
  const send = (next: Partial<JobInfo>, force: boolean): void => {
    const t = now();
    info = { ...info, ...next, updated: t.toISOString() };
    if (!force && t.getTime() - last < EMIT_EVERY_MS) return;
    last = t.getTime();
    emit({ type: 'job', job: info });
  };
  send({}, true);
  // once done or failed, later calls are ignored (the request may finish a task its step finished)
  const running = (): boolean => info.state === 'running';
  return {
    // a step's start (0) and end (1) always go out
    update: (progress, msg) => running() && send({ progress, message: msg }, progress === 0 || progress === 1),
    done: (msg) => running() && send({ state: 'done', progress: 1, message: msg }, true),
    fail: (error) => running() && send({ state: 'failed', error: toApiError(error) }, true),
  };
}
