/**
 * The typed Api: every operation the UI may call. One interface, three exposures:
 * Electron IPC (preload → window.api), the browser bridge (HTTP on 127.0.0.1) and direct calls
 * in tests. Inputs are validated here, at the boundary (zod); errors travel as typed values.
 *
 * Preload and renderer import only TYPES from this file (`import type`), so zod never lands in
 * their bundles. Values (schemas, dispatch) are for the main process and the bridge.
 */
import type { WorkspaceSummary as StoreSummary } from './core/store/workspace';
import type { ImportReport } from './core/data/report';
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

// Jobs (long work runs off the main thread; progress arrives as events and through getJob)

export type JobKind = 'import' | 'evaluate' | 'fit' | 'finetune';
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** One point of a training curve (fine-tuning), appended once per epoch. */
export interface CurvePoint {
  readonly epoch: number;
  readonly loss: number;
  /** Validation NDCG@10 after the epoch (null when not measured). */
  readonly validNdcg: number | null;
  readonly seconds: number;
}

export interface JobInfo {
  readonly id: string;
  readonly kind: JobKind;
  readonly state: JobState;
  /** ISO dates. */
  readonly created: string;
  readonly updated: string;
  /** 0..1, null when unknown. */
  readonly progress: number | null;
  /** What the job is doing now, in words ("fitting ease (3/7)"). */
  readonly message: string;
  /** Set when state is 'failed'. */
  readonly error: ApiError | null;
  /** Fine-tuning: one point per finished epoch; empty for other kinds. */
  readonly curve: readonly CurvePoint[];
  /**
   * What the job produced when done: import → ImportReport; evaluate → { run: string } (the run id);
   * fit → { dir: string }; finetune → { version: string }. Null until done.
   */
  readonly result: ImportReport | { readonly run: string } | { readonly dir: string } | { readonly version: string } | null;
  /** True when the job can be resumed after a cancel (fine-tuning keeps a checkpoint). */
  readonly resumable: boolean;
}

/** Events pushed to the UI (Electron IPC channel `knowrec:event`, bridge WebSocket `/events`). */
export type ApiEvent =
  | { readonly type: 'job'; readonly job: JobInfo }
  /** The workspace's content changed (import, KG edit, forget user): views should reload. */
  | { readonly type: 'workspace'; readonly summary: WorkspaceSummary };

