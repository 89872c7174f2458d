/**
 * The job runner with tasks written here (in-process executor): one job at a time in order,
 * throttled progress events, cancel (signal first, terminate after the grace time), failures
 * as typed errors, busy-database retries, and jobs left running marked interrupted on reopen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../main/api';
import { KnowrecError, throwIfAborted } from '../../main/core/errors';
import { JobRepository, Workspace } from '../../main/core/store';
import { inProcessExecutor } from '../../main/jobs/job-worker-host';
import type { JobResult, JobSpec, TaskContext, TaskRunner } from '../../main/jobs/job-worker-spec';
import { INTERRUPTED, MemoryJobStore, SqliteJobStore } from '../../main/jobs/job-worker-store';
import { JobRunner, type JobExecutor } from '../../main/jobs/runner';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A spec for tests: 'fit' carries a free-form request. */
const spec = (tag: number) => (id: string): JobSpec => ({ id, kind: 'fit', workspace: '/nowhere', request: { k: tag }, out: '/nowhere/model' });

const tagOf = (s: JobSpec): number => (s.kind === 'fit' ? (s.request.k ?? -1) : -1);

interface Harness {
  runner: JobRunner;
  events: JobInfo[];
  store: MemoryJobStore;
}

const runners: JobRunner[] = [];
afterEach(() => {
  for (const r of runners.splice(0)) r.close();
});

function harness(task: TaskRunner | JobExecutor, opts: { graceMs?: number; progressIntervalMs?: number; store?: MemoryJobStore; isExecutor?: boolean } = {}): Harness {
  const events: JobInfo[] = [];
  const store = opts.store ?? new MemoryJobStore();
  const execute = opts.isExecutor === true ? (task as JobExecutor) : inProcessExecutor(task as TaskRunner);
  const runner = new JobRunner({ store, execute, emit: (j) => events.push(j), graceMs: opts.graceMs ?? 50, progressIntervalMs: opts.progressIntervalMs ?? 200, retryMs: 10 });
  runners.push(runner);
  return { runner, events, store };
}

describe('JobRunner queue', () => {
  it('runs one job at a time, in submission order, and records every state', async () => {
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    const task: TaskRunner = async (s) => {
      active++;
      maxActive = Math.max(maxActive, active);
      order.push(tagOf(s));
      await sleep(15);
      active--;
      return { dir: `/out/${tagOf(s)}` };
    };
    const { runner, events, store } = harness(task);
    const jobs = [1, 2, 3].map((t) => runner.submit(spec(t)));
    expect(jobs.map((j) => j.state)).toEqual(['running', 'queued', 'queued']);
    expect(jobs[1].message).toContain('waiting');
    const done = await Promise.all(jobs.map((j) => runner.whenSettled(j.id)));
    expect(maxActive).toBe(1);
    expect(order).toEqual([1, 2, 3]);
    expect(done.map((j) => [j.state, j.result])).toEqual([
      ['done', { dir: '/out/1' }],
      ['done', { dir: '/out/2' }],
      ['done', { dir: '/out/3' }],
    ]);
    // job 2 was running only after job 1 was done
    const idx = (id: string, state: string): number => events.findIndex((e) => e.id === id && e.state === state);
    expect(idx(jobs[1].id, 'running')).toBeGreaterThan(idx(jobs[0].id, 'done'));
    expect(idx(jobs[2].id, 'running')).toBeGreaterThan(idx(jobs[1].id, 'done'));
    // stored, newest first
    expect(store.list(10).map((j) => j.state)).toEqual(['done', 'done', 'done']);
    expect(runner.list().map((j) => j.id)).toEqual([...jobs.map((j) => j.id)].sort().reverse());
    expect(runner.get(jobs[0].id)?.progress).toBe(1);
    expect(runner.busy()).toBe(false);
  });

  it('throttles progress events but always delivers the last one; curve points go out at once', async () => {
    const task: TaskRunner = async (_s, ctx: TaskContext) => {
      for (let i = 1; i <= 200; i++) {
        ctx.progress(i / 200, `step ${i}`);
        if (i % 50 === 0) await sleep(5);
      }
      ctx.curve({ epoch: 1, loss: 0.5, validNdcg: 0.1, seconds: 0.01 });
      ctx.curve({ epoch: 2, loss: 0.4, validNdcg: 0.2, seconds: 0.01 });
      await sleep(250);
      return { dir: '/x' };
    };
    const { runner, events } = harness(task, { progressIntervalMs: 100 });
    const j = runner.submit(spec(1));
    await runner.whenSettled(j.id);
    const running = events.filter((e) => e.id === j.id && e.state === 'running');
    // 200 progress calls within ~20 ms: a handful of events, not 200
    expect(running.length).toBeLessThan(10);
    expect(running.some((e) => e.progress === 1 && e.message === 'step 200')).toBe(true);
    const curves = running.map((e) => e.curve.length);
    expect(curves).toContain(1);
    expect(curves).toContain(2);
    expect(runner.get(j.id)?.curve.map((p) => p.epoch)).toEqual([1, 2]);
  });
});

