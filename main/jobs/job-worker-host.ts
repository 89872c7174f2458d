/**
 * How the runner starts a job: in a worker thread (the app: the Electron main process and the
 * bridge stay responsive) or in-process (unit tests). Both satisfy JobExecutor.
 */
import { fromApiError } from '../api/result';
import { KnowrecError } from '../core/errors';
import { launchWorker, workerEntry, type WorkerEnd } from '../core/worker-launcher';
import type { FromJobWorker, JobResult, JobWorkerData, TaskRunner, ToJobWorker } from './job-worker-spec';
import type { JobExecution, JobExecutor } from './runner';
import { runTask } from './job-worker-tasks';

/** A worker that ended without an outcome: it crashed, or it was terminated (a cancelled job). */
function endError(end: WorkerEnd, file: string): KnowrecError {
  if (end.kind === 'error') return new KnowrecError('internal', `the job worker failed: ${end.error.message}`, { file }, 'this is a bug; please report it');
  return new KnowrecError('cancelled', `the job worker stopped (exit code ${end.code})`);
}

/** Runs each job in its own worker thread (entry: job-worker.ts from source, job-worker.js built). */
export function workerExecutor(script: string = workerEntry(__dirname, 'job-worker')): JobExecutor {
  return (spec, reporter): JobExecution => {
    let settled = false;
    let resolveDone: (r: JobResult) => void = () => undefined;
    let rejectDone: (e: KnowrecError) => void = () => undefined;
    const done = new Promise<JobResult>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    const data: JobWorkerData = { spec };
    const worker = launchWorker<ToJobWorker, FromJobWorker>(script, data, {
      onMessage: (m) => {
        if (m.type === 'progress') reporter.progress(m.fraction, m.message, m.parts);
        else if (m.type === 'curve') reporter.curve(m.point);
        else {
          settled = true;
          void worker.close();
          if (m.type === 'done') resolveDone(m.result);
          else rejectDone(fromApiError(m.error));
        }
      },
      onEnd: (end) => {
        settled = true;
        rejectDone(endError(end, script));
      },
    });
    return {
      done,
      cancel: () => {
        if (!settled) worker.post({ type: 'cancel' });
      },
      terminate: () => worker.terminate(),
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