/** Subscription side of the Api (not request/response). */
export interface ApiEvents {
  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

// KG edits

export interface KgEdit {
  readonly id: number;
  readonly op: 'add' | 'remove';
  /** Entity ids and readable names of both ends. */
  readonly head: string;
  readonly headLabel: string;
  readonly relation: string;
  readonly tail: string;
  readonly tailLabel: string;
  readonly author: string;
  readonly created: string;
  /** True once undone (undone edits stay in the history). */
  readonly undone: boolean;
}

// Recommendations for a new user (free-text query or a few picked items)

export interface QueryRecommendations {
  readonly query: string | null;
  readonly picks: readonly ItemRow[];
  readonly items: readonly Recommendation[];
}

// Evaluation runs (stored in the workspace's runs table)

export interface MetricSummary {
  readonly mean: number;
  readonly std: number;
  /** One value per seed, in the run's seed order. */
  readonly perSeed: readonly number[];
}

export interface RunModelResult {
  readonly model: string;
  /** Test metrics @k: 'ndcg', 'recall', 'mrr', 'hit', 'precision', 'coverage', 'novelty', 'long_tail_share', … */
  readonly test: Readonly<Record<string, MetricSummary>>;
  /** Slices of the test split: 'cold' (cold-items protocol), 'long-tail' (targets outside the head). */
  readonly slices: Readonly<Record<string, Readonly<Record<string, MetricSummary>>>>;
  readonly fitSeconds: number;
}

export interface RunSummary {
  readonly id: string;
  readonly created: string;
  readonly dataset: string;
  readonly protocol: string;
  readonly models: readonly string[];
  readonly seeds: readonly number[];
  readonly k: number;
  /** Model with the best mean test NDCG@k. */
  readonly best: string | null;
}

export interface RunDetail extends RunSummary {
  readonly results: readonly RunModelResult[];
  /** The protocol block written into every results file (split, exclusion, tuning, filters). */
  readonly protocolText: Readonly<Record<string, unknown>>;
}

export interface ReportExport {
  /** Suggested file name ("knowrec-report-<run>.html"). */
  readonly filename: string;
  /** A self-contained HTML document (inline CSS and SVG, no scripts fetched). */
  readonly html: string;
}

// Labels

export interface Label {
  readonly id: number;
  readonly kind: 'relevance' | 'fact';
  /** relevance: user and item ids; fact: item (or head entity), relation, tail entity. */
  readonly user: string | null;
  readonly item: string | null;
  readonly head: string | null;
  readonly relation: string | null;
  readonly tail: string | null;
  /** relevance: 1 relevant, 0 not; fact: 1 correct, 0 wrong. */
  readonly value: 0 | 1;
  readonly author: string;
  readonly created: string;
  /** The model version that proposed the pair, null when labelled by hand. */
  readonly modelVersion: string | null;
}

export interface LabelProposal {
  readonly user: string;
  readonly item: string;
  readonly title: string;
  readonly score: number;
  /** Why it is worth a look ("signals disagree: ease against, semantic for"). */
  readonly why: string;
  /** Higher: look first. */
  readonly priority: number;
  readonly signals: Readonly<Record<string, number>>;
  readonly against: Readonly<Record<string, number>>;
  readonly modelVersion: string | null;
}

export interface LabelStats {
  readonly relevant: number;
  readonly notRelevant: number;
  readonly factCorrect: number;
  readonly factWrong: number;
  /** Pairs still in the queue (proposals not yet labelled). */
  readonly queued: number;
}

// Fine-tuned model versions (adapters)

export interface ModelVersion {
  readonly id: string;
  readonly created: string;
  readonly config: Readonly<Record<string, number | string | boolean>>;
  /** Hash of the training data (interactions + labels) it was fitted on. */
  readonly dataHash: string;
  readonly seed: number;
  /** Best validation NDCG@10 and the epoch it was reached. */
  readonly validNdcg: number | null;
  readonly bestEpoch: number | null;
  readonly curve: readonly CurvePoint[];
  readonly labels: number;
  readonly active: boolean;
}

export interface ForgetReport {
  readonly user: string;
  /** Rows removed per table. */
  readonly removed: Readonly<Record<string, number>>;
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

const kField = z.number({ error: 'k must be a number' }).int('k must be a whole number').min(1, 'k must be at least 1').max(MAX_RECOMMEND_K, `k must be at most ${MAX_RECOMMEND_K}`);
/** Language of reasons and sentences. */
export const LANGS = ['en', 'zh'] as const;
const langField = z.enum(LANGS, { error: 'lang must be "en" or "zh"' });

export const RecommendRequestSchema = z.strictObject({
  user: idField('user'),
  k: kField,
  lang: langField.optional(),
});

export const RecommendQueryRequestSchema = z
  .strictObject({
    query: z.string({ error: 'query must be a string' }).trim().max(500, 'query must be at most 500 characters').optional(),
    items: z.array(idField('an item id'), { error: 'items must be a list of item ids' }).max(50, 'pick at most 50 items').optional(),
    k: kField,
    lang: langField.optional(),
  })
  .refine((r) => (r.query !== undefined && r.query !== '') || (r.items !== undefined && r.items.length > 0), {
    error: 'give a query text, or pick at least one item',
  });

export const ExplainPathRequestSchema = z.strictObject({
  user: idField('user'),
  item: idField('item'),
  cap: z.number({ error: 'cap must be a number' }).int('cap must be a whole number').min(2, 'cap must be at least 2').max(MAX_SUBGRAPH_CAP, `cap must be at most ${MAX_SUBGRAPH_CAP}`).optional(),
});

// Jobs

/** Names of the registry datasets the import can fetch or find on disk (checked by the job, not here). */
const datasetName = z.string({ error: 'dataset must be a string' }).trim().min(1, 'dataset must not be empty').max(100, 'dataset name is too long');
const filePath = (what: string) => z.string({ error: `${what} must be a path` }).trim().min(1, `${what} must not be empty`).max(4096, `${what} is too long`);

export const StartImportRequestSchema = z
  .strictObject({
    /** A registry name ("ml-100k"): read from KNOWREC_DATA_DIR or the cache, verified by SHA-256. */
    dataset: datasetName.optional(),
    /** Or files: a RecBole atomic folder … */
    folder: filePath('folder').optional(),
    /** … named so (default: the folder's name). */
    name: datasetName.optional(),
    pseudonymize: z.boolean({ error: 'pseudonymize must be true or false' }).optional(),
  })
  .refine((r) => (r.dataset === undefined) !== (r.folder === undefined), { error: 'give exactly one of dataset or folder' });

export const PROTOCOLS = ['recbole', 'loo', 'cold-items'] as const;
export const MAX_SEEDS = 5;

export const StartEvaluationRequestSchema = z.strictObject({
  protocol: z.enum(PROTOCOLS, { error: `protocol must be one of ${PROTOCOLS.join(', ')}` }),
  models: z.array(idField('a model name'), { error: 'models must be a list of model names' }).min(1, 'pick at least one model').max(20, 'at most 20 models'),
  seeds: z
    .array(z.number({ error: 'a seed must be a number' }).int('a seed must be a whole number').min(0, 'a seed must be 0 or more'), { error: 'seeds must be a list of numbers' })
    .min(1, 'give at least one seed')
    .max(MAX_SEEDS, `at most ${MAX_SEEDS} seeds`),
  k: z.number({ error: 'k must be a number' }).int('k must be a whole number').min(1, 'k must be at least 1').max(100, 'k must be at most 100'),
  /** Tune hyper-parameters on validation (default true; false is faster). */
  tune: z.boolean({ error: 'tune must be true or false' }).optional(),
});

export const StartFitRequestSchema = z.strictObject({
  /** Items kept per user in the serving snapshot (default 20). */
  k: kField.optional(),
  /** Use the active fine-tuned adapter (hybrid-ft) when there is one (default false). */
  finetuned: z.boolean({ error: 'finetuned must be true or false' }).optional(),
});

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive(`${what} must be more than 0`);

export const StartFinetuneRequestSchema = z.strictObject({
  epochs: z.number({ error: 'epochs must be a number' }).int('epochs must be a whole number').min(1, 'epochs must be at least 1').max(200, 'epochs must be at most 200').optional(),
  learningRate: positive('learningRate').max(1, 'learningRate must be at most 1').optional(),
  temperature: positive('temperature').max(10, 'temperature must be at most 10').optional(),
  weightDecay: z.number({ error: 'weightDecay must be a number' }).min(0, 'weightDecay must be 0 or more').max(1, 'weightDecay must be at most 1').optional(),
  dropout: z.number({ error: 'dropout must be a number' }).min(0, 'dropout must be 0 or more').max(0.9, 'dropout must be at most 0.9').optional(),
  rank: z.number({ error: 'rank must be a number' }).int('rank must be a whole number').min(0, 'rank must be 0 or more').max(384, 'rank must be at most 384').optional(),
  batchSize: z.number({ error: 'batchSize must be a number' }).int('batchSize must be a whole number').min(2, 'batchSize must be at least 2').max(4096, 'batchSize must be at most 4096').optional(),
  patience: z.number({ error: 'patience must be a number' }).int('patience must be a whole number').min(1, 'patience must be at least 1').max(50, 'patience must be at most 50').optional(),
  seed: z.number({ error: 'seed must be a number' }).int('seed must be a whole number').min(0, 'seed must be 0 or more').optional(),
  /** Train on the interactions (default true) and/or the relevance labels (default true). */
  useInteractions: z.boolean({ error: 'useInteractions must be true or false' }).optional(),
  useLabels: z.boolean({ error: 'useLabels must be true or false' }).optional(),
});

export const JobIdRequestSchema = z.strictObject({ id: idField('job id') });

// KG edits

const endSchema = (what: string) =>
  z
    .strictObject({
      item: idField(`${what}.item`).optional(),
      entity: idField(`${what}.entity`).optional(),
      /** A new entity with this name (tail only). */
      name: z.string({ error: `${what}.name must be a string` }).trim().min(1, `${what}.name must not be empty`).max(300, `${what}.name is too long`).optional(),
    })
    .refine((e) => [e.item, e.entity, e.name].filter((v) => v !== undefined).length === 1, { error: `${what}: give exactly one of item, entity or name` });

export const KgAddFactRequestSchema = z.strictObject({
  head: endSchema('head'),
  relation: idField('relation'),
  tail: endSchema('tail'),
});

export const KgRemoveFactRequestSchema = z.strictObject({
  head: idField('head'),
  relation: idField('relation'),
  tail: idField('tail'),
});

export const PageRequestSchema = z.strictObject(pageFields);

// Runs and reports

export const RunIdRequestSchema = z.strictObject({ id: idField('run id') });

export const ExportReportRequestSchema = z
  .strictObject({
    run: idField('run').optional(),
    /** Explanations to include: (user, item) pairs; each is explained from the fitted model. */
    explanations: z.array(z.strictObject({ user: idField('user'), item: idField('item') }), { error: 'explanations must be a list of {user, item}' }).max(50, 'at most 50 explanations').optional(),
    lang: langField.optional(),
  })
  .refine((r) => r.run !== undefined || (r.explanations !== undefined && r.explanations.length > 0), { error: 'give a run, or at least one explanation' });

// Labels

export const LabelQueueRequestSchema = z.strictObject({
  limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(200, 'limit must be at most 200'),
});

const labelValue = z.union([z.literal(0), z.literal(1)], { error: 'value must be 0 or 1' });
const authorField = z.string({ error: 'author must be a string' }).trim().min(1, 'author must not be empty').max(100, 'author is too long').optional();
const modelVersionField = z.string({ error: 'modelVersion must be a string' }).max(200, 'modelVersion is too long').nullable().optional();

export const AddLabelRequestSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('relevance'), user: idField('user'), item: idField('item'), value: labelValue, author: authorField, modelVersion: modelVersionField }),
    z.strictObject({ kind: z.literal('fact'), head: idField('head'), relation: idField('relation'), tail: idField('tail'), value: labelValue, author: authorField, modelVersion: modelVersionField }),
  ],
  { error: 'kind must be "relevance" or "fact"' },
);

