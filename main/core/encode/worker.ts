/**
 * Encoding off the main thread: a worker_threads Worker holds the ONNX session; the main
 * thread gets progress events (done/total) and can cancel a running encode.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KnowrecError, cancelled } from '../errors';
import { consoleLogger, type EncodeLogger, type EncodeOptions, type Encoder } from './types';
import type { FromWorker, SerializedError, ToWorker, WorkerEncoderConfig } from './worker-protocol';

export type { WorkerEncoderConfig } from './worker-protocol';

export interface WorkerEncoderOptions extends WorkerEncoderConfig {
  readonly logger?: EncodeLogger;
  /** The worker's entry file; default worker-entry.ts (under tsx) or worker-entry.js (built) beside this module. */
  readonly workerScript?: string;
}

interface Pending {
  readonly resolve: (v: Float32Array[]) => void;
  readonly reject: (e: unknown) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Where the worker entry lives and the Node flags it needs (tsx for a .ts entry). */
export function workerLaunch(script?: string): { file: string; execArgv: string[] } {
  const file =
    script ??
    (existsSync(join(__dirname, 'worker-entry.ts')) ? join(__dirname, 'worker-entry.ts') : join(__dirname, 'worker-entry.js'));
  if (!file.endsWith('.ts')) return { file, execArgv: [] };
  // tsx's require hook: on Node 20 a worker ignores `--import tsx` loader hooks, while
  // `--require tsx/cjs` works (this package is CommonJS, so the entry loads through require).
  const tsxCjs = createRequire(__filename).resolve('tsx/cjs');
  return { file, execArgv: ['--require', tsxCjs] };
}

function revive(e: SerializedError): KnowrecError {
  const err = new KnowrecError(e.code, 'worker error');
  err.message = e.message; // already formatted by the worker's KnowrecError
  return err;
}

export class WorkerEncoder implements Encoder {
  readonly modelId: string;
  readonly dim: number;
  readonly provider: string;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(worker: Worker, ready: { modelId: string; dim: number; provider: string }, logger: EncodeLogger) {
    this.worker = worker;
    this.modelId = ready.modelId;
    this.dim = ready.dim;
    this.provider = ready.provider;
    worker.on('message', (msg: FromWorker) => this.onMessage(msg, logger));
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => {
      this.closed = true;
      this.failAll(new KnowrecError('internal', `The encoder worker exited (code ${code})`, {}, 'create a new WorkerEncoder'));
    });
  }

  /** Starts the worker and waits until its model is loaded. */
  static start(options: WorkerEncoderOptions = {}): Promise<WorkerEncoder> {
    const { logger = consoleLogger, workerScript, ...config } = options;
    const { file, execArgv } = workerLaunch(workerScript);
    const worker = new Worker(file, { execArgv, workerData: { config } });
    return new Promise<WorkerEncoder>((resolve, reject) => {
      const onMessage = (msg: FromWorker): void => {
        if (msg.type === 'log') {
          if (msg.level === 'warn') logger.warn(msg.message);
          else logger.info(msg.message);
        } else if (msg.type === 'ready') {
          cleanup();
          resolve(new WorkerEncoder(worker, msg, logger));
        } else if (msg.type === 'init-error') {
          cleanup();
          void worker.terminate();
          reject(revive(msg.error));
        }
      };
      const onError = (e: Error): void => {
        cleanup();
        reject(new KnowrecError('internal', `The encoder worker failed to start: ${e.message}`, { file }, 'check that tsx is installed (npm install)'));
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new KnowrecError('internal', `The encoder worker exited during start-up (code ${code})`, { file }));
      };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(new KnowrecError('internal', 'The encoder worker is closed', {}, 'create a new WorkerEncoder'));
    if (options.signal?.aborted === true) return Promise.reject(cancelled());
    const id = this.nextId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = (): void => this.post({ type: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        onProgress: options.onProgress,
      });
      this.post({ type: 'encode', id, texts: [...texts] });
    });
  }

  /** Stops the worker; pending encodes reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }

  private post(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private onMessage(msg: FromWorker, logger: EncodeLogger): void {
    switch (msg.type) {
      case 'log':
        if (msg.level === 'warn') logger.warn(msg.message);
        else logger.info(msg.message);
        return;
      case 'progress':
        this.pending.get(msg.id)?.onProgress?.(msg.done, msg.total);
        return;
      case 'result': {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg.vectors);
        return;
      }
      case 'error': {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.reject(revive(msg.error));
        return;
      }
      default:
        return;
    }
  }

  private failAll(e: unknown): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
