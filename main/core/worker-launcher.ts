/**
 * The one way the app starts a worker thread. An entry is `<name>.ts` in its caller's folder when
 * run from source (tsx, vitest: loaded through tsx's require hook) and `<name>.js` in out/main/ in
 * the electron-vite build, where every entry and shared chunk lies in one folder (each entry is
 * listed in electron.vite.config.ts; test/integration/build-electron.test.ts loads each one).
 * The launcher reports the worker's messages in order and its end (an uncaught error or an exit)
 * once; after close() it reports nothing.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { KnowrecError, type ErrorCode } from './errors';

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
  /** Stops the thread; nothing is reported after this. */
  close(): Promise<void>;
  /** Stops the thread; onEnd reports the exit (unless the worker had already ended or was closed). */
  terminate(): void;
}

/** Starts the worker at `file` (see workerEntry) with `workerData`, wired to `callbacks`. */
export function launchWorker<To, From>(file: string, workerData: unknown, callbacks: WorkerCallbacks<From>): LaunchedWorker<To> {
  const worker = new Worker(file, { execArgv: execArgvFor(file), workerData });
  let open = true;
  const end = (e: WorkerEnd): void => {
    if (!open) return;
    open = false;
    callbacks.onEnd(e);
  };
  worker.on('message', (msg: From) => {
    if (open) callbacks.onMessage(msg);
  });
  worker.on('error', (error) => end({ kind: 'error', error }));
  worker.on('exit', (code) => end({ kind: 'exit', code }));
  return {
    file,
    post: (msg, transfer) => worker.postMessage(msg, transfer),
    close: async () => {
      open = false;
      await worker.terminate();
    },
    terminate: () => {
      void worker.terminate();
    },
  };
}

// Both sides: the entry's port, errors as plain data -----------------------------------------

/** The port to the thread that started this entry; throws when the entry runs on a main thread. */
export function workerPort(entry: string): MessagePort {
  if (parentPort === null) throw new Error(`${entry} must run inside a worker thread`);
  return parentPort;
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
