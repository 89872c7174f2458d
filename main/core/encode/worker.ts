/**
 * Encoding off the main thread: a worker thread (encode-worker.ts) holds the ONNX session; the
 * main thread gets progress events (done/total) and can cancel a running encode.
 */
import { KnowrecError, cancelled } from '../errors';
import { launchWorker, reviveError, workerEntry, type LaunchedWorker, type WorkerEnd } from '../worker-launcher';
import { consoleLogger, type EncodeLogger, type EncodeOptions, type Encoder } from './types';
import type { FromWorker, ToWorker, WorkerEncoderConfig } from './worker-protocol';

export type { WorkerEncoderConfig } from './worker-protocol';

export interface WorkerEncoderOptions extends WorkerEncoderConfig {
  readonly logger?: EncodeLogger;
  /** The worker's entry file; default encode-worker.ts (from source) or encode-worker.js (built). */
  readonly workerScript?: string;
}

interface Pending {
  readonly resolve: (v: Float32Array[]) => void;
  readonly reject: (e: unknown) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

type Ready = Extract<FromWorker, { type: 'ready' }>;

function log(logger: EncodeLogger, msg: Extract<FromWorker, { type: 'log' }>): void {
  if (msg.level === 'warn') logger.warn(msg.message);
  else logger.info(msg.message);
}

/** Why the worker could not start: it failed to load, or exited before it was ready. */
function startFailure(end: WorkerEnd, file: string): KnowrecError {
  if (end.kind === 'error') {
    return new KnowrecError('internal', `The encoder worker failed to start: ${end.error.message}`, { file }, 'check that tsx is installed (npm install)');
  }
  return new KnowrecError('internal', `The encoder worker exited during start-up (code ${end.code})`, { file });
}

export class WorkerEncoder implements Encoder {
  readonly modelId: string;
  readonly cacheKey: string;
  readonly dim: number;
  readonly provider: string;
  readonly asymmetric: boolean;
  readonly languages?: 'en' | 'multilingual';
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly worker: LaunchedWorker<ToWorker>,
    ready: Ready,
    private readonly logger: EncodeLogger,
  ) {
    this.modelId = ready.modelId;
    this.cacheKey = ready.cacheKey;
    this.dim = ready.dim;
    this.provider = ready.provider;
    this.asymmetric = ready.asymmetric === true;
    this.languages = ready.languages;
  }

  /** Starts the worker and waits until its model is loaded. */
  static start(options: WorkerEncoderOptions = {}): Promise<WorkerEncoder> {
    const { logger = consoleLogger, workerScript, ...config } = options;
    const file = workerScript ?? workerEntry(__dirname, 'encode-worker');
    return new Promise<WorkerEncoder>((resolve, reject) => {
      let encoder: WorkerEncoder | null = null;
      const worker = launchWorker<ToWorker, FromWorker>(file, { config }, {
        onMessage: (msg) => {
          if (encoder !== null) encoder.onMessage(msg);
          else if (msg.type === 'log') log(logger, msg);
          else if (msg.type === 'ready') {
            encoder = new WorkerEncoder(worker, msg, logger);
            resolve(encoder);
          } else if (msg.type === 'init-error') {
            void worker.close();
            reject(reviveError(msg.error));
          }
        },
        onEnd: (end) => {
          if (encoder !== null) encoder.onEnd(end);
          else reject(startFailure(end, file));
        },
      });
    });
  }

  encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(new KnowrecError('internal', 'The encoder worker is closed', {}, 'create a new WorkerEncoder'));
    if (options.signal?.aborted === true) return Promise.reject(cancelled());
    const id = this.nextId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = (): void => this.worker.post({ type: 'cancel', id });
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
      this.worker.post({ type: 'encode', id, texts: [...texts], role: options.role });
    });
  }

  /** Stops the worker; pending encodes reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.close();
    this.failAll(new KnowrecError('internal', 'The encoder worker was closed', {}, 'create a new WorkerEncoder'));
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'log':
        log(this.logger, msg);
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
        p?.reject(reviveError(msg.error));
        return;
      }
      default:
        return;
    }
  }

  private onEnd(end: WorkerEnd): void {
    this.closed = true;
    this.failAll(
      end.kind === 'error' ? end.error : new KnowrecError('internal', `The encoder worker exited (code ${end.code})`, {}, 'create a new WorkerEncoder'),
    );
  }

  private failAll(e: unknown): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
