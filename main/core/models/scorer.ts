/**
 * What the scorers share: checks on the fit context and on score requests, the not-fitted
 * error, gathering a subset of a full score vector, and yielding between epochs.
 */
import { KnowrecError } from '../errors';
import type { FitContext } from '../types';

/** Throws unless the context's matrix agrees with its declared sizes. */
export function checkContext(ctx: FitContext, model: string): void {
  const m = ctx.trainCsr;
  if (!Number.isInteger(ctx.nUsers) || ctx.nUsers < 0 || !Number.isInteger(ctx.nItems) || ctx.nItems < 0) {
    throw new KnowrecError('validation', `${model}: nUsers=${ctx.nUsers}, nItems=${ctx.nItems} must be non-negative integers`);
  }
  if (m.nRows !== ctx.nUsers || m.nCols !== ctx.nItems) {
    throw new KnowrecError(
      'validation',
      `${model}: trainCsr is ${m.nRows}×${m.nCols}, expected ${ctx.nUsers}×${ctx.nItems}`,
      {},
      'build it with toCsr(train, nUsers, nItems)',
    );
  }
}

/** Throws unless `user` is a valid row of a fitted model. */
export function checkUser(model: string, user: number, nUsers: number): void {
  if (!Number.isInteger(user) || user < 0 || user >= nUsers) {
    throw new KnowrecError('validation', `${model}: user ${user} is outside 0..${nUsers - 1}`, {}, 'pass a dense user index from the fitted dataset');
  }
}

export function notFitted(model: string): KnowrecError {
  return new KnowrecError('internal', `${model}: score() was called before fit()`, {}, 'call and await fit(ctx) first');
}

/** `full[items[j]]` for each j, or `full` itself when `items` is undefined. */
export function gather(model: string, full: Float32Array, items: Int32Array | undefined): Float32Array {
  if (items === undefined) return full;
  const n = full.length;
  const out = new Float32Array(items.length);
  for (let j = 0; j < items.length; j++) {
    const it = items[j];
    if (it < 0 || it >= n) {
      throw new KnowrecError('validation', `${model}: item ${it} is outside 0..${n - 1}`, {}, 'pass dense item indices');
    }
    out[j] = full[it];
  }
  return out;
}

/** Lets pending events (such as an abort) run; used between epochs of long fits. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A scorer's full scores kept for the last user asked (fold-in re-scores add to them and never write to them). */
export class LastUserScores {
  private user = -1;
  private scores: Float32Array | null = null;

  get(user: number, compute: (user: number) => Float32Array): Float32Array {
    if (this.scores === null || this.user !== user) {
      this.scores = compute(user);
      this.user = user;
    }
    return this.scores;
  }

  /** score()'s answer from the kept scores (computed when another user's are kept): the caller's own copy, or the listed items. */
  answer(name: string, user: number, items: Int32Array | undefined, compute: (user: number) => Float32Array): Float32Array {
    const full = this.get(user, compute);
    return items === undefined ? full.slice() : gather(name, full, items);
  }

  clear(): void {
    this.scores = null;
  }
}
