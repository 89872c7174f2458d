/**
 * How the runner starts a job: in a worker thread (the app: the Electron main process and the
 * bridge stay responsive) or in-process (unit tests). Both satisfy JobExecutor.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KnowrecError } from '../core/errors';
import { workerLaunch } from '../core/encode/worker';
import type { FromJobWorker, JobResult, JobWorkerData, TaskRunner, ToJobWorker } from './job-worker-spec';
import type { JobExecution, JobExecutor } from './runner';
import { runTask } from './job-worker-tasks';

/** The worker's entry: job-worker.ts beside this module under tsx, job-worker.js in the build. */
export function jobWorkerScript(): string {
  const ts = join(__dirname, 'job-worker.ts');
  return existsSync(ts) ? ts : join(__dirname, 'job-worker.js');
}

/** Runs each job in its own worker thread. */
export function workerExecutor(script: string = jobWorkerScript()): JobExecutor {
  return (spec, reporter): JobExecution => {
    const { file, execArgv } = workerLaunch(script);
    const data: JobWorkerData = { spec };
    const worker = new Worker(file, { execArgv, workerData: data });
    let settled = false;
    const done = new Promise<JobResult>((resolve, reject) => {
      worker.on('message', (m: FromJobWorker) => {
        if (settled) return;
        if (m.type === 'progress') reporter.progress(m.fraction, m.message);
        else if (m.type === 'curve') reporter.curve(m.point);
        else {
          settled = true;
          if (m.type === 'done') resolve(m.result);
          else {
            const e = new KnowrecError(m.error.code === 'unauthorized' ? 'internal' : m.error.code, 'job failed', {}, m.error.hint);
            e.message = m.error.hint !== undefined ? `${m.error.message} (${m.error.hint})` : m.error.message;
            reject(e);
          }
          void worker.terminate();
        }
      });
      worker.on('error', (e) => {
        if (settled) return;
        settled = true;
        reject(new KnowrecError('internal', `the job worker failed: ${e.message}`, { file }, 'this is a bug; please report it'));
      });
      worker.on('exit', (code) => {
        if (settled) return;
        settled = true;
        reject(new KnowrecError('cancelled', `the job worker stopped (exit code ${code})`));
      });
    });
    return {
      done,
      cancel: () => {
        const m: ToJobWorker = { type: 'cancel' };
        if (!settled) worker.postMessage(m);
      },
      terminate: () => {
        void worker.terminate();
      },
    };
  };
}

/** Runs jobs on the calling thread (tests): cancel aborts the signal; terminate cannot stop it. */
export function inProcessExecutor(task: TaskRunner = runTask): JobExecutor {
  return (spec, reporter): JobExecution => {
    const controller = new AbortController();
    const done = Promise.resolve().then(() => task(spec, { ...reporter, progress: reporter.progress, curve: reporter.curve, signal: controller.signal }));
    return {
      done,
      cancel: () => controller.abort(),
      terminate: () => undefined,
    };
  };
}
