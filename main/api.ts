/**
 * The typed Api: every operation the UI may call. One interface, three exposures:
 * Electron IPC (preload → window.api), the browser bridge (HTTP on 127.0.0.1) and direct calls
 * in tests. Inputs are validated here, at the boundary (zod); errors travel as typed values.
 *
 * Preload and renderer import only TYPES from this file (`import type`), so zod never lands in
 * their bundles. Values (schemas, dispatch) are for the main process and the bridge.
 */
import type { WorkspaceSummary as StoreSummary } from './core/store/workspace';
import { z } from 'zod';
import { KnowrecError, type ErrorCode } from './core/errors';

// ---------------------------------------------------------------------------------------------
// Results

/** Error kinds of the core plus 'unauthorized' (bridge call without a valid token). */
export type ApiErrorCode = ErrorCode | 'unauthorized';

export interface ApiError {
  readonly code: ApiErrorCode;
  /** What went wrong, naming the file (and line, column) when there is one. */
  readonly message: string;
  /** What the person can do about it. */
  readonly hint?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

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

// ---------------------------------------------------------------------------------------------
// Responses

/** Api revision; bumped when a method changes shape. */
export const API_VERSION = 1;

export interface WorkspaceSummary extends StoreSummary {
  /** Absolute path of the open workspace file. */
  readonly path: string;
}

export interface ItemRow {
  readonly id: string;
  readonly title: string;
}

export interface UserRow {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string | number | string[]>>;
}

/** One page of a list; `total` counts every match (after `query`), not just this page. */
export interface Page<T> {
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
  readonly rows: readonly T[];
}

export interface VersionInfo {
  readonly app: string;
  readonly api: number;
  readonly node: string;
  /** Electron's version, null when the Api runs under plain Node (browser bridge, CLI). */
  readonly electron: string | null;
  readonly platform: string;
}

// ---------------------------------------------------------------------------------------------
// Requests (schemas are the source of truth; the types are inferred from them)

/** Largest page a list call may ask for. */
export const MAX_PAGE = 500;

const pageFields = {
  offset: z.number({ error: 'offset must be a number' }).int('offset must be a whole number').min(0, 'offset must be 0 or more'),
  limit: z
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(MAX_PAGE, `limit must be at most ${MAX_PAGE}`),
};

/** Methods without input accept nothing, null or an empty object. */
export const NoInputSchema = z.union([z.undefined(), z.null(), z.strictObject({})]).transform((): undefined => undefined);

export const OpenWorkspaceRequestSchema = z.strictObject({
  path: z.string({ error: 'path must be a string' }).trim().min(1, 'path must not be empty').max(4096, 'path is too long'),
});

export const ListItemsRequestSchema = z.strictObject({
  ...pageFields,
  query: z.string({ error: 'query must be a string' }).max(200, 'query must be at most 200 characters').optional(),
});

export const ListUsersRequestSchema = z.strictObject(pageFields);

export type OpenWorkspaceRequest = z.output<typeof OpenWorkspaceRequestSchema>;
export type ListItemsRequest = z.output<typeof ListItemsRequestSchema>;
export type ListUsersRequest = z.output<typeof ListUsersRequestSchema>;

// ---------------------------------------------------------------------------------------------
// The Api

export interface Api {
  version(): Promise<Result<VersionInfo>>;
  /** Counts of the open workspace (opening the startup workspace on first call). */
  workspaceSummary(): Promise<Result<WorkspaceSummary>>;
  /** Opens another workspace file; the previous one stays open if this fails. */
  openWorkspace(request: OpenWorkspaceRequest): Promise<Result<WorkspaceSummary>>;
  /** Items in catalog order; `query` keeps those whose id or title contains it (any case). */
  listItems(request: ListItemsRequest): Promise<Result<Page<ItemRow>>>;
  listUsers(request: ListUsersRequest): Promise<Result<Page<UserRow>>>;
}

export type ApiMethod = keyof Api;
/** The argument of method M, `undefined` for methods without one. */
export type ApiInput<M extends ApiMethod> = Parameters<Api[M]> extends [infer A] ? A : undefined;
/** The value method M returns on success. */
export type ApiValue<M extends ApiMethod> = Awaited<ReturnType<Api[M]>> extends Result<infer T> ? T : never;
export type ApiResult<M extends ApiMethod> = Result<ApiValue<M>>;

/** Input schema per method; `satisfies` keeps it in step with the interface. */
export const apiInputSchemas = {
  version: NoInputSchema,
  workspaceSummary: NoInputSchema,
  openWorkspace: OpenWorkspaceRequestSchema,
  listItems: ListItemsRequestSchema,
  listUsers: ListUsersRequestSchema,
} as const satisfies { readonly [M in ApiMethod]: z.ZodType<ApiInput<M>> };

export const API_METHODS = Object.freeze(Object.keys(apiInputSchemas)) as readonly ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiInputSchemas, name);
}

/** IPC channel of a method (preload/api-proxy.ts builds the same names; a test checks it). */
export function apiChannel(method: ApiMethod): string {
  return `knowrec:api:${method}`;
}

// ---------------------------------------------------------------------------------------------
// Dispatch: the one entry point for IPC handlers and the bridge

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
  const bad = (error: z.ZodError): Dispatched => ({
    status: 'invalid-input',
    result: fail('config', `Invalid input for ${method}: ${z.prettifyError(error)}`, inputHint(method)),
  });
  const run = async <S extends z.ZodType, T>(schema: S, call: (arg: z.output<S>) => Promise<Result<T>>): Promise<Dispatched> => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) return bad(parsed.error);
    try {
      return { status: 'done', result: await call(parsed.data) };
    } catch (e) {
      return { status: 'done', result: { ok: false, error: toApiError(e) } };
    }
  };
  switch (method) {
    case 'version':
      return run(apiInputSchemas.version, () => api.version());
    case 'workspaceSummary':
      return run(apiInputSchemas.workspaceSummary, () => api.workspaceSummary());
    case 'openWorkspace':
      return run(apiInputSchemas.openWorkspace, (r) => api.openWorkspace(r));
    case 'listItems':
      return run(apiInputSchemas.listItems, (r) => api.listItems(r));
    case 'listUsers':
      return run(apiInputSchemas.listUsers, (r) => api.listUsers(r));
    default: {
      const unreachable: never = method;
      return { status: 'unknown-method', result: fail('internal', `Api method without dispatch: ${String(unreachable)}`) };
    }
  }
}

function inputHint(method: ApiMethod): string {
  switch (method) {
    case 'version':
    case 'workspaceSummary':
      return `${method} takes no input; send nothing or {}`;
    case 'openWorkspace':
      return 'send {"path": "/absolute/path/to/workspace.sqlite"}';
    case 'listItems':
      return `send {"offset": 0, "limit": 50, "query": "optional text"} with limit between 1 and ${MAX_PAGE}`;
    case 'listUsers':
      return `send {"offset": 0, "limit": 50} with limit between 1 and ${MAX_PAGE}`;
  }
}
