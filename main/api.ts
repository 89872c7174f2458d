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

// Knowledge graph (ids are strings at the boundary; dense indices stay in the main process)

export interface KgHit {
  readonly kind: 'item' | 'entity';
  /** Entity id, or null for an item without an entity. */
  readonly entity: string | null;
  /** Item id when the hit is an item (or an item's entity). */
  readonly item: string | null;
  readonly label: string;
}

export interface KgNode {
  /** Entity id. */
  readonly id: string;
  readonly label: string;
  readonly kind: 'item' | 'entity';
  /** Item id when the node is an item's entity. */
  readonly item: string | null;
  /** Hops from the centre (0 for the centre). */
  readonly distance: number;
}

export interface KgEdge {
  /** Head entity id. */
  readonly source: string;
  /** Tail entity id. */
  readonly target: string;
  readonly relation: string;
  /** The relation in words ("directed by"). */
  readonly label: string;
  /** True when the triple was derived from catalog columns (genres, decade). */
  readonly derived: boolean;
}

export interface KgRelationCount {
  readonly relation: string;
  readonly label: string;
  /** Edges of this relation touching the centre (before any relation filter). */
  readonly count: number;
}

export interface KgSubgraph {
  /** Entity ids of the centre (an item may have several entities; none when it has no KG facts). */
  readonly center: readonly string[];
  readonly nodes: readonly KgNode[];
  readonly edges: readonly KgEdge[];
  /** True when nodes or edges were left out because of the cap. */
  readonly truncated: boolean;
  /** Entities within `hops` of the centre (centre not counted), before the cap. */
  readonly totalNeighbours: number;
  /** Relations around the centre, for filter choices; unaffected by `relations`. */
  readonly relations: readonly KgRelationCount[];
  readonly hops: number;
  readonly cap: number;
}

export interface KgFact {
  readonly relation: string;
  /** The fact in words, read from the item: "directed by", "director of". */
  readonly label: string;
  readonly direction: 'out' | 'in';
  /** Entity id at the other end and its readable name. */
  readonly entity: string;
  readonly entityLabel: string;
  /** Item id when the other end is an item. */
  readonly entityItem: string | null;
  readonly derived: boolean;
}

export interface ItemCard {
  readonly id: string;
  readonly title: string;
  readonly attributes: Readonly<Record<string, string | number | string[]>>;
  /** Interactions with this item in the workspace. */
  readonly interactions: number;
  readonly facts: readonly KgFact[];
}

// Recommendations (read from the serving snapshot written by `knowrec fit`)

export interface HistoryMatch {
  readonly item: string;
  readonly title: string;
  /** The ties in words: "same director", "similar description". */
  readonly relation: string;
}

export interface RecommendationExplanation {
  /** Shares of the signals that pushed the item up (non-negative, summing to 1). */
  readonly signals: Readonly<Record<string, number>>;
  /** Shares of the signals that held it back (summing to 1 when any). */
  readonly against: Readonly<Record<string, number>>;
  readonly history: readonly HistoryMatch[];
  readonly facts: readonly string[];
  readonly reason: string;
}

export interface Recommendation {
  readonly item: string;
  readonly title: string;
  readonly score: number;
  readonly explanation: RecommendationExplanation;
}

export interface ModelInfo {
  /** Folder of the serving snapshot. */
  readonly dir: string;
  readonly dataset: string;
  readonly created: string;
  /** Items kept per user by the fit. */
  readonly k: number;
  /** False when the workspace's interactions differ from those the model was fitted on. */
  readonly dataMatches: boolean;
}

