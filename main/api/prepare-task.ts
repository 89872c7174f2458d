/**
 * The Api's own preparation work that a request waits on (the first free-text query encodes every
 * item's sentence), told to the views as `job` events of kind 'prepare': stage, percent and, from
 * the view's side, an estimate from the first moment. Not a runner job: nothing is stored, listJobs
 * and getJob do not know it, and it cannot be cancelled (the request that started it finishes it).
 */
import type { ApiEvent, JobInfo, MessagePart } from './contract';
import { partsText } from '../jobs/job-message';
import { toApiError } from './result';
import { newJobId } from '../jobs/runner';

/** At most one running event per this many milliseconds (0 %, 100 % and state changes always go out). */
const EMIT_EVERY_MS = 250;

export interface PrepareTask {
  /** `progress` 0..1 or null when unknown. Each call is ignored once the task is done or failed. */
  update(progress: number | null, line: Line): void;
  done(line: Line): void;
  fail(error: unknown): void;
}

/** What the task does now: English words, or the same in parts with codes (job-message.ts) for the UI's language. */
export type Line = string | readonly MessagePart[];

const said = (line: Line): { message: string; parts?: readonly MessagePart[] } => (typeof line === 'string' ? { message: line, parts: undefined } : { message: partsText(line), parts: line });

export function prepareTask(emit: (event: ApiEvent) => void, line: Line, now: () => Date = () => new Date()): PrepareTask {
  const created = now().toISOString();
  let info: JobInfo = { id: newJobId(), kind: 'prepare', state: 'running', created, updated: created, progress: 0, ...said(line), error: null, curve: [], result: null, resumable: false };
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
    update: (progress, line) => running() && send({ progress, ...said(line) }, progress === 0 || progress === 1),
    done: (line) => running() && send({ state: 'done', progress: 1, ...said(line) }, true),
    fail: (error) => running() && send({ state: 'failed', error: toApiError(error) }, true),
  };
}
