/**
 * The one entry point for Electron's IPC handlers and the bridge: validates the input of a
 * method against its schema (schemas.ts), calls it, and never throws.
 */
import { z } from 'zod';
import { API_METHODS, isApiMethod, type Api, type ApiMethod, type Result } from './contract';
import { fail, toApiError } from './result';
import { apiSchemas } from './schemas';

export type DispatchStatus = 'done' | 'unknown-method' | 'invalid-input';

export interface Dispatched {
  /** 'done' when the method ran (its Result may still be an error). */
  readonly status: DispatchStatus;
  readonly result: Result<unknown>;
}

/**
 * Validates `input` for `method` and calls it on `api`. Never throws: unknown methods, bad input
 * and exceptions inside the method all come back as error Results.
 */
export async function dispatchApi(api: Api, method: string, input: unknown): Promise<Dispatched> {
  if (!isApiMethod(method)) {
    return {
      status: 'unknown-method',
      result: fail('not-found', `Unknown Api method "${method}"`, `known methods: ${API_METHODS.join(', ')}`),
    };
  }
  // apiSchemas is typed over the contract, so each schema's output is the input of the method of
  // the same name; the casts only erase the per-method pairing.
  const schema = apiSchemas[method].input as z.ZodType;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return { status: 'invalid-input', result: fail('config', `Invalid input for ${method}: ${z.prettifyError(parsed.error)}`, inputHint(method)) };
  }
  const call = api[method] as (this: Api, arg?: unknown) => Promise<Result<unknown>>;
  try {
    return { status: 'done', result: await (parsed.data === undefined ? call.call(api) : call.call(api, parsed.data)) };
  } catch (e) {
    return { status: 'done', result: { ok: false, error: toApiError(e) } };
  }
}

/** The method's example, shown with invalid input. */
export function inputHint(method: ApiMethod): string {
  const example: string | null = apiSchemas[method].example;
  return example ?? `${method} takes no input; send nothing or {}`;
}