export const ListLabelsRequestSchema = z.strictObject({ ...pageFields, kind: z.enum(['relevance', 'fact'], { error: 'kind must be "relevance" or "fact"' }).optional() });

export const VersionIdRequestSchema = z.strictObject({ id: idField('version id') });

export const ForgetUserRequestSchema = z.strictObject({ user: idField('user') });

export type OpenWorkspaceRequest = z.output<typeof OpenWorkspaceRequestSchema>;
export type ListItemsRequest = z.output<typeof ListItemsRequestSchema>;
export type ListUsersRequest = z.output<typeof ListUsersRequestSchema>;
export type KgSearchRequest = z.output<typeof KgSearchRequestSchema>;
export type KgSubgraphRequest = z.output<typeof KgSubgraphRequestSchema>;
export type KgItemRequest = z.output<typeof KgItemRequestSchema>;
export type RecommendRequest = z.output<typeof RecommendRequestSchema>;
export type RecommendQueryRequest = z.output<typeof RecommendQueryRequestSchema>;
export type ExplainPathRequest = z.output<typeof ExplainPathRequestSchema>;
export type StartImportRequest = z.output<typeof StartImportRequestSchema>;
export type StartEvaluationRequest = z.output<typeof StartEvaluationRequestSchema>;
export type StartFitRequest = z.output<typeof StartFitRequestSchema>;
export type StartFinetuneRequest = z.output<typeof StartFinetuneRequestSchema>;
export type JobIdRequest = z.output<typeof JobIdRequestSchema>;
export type KgAddFactRequest = z.output<typeof KgAddFactRequestSchema>;
export type KgRemoveFactRequest = z.output<typeof KgRemoveFactRequestSchema>;
export type PageRequest = z.output<typeof PageRequestSchema>;
export type RunIdRequest = z.output<typeof RunIdRequestSchema>;
export type ExportReportRequest = z.output<typeof ExportReportRequestSchema>;
export type LabelQueueRequest = z.output<typeof LabelQueueRequestSchema>;
export type AddLabelRequest = z.output<typeof AddLabelRequestSchema>;
export type ListLabelsRequest = z.output<typeof ListLabelsRequestSchema>;
export type VersionIdRequest = z.output<typeof VersionIdRequestSchema>;
export type ForgetUserRequest = z.output<typeof ForgetUserRequestSchema>;

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
  /** Top-k for a new user described by a free-text query and/or a few picked items. */
  recommendQuery(request: RecommendQueryRequest): Promise<Result<QueryRecommendations>>;
  /** The KG paths (≤ 3 hops) from the user's matched history items to the item, as a subgraph. */
  explainPath(request: ExplainPathRequest): Promise<Result<KgSubgraph>>;

  // Jobs
  /** Imports a registry dataset or a RecBole folder into the open workspace (replacing its data). */
  startImport(request: StartImportRequest): Promise<Result<JobInfo>>;
  /** The open workspace's last import report (per-file rows, warnings with line numbers). */
  importReport(): Promise<Result<ImportReport | null>>;
  /** Evaluates models over seeds; the run is stored in the workspace (see listRuns). */
  startEvaluation(request: StartEvaluationRequest): Promise<Result<JobInfo>>;
  /** Fits the serving model `recommend` reads (uses the KG edits and hidden facts). */
  startFit(request: StartFitRequest): Promise<Result<JobInfo>>;
  /** Fine-tunes the text adapter; the new version is stored (see listModelVersions). */
  startFinetune(request: StartFinetuneRequest): Promise<Result<JobInfo>>;
  /** Resumes a cancelled job from its checkpoint (fine-tuning), as a new job. */
  resumeJob(request: JobIdRequest): Promise<Result<JobInfo>>;
  cancelJob(request: JobIdRequest): Promise<Result<JobInfo>>;
  getJob(request: JobIdRequest): Promise<Result<JobInfo>>;
  /** Jobs of the open workspace, newest first. */
  listJobs(): Promise<Result<readonly JobInfo[]>>;

  // KG edits (stored in the workspace, used by the explorer at once and by the next fit)
  kgAddFact(request: KgAddFactRequest): Promise<Result<KgEdit>>;
  kgRemoveFact(request: KgRemoveFactRequest): Promise<Result<KgEdit>>;
  /** Reverts the last edit not yet undone; null when there is none. */
  kgUndo(): Promise<Result<KgEdit | null>>;
  kgEdits(request: PageRequest): Promise<Result<Page<KgEdit>>>;

  // Evaluation runs and reports
  listRuns(): Promise<Result<readonly RunSummary[]>>;
  getRun(request: RunIdRequest): Promise<Result<RunDetail>>;
  exportReport(request: ExportReportRequest): Promise<Result<ReportExport>>;

  // Labels
  labelQueue(request: LabelQueueRequest): Promise<Result<readonly LabelProposal[]>>;
  addLabel(request: AddLabelRequest): Promise<Result<Label>>;
  /** Removes the last label; null when there is none. */
  undoLabel(): Promise<Result<Label | null>>;
  listLabels(request: ListLabelsRequest): Promise<Result<Page<Label>>>;
  labelStats(): Promise<Result<LabelStats>>;

  // Fine-tuned versions
  listModelVersions(): Promise<Result<readonly ModelVersion[]>>;
  activateModelVersion(request: VersionIdRequest): Promise<Result<ModelVersion>>;

  // Privacy
  /** Removes the user's interactions, labels and cached vectors from the workspace. */
  forgetUser(request: ForgetUserRequest): Promise<Result<ForgetReport>>;
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
  recommendQuery: RecommendQueryRequestSchema,
  explainPath: ExplainPathRequestSchema,
  startImport: StartImportRequestSchema,
  importReport: NoInputSchema,
  startEvaluation: StartEvaluationRequestSchema,
  startFit: StartFitRequestSchema,
  startFinetune: StartFinetuneRequestSchema,
  resumeJob: JobIdRequestSchema,
  cancelJob: JobIdRequestSchema,
  getJob: JobIdRequestSchema,
  listJobs: NoInputSchema,
  kgAddFact: KgAddFactRequestSchema,
  kgRemoveFact: KgRemoveFactRequestSchema,
  kgUndo: NoInputSchema,
  kgEdits: PageRequestSchema,
  listRuns: NoInputSchema,
  getRun: RunIdRequestSchema,
  exportReport: ExportReportRequestSchema,
  labelQueue: LabelQueueRequestSchema,
  addLabel: AddLabelRequestSchema,
  undoLabel: NoInputSchema,
  listLabels: ListLabelsRequestSchema,
  labelStats: NoInputSchema,
  listModelVersions: NoInputSchema,
  activateModelVersion: VersionIdRequestSchema,
  forgetUser: ForgetUserRequestSchema,
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
  // apiInputSchemas satisfies the interface (see above), so each schema's output is the input
  // of the method of the same name; the casts only erase the per-method pairing.
  const schema = apiInputSchemas[method] as z.ZodType;
  const call = api[method] as (this: Api, arg?: unknown) => Promise<Result<unknown>>;
  return run(schema, (arg) => (arg === undefined ? call.call(api) : call.call(api, arg)));
}