describe('JobRunner message parts', () => {
  it('keeps the parts of a progress line beside its English message, stores them, and drops them with a message that has none', async () => {
    let go: () => void = () => undefined;
    const gate = new Promise<void>((r) => (go = r));
    const parts = [
      { code: 'stage', params: { name: 'semantic' }, text: 'semantic' },
      { code: 'encodingItems', text: 'encoding items' },
    ];
    const task: TaskRunner = async (_s, ctx: TaskContext) => {
      ctx.progress(0.5, 'semantic: encoding items', parts);
      await gate;
      throw new KnowrecError('validation', 'bad row 3');
    };
    const store = new MemoryJobStore();
    const { runner, events } = harness(task, { store, progressIntervalMs: 0 });
    const j = runner.submit(spec(1));
    await sleep(20);
    expect(runner.get(j.id)).toMatchObject({ message: 'semantic: encoding items', parts });
    expect(store.get(j.id)?.parts).toEqual(parts);
    go();
    const failed = await runner.whenSettled(j.id);
    // the runner's own line for a failure has parts too: a code, then the error's English message
    expect(failed.message).toBe('failed: bad row 3');
    expect(failed.parts).toEqual([
      { code: 'failed', text: 'failed' },
      { code: '', text: 'bad row 3' },
    ]);
    // 'started' (no parts) came before: an event never shows parts from another message
    for (const e of events) if (e.parts !== undefined) expect(e.parts.map((p) => p.text).join(': ')).toBe(e.message);
  });
});