export interface Recommendations {
  readonly user: string;
  readonly items: readonly Recommendation[];
  readonly model: ModelInfo;
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

/** Most nodes a KG subgraph may ask for. */
export const MAX_SUBGRAPH_CAP = 2000;
/** Most hops a KG subgraph may ask for. */
export const MAX_HOPS = 3;
/** Most recommendations one call may ask for. */
export const MAX_RECOMMEND_K = 100;

const idField = (what: string) =>
  z.string({ error: `${what} must be a string` }).trim().min(1, `${what} must not be empty`).max(500, `${what} is too long`);

export const KgSearchRequestSchema = z.strictObject({
  query: z.string({ error: 'query must be a string' }).trim().min(1, 'query must not be empty').max(200, 'query must be at most 200 characters'),
  limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(100, 'limit must be at most 100'),
});

export const KgSubgraphRequestSchema = z
  .strictObject({
    item: idField('item').optional(),
    entity: idField('entity').optional(),
    hops: z.number({ error: 'hops must be a number' }).int('hops must be a whole number').min(1, 'hops must be at least 1').max(MAX_HOPS, `hops must be at most ${MAX_HOPS}`),
    relations: z.array(idField('a relation name'), { error: 'relations must be a list of relation names' }).max(1000, 'too many relations').optional(),
    cap: z
      .number({ error: 'cap must be a number' })
      .int('cap must be a whole number')
      .min(1, 'cap must be at least 1')
      .max(MAX_SUBGRAPH_CAP, `cap must be at most ${MAX_SUBGRAPH_CAP}`),
  })
  .refine((r) => (r.item === undefined) !== (r.entity === undefined), { error: 'give exactly one of item or entity' });

export const KgItemRequestSchema = z.strictObject({ item: idField('item') });

export const RecommendRequestSchema = z.strictObject({
  user: idField('user'),
  k: z.number({ error: 'k must be a number' }).int('k must be a whole number').min(1, 'k must be at least 1').max(MAX_RECOMMEND_K, `k must be at most ${MAX_RECOMMEND_K}`),
});

export type OpenWorkspaceRequest = z.output<typeof OpenWorkspaceRequestSchema>;
export type ListItemsRequest = z.output<typeof ListItemsRequestSchema>;
export type ListUsersRequest = z.output<typeof ListUsersRequestSchema>;
export type KgSearchRequest = z.output<typeof KgSearchRequestSchema>;
export type KgSubgraphRequest = z.output<typeof KgSubgraphRequestSchema>;
export type KgItemRequest = z.output<typeof KgItemRequestSchema>;
export type RecommendRequest = z.output<typeof RecommendRequestSchema>;

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
  /** Items and KG entities whose readable label contains `query` (best matches first). */
  kgSearch(request: KgSearchRequest): Promise<Result<readonly KgHit[]>>;
  /** The neighbourhood of an item or entity, capped at `cap` nodes (the centre included). */
  kgSubgraph(request: KgSubgraphRequest): Promise<Result<KgSubgraph>>;
  /** An item's card: title, catalog attributes and its one-hop KG facts. */
  kgItem(request: KgItemRequest): Promise<Result<ItemCard>>;
  /** The user's top-k with scores and explanations, from the dataset's fitted model. */
  recommend(request: RecommendRequest): Promise<Result<Recommendations>>;
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
  kgSearch: KgSearchRequestSchema,
  kgSubgraph: KgSubgraphRequestSchema,
  kgItem: KgItemRequestSchema,
  recommend: RecommendRequestSchema,
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
    case 'kgSearch':
      return run(apiInputSchemas.kgSearch, (r) => api.kgSearch(r));
    case 'kgSubgraph':
      return run(apiInputSchemas.kgSubgraph, (r) => api.kgSubgraph(r));
    case 'kgItem':
      return run(apiInputSchemas.kgItem, (r) => api.kgItem(r));
    case 'recommend':
      return run(apiInputSchemas.recommend, (r) => api.recommend(r));
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
    case 'kgSearch':
      return 'send {"query": "Toy Story", "limit": 20} with limit between 1 and 100';
    case 'kgSubgraph':
      return `send {"item": "1", "hops": 1, "cap": 200} (or "entity" instead of "item"; optional "relations": [...]) with hops 1..${MAX_HOPS} and cap 1..${MAX_SUBGRAPH_CAP}`;
    case 'kgItem':
      return 'send {"item": "1"}';
    case 'recommend':
      return `send {"user": "1", "k": 10} with k between 1 and ${MAX_RECOMMEND_K}`;
  }
}