function inputHint(method: ApiMethod): string {
  return INPUT_HINTS[method];
}

const NO_INPUT = 'takes no input; send nothing or {}';

/** One example per method, shown with invalid input. */
const INPUT_HINTS: { readonly [M in ApiMethod]: string } = {
  version: `version ${NO_INPUT}`,
  workspaceSummary: `workspaceSummary ${NO_INPUT}`,
  openWorkspace: 'send {"path": "/absolute/path/to/workspace.sqlite"}',
  listItems: `send {"offset": 0, "limit": 50, "query": "optional text"} with limit between 1 and ${MAX_PAGE}`,
  listUsers: `send {"offset": 0, "limit": 50} with limit between 1 and ${MAX_PAGE}`,
  kgSearch: 'send {"query": "Toy Story", "limit": 20} with limit between 1 and 100',
  kgSubgraph: `send {"item": "1", "hops": 1, "cap": 200} (or "entity" instead of "item"; optional "relations": [...]) with hops 1..${MAX_HOPS} and cap 1..${MAX_SUBGRAPH_CAP}`,
  kgItem: 'send {"item": "1"}',
  recommend: `send {"user": "1", "k": 10} (optional "lang": "en" or "zh") with k between 1 and ${MAX_RECOMMEND_K}`,
  recommendQuery: 'send {"query": "animated film for children", "k": 10} or {"items": ["1", "50"], "k": 10}',
  explainPath: 'send {"user": "1", "item": "50"} (optional "cap": 200)',
  startImport: 'send {"dataset": "ml-100k"} or {"folder": "/path/to/recbole/folder", "name": "mydata"} (optional "pseudonymize": true)',
  importReport: `importReport ${NO_INPUT}`,
  startEvaluation: `send {"protocol": "recbole", "models": ["pop", "ease"], "seeds": [2020], "k": 10} (optional "tune": false), at most ${MAX_SEEDS} seeds`,
  startFit: 'send {} or {"k": 20, "finetuned": true}',
  startFinetune: 'send {} for defaults, or e.g. {"epochs": 10, "learningRate": 0.001, "temperature": 0.05, "seed": 2020}',
  resumeJob: 'send {"id": "<job id>"}',
  cancelJob: 'send {"id": "<job id>"}',
  getJob: 'send {"id": "<job id>"}',
  listJobs: `listJobs ${NO_INPUT}`,
  kgAddFact: 'send {"head": {"item": "1"}, "relation": "film.film.directed_by", "tail": {"entity": "m.0abc"}} (tail may be {"name": "New entity"})',
  kgRemoveFact: 'send {"head": "<entity id>", "relation": "<relation>", "tail": "<entity id>"}',
  kgUndo: `kgUndo ${NO_INPUT}`,
  kgEdits: `send {"offset": 0, "limit": 50} with limit between 1 and ${MAX_PAGE}`,
  listRuns: `listRuns ${NO_INPUT}`,
  getRun: 'send {"id": "<run id>"}',
  exportReport: 'send {"run": "<run id>"} and/or {"explanations": [{"user": "1", "item": "50"}]} (optional "lang")',
  labelQueue: 'send {"limit": 20} with limit between 1 and 200',
  addLabel: 'send {"kind": "relevance", "user": "1", "item": "50", "value": 1} or {"kind": "fact", "head": "<entity>", "relation": "<relation>", "tail": "<entity>", "value": 0}',
  undoLabel: `undoLabel ${NO_INPUT}`,
  listLabels: `send {"offset": 0, "limit": 50} (optional "kind": "relevance" or "fact")`,
  labelStats: `labelStats ${NO_INPUT}`,
  listModelVersions: `listModelVersions ${NO_INPUT}`,
  activateModelVersion: 'send {"id": "<version id>"}',
  forgetUser: 'send {"user": "<user id>"}',
};
