/**
 * The one way the app starts a worker thread. An entry is `<name>.ts` in its caller's folder when
 * run from source (tsx, vitest: loaded through tsx's require hook) and `<name>.js` in out/main/ in
 * the electron-vite build, where every entry and shared chunk lies in one folder (each entry is
 * listed in electron.vite.config.ts; test/integration/build-electron.test.ts loads each one).
 * The launcher reports the worker's messages in order and its end (an uncaught error or an exit)
 * once; after close() it reports nothing.
 *
 * A worker is never killed from outside (Worker.terminate()): a thread stopped while it is inside
 * onnxruntime's native code aborts the whole process ("terminate called after throwing an
 * instance of 'Napi::Error'", microsoft/onnxruntime#20084 and alike). Stopping is cooperative
 * instead: the launcher posts a stop message, the entry's onStop handler aborts its work, the
 * entry closes its port, and the thread exits by itself once its current native call returned
 * and its event loop is empty. A worker stopped from the main thread no longer keeps the process
 * alive (unref), and workersExited() waits for the ones still finishing (tests and shutdown call
 * it); one started by another worker keeps that worker alive until it ended. A worker that serves
 * its owner until the owner ends (the native products worker) is unref'd from the start instead
 * (LaunchedWorker.unref): it keeps nothing alive and is not waited for.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { KnowrecError, type ErrorCode } from './errors';
import { ortTelemetryOff } from './ort-telemetry';

/** The entry file named `name`: `<dir>/<name>.ts` when it exists (source), else `<dir>/<name>.js` (build). */
export function workerEntry(dir: string, name: string): string {
  const ts = join(dir, `${name}.ts`);
  return existsSync(ts) ? ts : join(dir, `${name}.js`);
}

/**
 * Node flags for an entry file: tsx's require hook for a .ts entry (on Node 20 a worker ignores
 * `--import tsx` loader hooks, while `--require tsx/cjs` works: this package is CommonJS).
 */
function execArgvFor(file: string): string[] {
  return file.endsWith('.ts') ? ['--require', createRequire(__filename).resolve('tsx/cjs')] : [];
}

/** How a worker ended: an uncaught error (also an entry that fails to load), or an exit (also after terminate()). */
export type WorkerEnd = { readonly kind: 'error'; readonly error: Error } | { readonly kind: 'exit'; readonly code: number };

export interface WorkerCallbacks<From> {
  /** Each message the worker posts, in order, until it ends or is closed. */
  readonly onMessage: (msg: From) => void;
  /** Called once when the worker ends, unless close() came first. */
  readonly onEnd: (end: WorkerEnd) => void;
}

export interface LaunchedWorker<To> {
  /** The entry file that runs. */
  readonly file: string;
  post(msg: To, transfer?: readonly TransferListItem[]): void;
  /**
   * Asks the thread to stop; nothing is reported after this. Resolves when it exited, or after
   * `waitMs` (default 10 s) while it still finishes its current step on its own.
   */
  close(waitMs?: number): Promise<void>;
  /**
   * Asks the thread to stop; onEnd reports its exit (unless it had already ended or was closed).
   * Resolves when it exited, or after `waitMs` (default 60 s).
   */
  terminate(waitMs?: number): Promise<void>;
  /**
   * Lets the process (or the thread that started it) end while this worker waits for messages,
   * and workersExited() no longer waits for it (for a worker that serves until its owner ends).
   */
  unref(): void;
}

/** The message the launcher posts to ask an entry to stop (see onStop). */
const STOP = '__knowrec_stop__';

/** True for the launcher's stop message: an entry's own message handler skips it. */
export function isStop(msg: unknown): boolean {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === STOP;
}

/** The exits of the workers still running. */
const running = new Set<Promise<void>>();

/** Resolves when every worker started so far has exited, or after `timeoutMs`; true when all had. */
export async function workersExited(timeoutMs = 30_000): Promise<boolean> {
  return within(Promise.all([...running]).then(() => true), timeoutMs, false);
}

/**
 * `p`, or `late` after `ms`. The timer is ref'd and cleared once `p` settled: stopped workers are
 * unref'd, so the wait itself must keep the loop alive (with an unref'd timer, a process awaiting
 * only this ended with code 0 before, e.g., evaluate wrote its results).
 */
async function within<T>(p: Promise<T>, ms: number, late: T): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([p, delay(ms, late, { signal: timer.signal }).catch(() => late)]);
  } finally {
    timer.abort();
  }
}

/** Starts the worker at `file` (see workerEntry) with `workerData`, wired to `callbacks`. */
export function launchWorker<To, From>(file: string, workerData: unknown, callbacks: WorkerCallbacks<From>): LaunchedWorker<To> {
  // the environment onnxruntime reads in the worker is this thread's (a worker's own process.env is a copy)
  ortTelemetryOff();
  const worker = new Worker(file, { execArgv: execArgvFor(file), workerData });
  let open = true;
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  running.add(exited);
  void exited.then(() => running.delete(exited));
  const end = (e: WorkerEnd): void => {
    if (!open) return;
    open = false;
    callbacks.onEnd(e);
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      worker.postMessage({ type: STOP });
    } catch {
      // the thread has already ended
    }
    // The process need not wait for it; a worker's own thread does (its children must end first).
    if (isMainThread) worker.unref();
  };
  worker.on('message', (msg: From) => {
    if (open) callbacks.onMessage(msg);
  });
  worker.on('error', (error) => end({ kind: 'error', error }));
  worker.on('exit', (code) => end({ kind: 'exit', code }));
  return {
    file,
    post: (msg, transfer) => worker.postMessage(msg, transfer),
    close: async (waitMs = 10_000) => {
      open = false;
      stop();
      await within(exited, waitMs, undefined);
    },
    terminate: async (waitMs = 60_000) => {
      stop();
      await within(exited, waitMs, undefined);
    },
    unref: () => {
      worker.unref();
      running.delete(exited);
    },
  };
}

// Both sides: the entry's port, errors as plain data -----------------------------------------

/** The port to the thread that started this entry; throws when the entry runs on a main thread. */
export function workerPort(entry: string): MessagePort {
  if (parentPort === null) throw new Error(`${entry} must run inside a worker thread`);
  return parentPort;
}

/**
 * Entry side of a stop: on the launcher's stop message, runs `abort` (which makes the entry's
 * work end at its next check) and closes the port, so the thread exits once its work returned.
 */
export function onStop(port: MessagePort, abort: () => void): void {
  port.on('message', (msg: unknown) => {
    if (!isStop(msg)) return;
    abort();
    port.close();
  });
}

/** A KnowrecError as plain data (its message already formatted), to post across threads. */
export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof KnowrecError) return { code: e.code, message: e.message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** The KnowrecError a worker serialized, with the message as the worker formatted it. */
export function reviveError(e: SerializedError): KnowrecError {
  const err = new KnowrecError(e.code, 'worker error');
  err.message = e.message;
  return err;
}
