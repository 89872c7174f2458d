/**
 * Building Results in the main process: `ok`, `fail`, and `toApiError`, which turns anything
 * thrown into an ApiError (a KnowrecError keeps its code, location and hint).
 */
import { KnowrecError } from '../core/errors';
import type { ApiError, ApiErrorCode, Result } from './contract';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ApiErrorCode, message: string, hint?: string): { readonly ok: false; readonly error: ApiError } {
  return { ok: false, error: hint === undefined ? { code, message } : { code, message, hint } };
}

/** Turns anything thrown into an ApiError; a KnowrecError keeps its code, location and hint. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof KnowrecError) {
    const suffix = e.hint !== undefined ? ` (${e.hint})` : '';
    const message = suffix !== '' && e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message;
    return e.hint === undefined ? { code: e.code, message } : { code: e.code, message, hint: e.hint };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `Unexpected error: ${message}`, hint: 'this is a bug; please report it with the steps that led here' };
}

/**
 * The KnowrecError an ApiError was made from (the inverse of toApiError): its code and hint, and
 * the message as a KnowrecError formats it (with the hint). A worker's error crosses back this way.
 */
export function fromApiError(error: ApiError): KnowrecError {
  const e = new KnowrecError(error.code === 'unauthorized' ? 'internal' : error.code, 'error', {}, error.hint);
  e.message = error.hint !== undefined ? `${error.message} (${error.hint})` : error.message;
  return e;
}

/** Runs `work`, answering its value as ok and anything it throws as an error Result. */
export async function guard<T>(work: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (e) {
    return { ok: false, error: toApiError(e) };
  }
}
