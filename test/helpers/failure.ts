import { expect } from 'vitest';
import { KnowrecError } from '../../main/core/errors';

/** Runs `f`, expects it to throw a KnowrecError, and returns that error for further checks. */
export function failure(f: () => unknown): KnowrecError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KnowrecError);
    return e as KnowrecError;
  }
  throw new Error('expected an error');
}
