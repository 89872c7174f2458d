/**
 * The what-if model of a workspace, held off the Api's thread: `fit()` starts the what-if worker
 * (what-if-worker.ts), which fits the model once (minutes for the hybrid) reporting progress, then
 * keeps it and answers `ask()` (a re-score, no refit). Until the model is ready, `ask()` refuses
 * with a precondition error naming the state ("fit it first" / "still fitting, 40%"); it never
 * fits. The Api keeps one engine per workspace data and disposes of it when the data change.
 */
import type { ApiError, MessagePart, WhatIfModelInfo, WhatIfModelState, WhatIfModelStatus } from '../api/contract';
import { KnowrecError } from '../core/errors';
import { fromApiError } from '../api/result';
import { launchWorker, workerEntry, type LaunchedWorker, type WorkerEnd } from '../core/worker-launcher';
import type { WhatIfAnswer, WhatIfQuestion } from './what-if-model';
import { part, partsText } from './job-message';

/** Which model to fit, on which workspace. */
export interface WhatIfEngineSpec {
  /** Absolute path of the workspace file (the worker opens its own connection). */
  readonly workspace: string;
  readonly model: string;
  readonly seed: number;
  readonly tune: boolean;
}

export interface WhatIfWorkerData {
  readonly spec: WhatIfEngineSpec;
}

export type ToWhatIfWorker = { readonly type: 'ask'; readonly id: number; readonly question: WhatIfQuestion };

export type FromWhatIfWorker =
  | { readonly type: 'progress'; readonly fraction: number | null; readonly parts: readonly MessagePart[] }
  | { readonly type: 'ready'; readonly model: WhatIfModelInfo }
  | { readonly type: 'failed'; readonly error: ApiError }
  | { readonly type: 'answer'; readonly id: number; readonly answer: WhatIfAnswer }
  | { readonly type: 'error'; readonly id: number; readonly error: ApiError };

export type WhatIfEngineStatus = WhatIfModelStatus;

const NOT_FITTED: readonly MessagePart[] = [part('notFitted', 'not fitted')];

const HOW_TO_FIT = 'fit it first: call whatIfModel with {"fit": true} (the "Ask what if" button does), which fits it off the main thread; whatIf answers once whatIfModel says "ready"';

export class WhatIfEngine {
  private state: WhatIfModelState = 'none';
  private worker: LaunchedWorker<ToWhatIfWorker> | null = null;
  private fraction: number | null = null;
  private parts: readonly MessagePart[] = NOT_FITTED;
  private started = 0;
  private fits = 0;
  private info: WhatIfModelInfo | null = null;
  private error: ApiError | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (a: WhatIfAnswer) => void; reject: (e: Error) => void }>();

  constructor(
    readonly spec: WhatIfEngineSpec,
    private readonly script: string = workerEntry(__dirname, 'what-if-worker'),
  ) {}

  status(): WhatIfEngineStatus {
    const seconds = this.state === 'fitting' ? Math.round((Date.now() - this.started) / 100) / 10 : this.state === 'ready' ? (this.info?.fitSeconds ?? null) : null;
    return {
      state: this.state,
      model: this.spec.model,
      seed: this.spec.seed,
      tuned: this.spec.tune,
      fraction: this.state === 'fitting' ? this.fraction : null,
      message: partsText(this.parts),
      parts: this.parts,
      seconds,
      fits: this.fits,
      info: this.info,
      error: this.error,
    };
  }

  /** Starts the fit in the worker unless one is running or done; returns the status. */
  fit(): WhatIfEngineStatus {
    if (this.state === 'fitting' || this.state === 'ready') return this.status();
    this.state = 'fitting';
    this.fraction = 0;
    this.parts = [part('startingWhatIf', 'starting the what-if worker')];
    this.error = null;
    this.started = Date.now();
    this.fits++;
    const data: WhatIfWorkerData = { spec: this.spec };
    this.worker = launchWorker<ToWhatIfWorker, FromWhatIfWorker>(this.script, data, {
      onMessage: (m) => this.onMessage(m),
      onEnd: (end) => this.onEnd(end),
    });
    return this.status();
  }

  /** Answers a question with the fitted model; refuses (never fits) until it is ready. */
  ask(question: WhatIfQuestion): Promise<WhatIfAnswer> {
    const w = this.worker;
    if (this.state !== 'ready' || w === null) return Promise.reject(this.notReady());
    const id = this.nextId++;
    return new Promise<WhatIfAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.post({ type: 'ask', id, question });
    });
  }

  /** Stops the worker (the model is lost; a later fit() starts again). */
  dispose(): void {
    const w = this.worker;
    this.worker = null;
    if (w !== null) void w.close();
    this.failPending(new KnowrecError('cancelled', 'the what-if model was dropped (the workspace data changed or the workbench closed)', {}, 'ask again'));
    if (this.state !== 'failed') this.state = 'none';
    this.parts = NOT_FITTED;
    this.info = null;
  }

  private notReady(): KnowrecError {
    const s = this.status();
    if (s.state === 'fitting') {
      const pct = s.fraction !== null ? `${Math.round(s.fraction * 100)}%, ` : '';
      return new KnowrecError('not-found', `the what-if model (${s.model}) is still being fitted (${pct}${s.seconds ?? 0} s so far: ${s.message})`, {}, 'ask again when whatIfModel says "ready"');
    }
    if (s.state === 'failed') return new KnowrecError('not-found', `fitting the what-if model (${s.model}) failed: ${s.error?.message ?? 'unknown error'}`, {}, HOW_TO_FIT);
    return new KnowrecError('not-found', `no what-if model (${s.model}) is fitted for this workspace`, {}, HOW_TO_FIT);
  }

  private onMessage(m: FromWhatIfWorker): void {
    if (m.type === 'progress') {
      if (m.fraction !== null) this.fraction = m.fraction;
      this.parts = m.parts;
    } else if (m.type === 'ready') {
      this.state = 'ready';
      this.info = m.model;
      this.parts = [part('fittedIn', `fitted in ${m.model.fitSeconds} s`, { s: m.model.fitSeconds })];
    } else if (m.type === 'failed') {
      this.fail(m.error);
    } else {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (p === undefined) return;
      if (m.type === 'answer') p.resolve(m.answer);
      else p.reject(fromApiError(m.error));
    }
  }

  private onEnd(end: WorkerEnd): void {
    const message = end.kind === 'error' ? `the what-if worker failed: ${end.error.message}` : `the what-if worker stopped (exit code ${end.code})`;
    this.fail({ code: 'internal', message, hint: 'this is a bug; please report it' });
  }

  private fail(error: ApiError): void {
    const w = this.worker;
    this.worker = null;
    if (w !== null) void w.close();
    this.state = 'failed';
    this.error = error;
    this.parts = [part('', error.message)];
    this.info = null;
    this.failPending(fromApiError(error));
  }

  private failPending(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