describe('JobRunner cancel and failure', () => {
  it('cancels a running job through its signal, then starts the next', async () => {
    let sawAbort = false;
    const task: TaskRunner = async (s, ctx) => {
      if (tagOf(s) === 2) return { dir: '/second' };
      for (;;) {
        if (ctx.signal.aborted) sawAbort = true;
        throwIfAborted(ctx.signal);
        await sleep(5);
      }
    };
    const { runner } = harness(task);
    const a = runner.submit(spec(1));
    const b = runner.submit(spec(2));
    await sleep(20);
    expect(runner.get(a.id)?.state).toBe('running');
    runner.cancel(a.id);
    const [ca, cb] = await Promise.all([runner.whenSettled(a.id), runner.whenSettled(b.id)]);
    expect(sawAbort).toBe(true);
    expect(ca.state).toBe('cancelled');
    expect(ca.error).toBeNull();
    expect(cb.state).toBe('done');
  });

  it('terminates a job that ignores the signal after the grace time', async () => {
    let terminated = false;
    let release: (() => void) | null = null;
    const executor: JobExecutor = () => ({
      done: new Promise<JobResult>((resolve) => {
        release = () => resolve({ dir: '/late' });
      }),
      cancel: () => undefined, // ignores it
      terminate: () => {
        terminated = true;
      },
    });
    const { runner } = harness(executor, { graceMs: 40, isExecutor: true });
    const j = runner.submit(spec(1));
    await sleep(5);
    const t0 = Date.now();
    expect(runner.cancel(j.id).message).toBe('cancelling…');
    const settled = await runner.whenSettled(j.id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    expect(terminated).toBe(true);
    expect(settled.state).toBe('cancelled');
    // a late result does not revive it
    (release as (() => void) | null)?.();
    await sleep(5);
    expect(runner.get(j.id)?.state).toBe('cancelled');
  });

  it('starts the next job only once the given-up worker has ended (never two heavy jobs at once)', async () => {
    const log: string[] = [];
    let endWorker: () => void = () => undefined;
    const executor: JobExecutor = (s) => {
      log.push(`start ${tagOf(s)}`);
      if (tagOf(s) === 2) return { done: Promise.resolve({ dir: '/second' }), cancel: () => undefined, terminate: () => undefined };
      return {
        done: new Promise<JobResult>(() => undefined), // ignores the signal
        cancel: () => undefined,
        terminate: () =>
          new Promise<void>((resolve) => {
            endWorker = () => {
              log.push('worker 1 ended');
              resolve();
            };
          }),
      };
    };
    const { runner } = harness(executor, { graceMs: 20, isExecutor: true });
    const a = runner.submit(spec(1));
    const b = runner.submit(spec(2));
    await sleep(5);
    runner.cancel(a.id);
    expect((await runner.whenSettled(a.id)).state).toBe('cancelled');
    await sleep(30);
    expect(runner.get(b.id)?.state).toBe('queued');
    endWorker();
    expect((await runner.whenSettled(b.id)).state).toBe('done');
    expect(log).toEqual(['start 1', 'worker 1 ended', 'start 2']);
  });

  it('drops a queued job without starting it', async () => {
    const started: number[] = [];
    const task: TaskRunner = async (s) => {
      started.push(tagOf(s));
      await sleep(20);
      return { dir: '/d' };
    };
    const { runner } = harness(task);
    const a = runner.submit(spec(1));
    const b = runner.submit(spec(2));
    expect(runner.cancel(b.id).state).toBe('cancelled');
    await runner.whenSettled(a.id);
    expect(started).toEqual([1]);
    expect(runner.get(b.id)?.message).toContain('before it started');
  });

  it('turns a failure into a typed error that keeps file, line, column and hint', async () => {
    const task: TaskRunner = async () => {
      throw new KnowrecError('parse', 'rating is not a number', { file: 'tiny.inter', line: 3, column: 3 }, 'fix the rating column');
    };
    const { runner } = harness(task);
    const j = await runner.whenSettled(runner.submit(spec(1)).id);
    expect(j.state).toBe('failed');
    expect(j.error).toEqual({ code: 'parse', message: 'tiny.inter, line 3, column 3: rating is not a number', hint: 'fix the rating column' });
    expect(j.result).toBeNull();
  });

  it('answers an unknown job id with not-found', () => {
    const { runner } = harness(async () => ({ dir: '/' }));
    expect(() => runner.cancel('job-nope')).toThrow(/no job with id "job-nope"/);
    expect(runner.get('job-nope')).toBeNull();
  });

  it('retries a write the database refused as busy', async () => {
    const store = new MemoryJobStore();
    const { runner } = harness(async () => ({ dir: '/b' }), { store });
    store.busyFor = 3;
    const j = await runner.whenSettled(runner.submit(spec(1)).id);
    expect(j.state).toBe('done');
    await sleep(60);
    expect(store.get(j.id)?.state).toBe('done');
  });
});

describe('jobs table', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('persists jobs and marks those left queued or running as interrupted on reopen', async () => {
    dir = mkdtempSync(join(tmpdir(), 'knowrec-jobs-'));
    const path = join(dir, 'w.sqlite');
    Workspace.create(path).close();
    // a session whose job never finishes
    const first = new SqliteJobStore(JobRepository.open(path));
    const hanging: JobExecutor = () => ({ done: new Promise<JobResult>(() => undefined), cancel: () => undefined, terminate: () => undefined });
    const r1 = new JobRunner({ store: first, execute: hanging, emit: () => undefined });
    const running = r1.submit(spec(1));
    const queued = r1.submit(spec(2));
    expect(first.get(running.id)?.state).toBe('running');
    expect(first.get(queued.id)?.state).toBe('queued');
    expect(first.get(running.id)?.request).toEqual({ k: 1 });
    first.close(); // the app died: nothing else written

    const second = new SqliteJobStore(JobRepository.open(path));
    const r2 = new JobRunner({ store: second, execute: hanging, emit: () => undefined });
    expect(r2.interrupted).toBe(2);
    for (const id of [running.id, queued.id]) {
      const j = r2.get(id);
      expect(j?.state).toBe('failed');
      expect(j?.error).toEqual(INTERRUPTED);
      expect(j?.error?.message).toContain('interrupted: the workbench closed');
    }
    expect(r2.list().map((j) => j.id)).toEqual(expect.arrayContaining([running.id, queued.id]));
    r2.close();
    second.close();
  });
});
