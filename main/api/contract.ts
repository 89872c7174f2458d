/**
 * The Api's contract: every operation the UI may call, declared once (API_DECLARATION below),
 * with its request and response types, the method names and the IPC channel names. One contract,
 * three exposures: Electron IPC (preload → window.api), the browser bridge (HTTP on 127.0.0.1)
 * and direct calls in tests.
 *
 * Free of zod, Node and the core at run time: the preload bundles this file (the method names),
 * the renderer imports its types. Validation is in schemas.ts, dispatch in dispatch.ts.
 */
import type { WorkspaceSummary as StoreSummary } from '../core/store/workspace';
import type { ImportReport } from '../core/data/report';
import type { OwnPreview } from '../core/data/own-import';
import type { ErrorCode } from '../core/errors';
import type { MessagePart } from '../core/types';
export type { MessagePart, MessageParams } from '../core/types';
import type { LabelProvenance, RecommendationExplanation, WhatIfModelInfo, WhatIfResult } from './explanations';
import type { KgEdit, KgFact, KgHit, KgPaths, KgSubgraph } from './kg-types';
export type { EntityDescription, KgEdge, KgEdit, KgFact, KgHit, KgNode, KgPathParts, KgPathStop, KgPaths, KgRelationCount, KgSubgraph } from './kg-types';
import type { ReportExport, RunDetail, RunSummary } from './run-types';
export type { MetricSummary, ReportExport, RunComparison, RunDetail, RunModelResult, RunSliceGap, RunSummary } from './run-types';
import type { OpenWorkspaceRequest, PageRequest, ListItemsRequest, ListUsersRequest, UserHistoryRequest, KgSearchRequest, KgSubgraphRequest, KgPathsRequest, KgItemRequest, RecommendRequest, RecommendQueryRequest, ExplainPathRequest, WhatIfRequest, WhatIfModelRequest, JudgeExplanationRequest, SetTextModelRequest, StartImportRequest, PreviewImportRequest, StartImportOwnRequest, StartEvaluationRequest, StartFitRequest, StartFinetuneRequest, JobIdRequest, KgAddFactRequest, KgRemoveFactRequest, RunIdRequest, ExportReportRequest, LabelQueueRequest, AddLabelRequest, ListLabelsRequest, VersionIdRequest, ForgetUserRequest } from './requests';

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

/** A user's interactions, highest rated first (then newest), for judging a pair in context. */
export interface UserHistory {
  readonly user: string;
  readonly attributes: Readonly<Record<string, string | number | string[]>>;
  /** Interactions of the user in the workspace. */
  readonly total: number;
  readonly items: readonly { readonly item: string; readonly title: string; readonly rating: number; readonly timestamp: number }[];
}

/** One page of a list; `total` counts every match (after `query`), not just this page. */
export interface Page<T> {
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
  readonly rows: readonly T[];
}

// Knowledge graph: the types are in kg-types.ts (ids are strings at the boundary)

export interface ItemCard {
  readonly id: string;
  readonly title: string;
  readonly attributes: Readonly<Record<string, string | number | string[]>>;
  /** Interactions with this item in the workspace. */
  readonly interactions: number;
  readonly facts: readonly KgFact[];
}

// Recommendations (read from the serving snapshot written by `knowrec fit`)

export type { ExplanationCounterfactual, HistoryMatch, LabelProvenance, RecommendationExplanation, WhatIfFactRef, WhatIfHistoryItem, WhatIfItem, WhatIfModelInfo, WhatIfResult, WhatIfTie } from './explanations';

export type WhatIfModelState = 'none' | 'fitting' | 'ready' | 'failed';

/** The workspace's what-if model (whatIfModel): whatIf answers only when `state` is 'ready'. */
export interface WhatIfModelStatus {
  /** none: never fitted (or dropped when the data changed); fitting: in the what-if worker; failed: see `error`. */
  readonly state: WhatIfModelState;
  /** Registry name of the model. */
  readonly model: string;
  /** Seed of the RecBole split it is fitted on. */
  readonly seed: number;
  readonly tuned: boolean;
  /** Fraction of the fit done, when known (fitting only). */
  readonly fraction: number | null;
  /** The fit's last progress message (fitting), else a line about the state. */
  readonly message: string;
  /** `message` in parts with stable codes, for the UI's language (see JobInfo.parts). */
  readonly parts?: readonly MessagePart[];
  /** Seconds since the fit started (fitting), or the fit's seconds (ready); null otherwise. */
  readonly seconds: number | null;
  /** How many fits were started for this workspace data (a whatIf never starts one). */
  readonly fits: number;
  /** The fitted model (ready only). */
  readonly info: WhatIfModelInfo | null;
  /** Why the last fit failed (failed only). */
  readonly error: ApiError | null;
}

export interface Recommendation {
  readonly item: string;
  readonly title: string;
  readonly score: number;
  readonly explanation: RecommendationExplanation;
}

/** Which users a fitted model has recommendations for, as the fit chose them (main/jobs/explained-users.ts). */
export interface ExplainedUsers {
  /** 'all': every user; 'sample': a seeded sample; 'list': the users given with --users. */
  readonly mode: 'all' | 'sample' | 'list';
  /** Users with recommendations. */
  readonly count: number;
  /** Users of the dataset at fit time. */
  readonly of: number;
  /** The sample's seed (null unless 'sample'). */
  readonly seed: number | null;
  /** 'default' (below scale mode), 'scale-mode' (the default at scale), 'sample' (--sample), 'users' (--users). */
  readonly reason: 'default' | 'scale-mode' | 'sample' | 'users';
  /** The command that refits this model for other users (append `--users ID,...`). */
  readonly refit: string;
}

export interface ModelInfo {
  /** Folder of the serving snapshot. */
  readonly dir: string;
  readonly dataset: string;
  readonly created: string;
  /** Items kept per user by the fit. */
  readonly k: number;
  /** Which users the model has recommendations for. */
  readonly explained: ExplainedUsers;
  /** False when the workspace's data differ from the fit's; `stale` says why when a user it saw was forgotten. */
  readonly dataMatches: boolean;
  readonly stale?: string;
}

export interface Recommendations {
  readonly user: string;
  readonly items: readonly Recommendation[];
  readonly model: ModelInfo;
}

/** A page of the users the fitted model has recommendations for (whole-number ids first, ascending, then the others in the dataset's order), and which users it explains. */
export interface ModelUsers extends Page<string> {
  readonly explained: ExplainedUsers;
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

/**
 * 'prepare' is the Api's own preparation for a request that waits on it (the first free-text
 * query encodes every item's sentence): it arrives only as `job` events, so that the view can show
 * its stage, percent and estimate; listJobs and getJob do not know it, and it cannot be cancelled.
 */
export type JobKind = 'import' | 'evaluate' | 'fit' | 'finetune' | 'prepare';
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
  /** What the job is doing now, in English words ("seed 2020 (1/1): semantic: encoding items"). */
  readonly message: string;
  /**
   * The same line in parts ("seed 2020 (1/1)", "semantic", "encoding items"), each with a stable
   * code and its values so that the UI writes it in its language, falling back to a part's
   * English text for a code it does not know. Absent when the message has no parts (an older job).
   */
  readonly parts?: readonly MessagePart[];
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
  | { readonly type: 'workspace'; readonly summary: WorkspaceSummary }
  /** The open dataset's fitted model or fine-tuned versions changed, here or from the CLI: views that read them reload. */
  | { readonly type: 'model'; readonly dataset: string; readonly dir: string };

/** Subscription side of the Api (not request/response). */
export interface ApiEvents {
  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

// Recommendations for a new user (free-text query or a few picked items)

export interface QueryRecommendations {
  readonly query: string | null;
  readonly picks: readonly ItemRow[];
  readonly items: readonly Recommendation[];
  /** The text model that answered (e.g. `all-MiniLM-L6-v2`, `multilingual-e5-small@int8`). */
  readonly textModel?: string;
  /** Set when the query's script does not suit the text model ("… is English-only …"). */
  readonly languageHint?: string;
  /**
   * The language of the item sentences the query was matched against: the query's ('zh' for a
   * query mostly in Han characters) when the text model is multilingual, else 'en'.
   */
  readonly catalogLang?: 'en' | 'zh';
}

/** A prepared text model (encoder) the workspace can answer queries with. */
export interface TextModelRow {
  readonly name: string;
  /** 'en': English-only; 'multilingual'. */
  readonly languages: 'en' | 'multilingual';
  readonly dim: number | null;
  /** all-MiniLM-L6-v2, used while the workspace records none. */
  readonly isDefault: boolean;
  /** The open workspace's text model. */
  readonly active: boolean;
}

// Evaluation runs (stored in the workspace's runs table): the types are in run-types.ts

// Labels

export interface Label {
  readonly id: number;
  readonly kind: 'relevance' | 'fact' | 'explanation';
  /** relevance, explanation: user and item ids; fact: item (or head entity), relation, tail entity. */
  readonly user: string | null;
  readonly item: string | null;
  readonly head: string | null;
  readonly relation: string | null;
  readonly tail: string | null;
  /** relevance: 1 relevant, 0 not; fact: 1 correct, 0 wrong; explanation: 1 accepted, 0 rejected. */
  readonly value: 0 | 1;
  /** explanation: what it cited; null for the other kinds. */
  readonly provenance: LabelProvenance | null;
  readonly author: string;
  readonly created: string;
  /** The model version that proposed the pair, null when labelled by hand. */
  readonly modelVersion: string | null;
  /** The item's title (relevance labels, and fact labels on an item), when the workspace knows it. */
  readonly title: string | null;
}

export interface LabelProposal {
  readonly user: string;
  readonly item: string;
  readonly title: string;
  readonly score: number;
  /** Why it is worth a look ("signals disagree: ease against, semantic for"). */
  readonly why: string;
  /** Higher: look first; what it measures depends on `strategy`. */
  readonly priority: number;
  /** The ordering that gave `priority`. */
  readonly strategy: 'mixed' | 'uncertainty' | 'disagreement' | 'random';
  /** 1-based place of the item in the user's list. */
  readonly rank: number;
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
  /** Rows removed per table (and `snapshot_entries`: the user's lists removed from serving snapshots). */
  readonly removed: Readonly<Record<string, number>>;
  /** True when the freed space was overwritten and the WAL emptied. */
  readonly compacted: boolean;
  /** Snapshot folders and adapter versions now marked stale (fitted with the user's data). */
  readonly stale: readonly string[];
}

// Requests: requests.ts (zod-free too; schemas.ts validates each).
export * from './requests';

/** A model an evaluation can run, from the one model registry (main/core/models/registry.ts). */
export interface ModelSummary {
  readonly name: string;
  /** baseline, text, kg or hybrid. */
  readonly kind: string;
  readonly description: string;
  /** The models a hybrid combines (empty for single scorers). */
  readonly sources: readonly string[];
  /** Option name → help. */
  readonly options: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------
// The Api, declared once: name → group, one line on what it does, input and value types

/** The method groups; each is implemented in main/api/methods/<group>.ts. */
export type ApiGroup = 'workspace' | 'kg' | 'recommend' | 'jobs' | 'kg-edits' | 'runs' | 'labels' | 'finetune' | 'privacy';

/** One method's declaration. `types` is never set: it only carries the input and value types. */
export interface MethodDecl<In, Out, G extends ApiGroup = ApiGroup> {
  readonly group: G;
  readonly doc: string;
  readonly types?: (input: In) => Out;
}

/** Declares a method taking `In` (undefined: no input) and answering `Result<Out>`. */
function method<In, Out>() {
  return <G extends ApiGroup>(group: G, doc: string): MethodDecl<In, Out, G> => ({ group, doc });
}

export const API_DECLARATION = {
  version: method<undefined, VersionInfo>()('workspace', 'App, Api, Node and Electron versions.'),
  workspaceSummary: method<undefined, WorkspaceSummary>()('workspace', 'Counts of the open workspace (opening the startup workspace on first call).'),
  openWorkspace: method<OpenWorkspaceRequest, WorkspaceSummary>()('workspace', 'Opens another workspace file; the previous one stays open if this fails.'),
  listItems: method<ListItemsRequest, Page<ItemRow>>()('workspace', 'Items in catalog order; `query` keeps those whose id or title contains it (any case).'),
  listUsers: method<ListUsersRequest, Page<UserRow>>()('workspace', 'Users in order, with their attributes.'),
  userHistory: method<UserHistoryRequest, UserHistory>()('workspace', "A user's interactions, highest rated first (then newest), with titles."),

  kgSearch: method<KgSearchRequest, readonly KgHit[]>()('kg', 'Items and KG entities whose readable label contains `query` (best matches first).'),
  kgSubgraph: method<KgSubgraphRequest, KgSubgraph>()('kg', 'The neighbourhood of an item or entity, capped at `cap` nodes (the centre included).'),
  kgPaths: method<KgPathsRequest, KgPaths>()('kg', 'The shortest, most specific KG paths (≤ 3 edges) between two items or entities, as one subgraph.'),
  kgItem: method<KgItemRequest, ItemCard>()('kg', "An item's card: title, catalog attributes and its one-hop KG facts."),

  recommend: method<RecommendRequest, Recommendations>()('recommend', "The user's top-k with scores and explanations, from the dataset's fitted model."),
  modelUsers: method<ListItemsRequest, ModelUsers>()(
    'recommend',
    'The users the fitted model has recommendations for (ids in order; `query`: those containing it) and which users it explains: every user, or at scale a seeded sample (`knowrec fit --users` for others).',
  ),
  recommendQuery: method<RecommendQueryRequest, QueryRecommendations>()('recommend', 'Top-k for a new user described by a free-text query and/or a few picked items.'),
  whatIf: method<WhatIfRequest, WhatIfResult>()('recommend', "The user's top-k re-ranked without some history items / KG ties (the fitted what-if model re-scores, no refit); refused until whatIfModel says ready."),
  whatIfModel: method<WhatIfModelRequest, WhatIfModelStatus>()('recommend', "The what-if model's state; `fit: true` starts its fit in the what-if worker (off the main thread) when none is fitted or fitting."),
  listTextModels: method<undefined, readonly TextModelRow[]>()('recommend', "The prepared text models (encoders); `active` marks the open workspace's."),
  setTextModel: method<SetTextModelRequest, readonly TextModelRow[]>()('recommend', "Chooses the open workspace's text model (recorded in it); queries then encode its items again."),
  explainPath: method<ExplainPathRequest, KgSubgraph>()('recommend', "The KG paths (≤ 3 hops) from the user's matched history items to the item, as a subgraph."),

  startImport: method<StartImportRequest, JobInfo>()('jobs', 'Imports a registry dataset or a RecBole folder into the open workspace (replacing its data).'),
  previewImport: method<PreviewImportRequest, OwnPreview>()('jobs', 'Your own files: the first rows of each table with the role inferred for each column, and the mapping (nothing is written).'),
  startImportOwn: method<StartImportOwnRequest, JobInfo>()('jobs', 'Imports your own tables (and KG files) through a mapping into the open workspace (replacing its data).'),
  importReport: method<undefined, ImportReport | null>()('jobs', "The open workspace's last import report (per-file rows, warnings with line numbers)."),
  listModels: method<undefined, readonly ModelSummary[]>()('jobs', 'The models an evaluation can run: name, kind, description, the sources it combines, option help.'),
  startEvaluation: method<StartEvaluationRequest, JobInfo>()('jobs', 'Evaluates models over seeds; the run is stored in the workspace (see listRuns).'),
  startFit: method<StartFitRequest, JobInfo>()('jobs', 'Fits the serving model `recommend` reads (uses the KG edits and hidden facts).'),
  startFinetune: method<StartFinetuneRequest, JobInfo>()('jobs', 'Fine-tunes the text adapter; the new version is stored (see listModelVersions).'),
  resumeJob: method<JobIdRequest, JobInfo>()('jobs', 'Resumes a cancelled job from its checkpoint (fine-tuning), as a new job.'),
  cancelJob: method<JobIdRequest, JobInfo>()('jobs', 'Cancels a queued or running job.'),
  getJob: method<JobIdRequest, JobInfo>()('jobs', 'One job: state, progress, message, curve, result or error.'),
  listJobs: method<undefined, readonly JobInfo[]>()('jobs', 'Jobs of the open workspace, newest first.'),

  kgAddFact: method<KgAddFactRequest, KgEdit>()('kg-edits', 'Adds a fact to the KG (stored in the workspace, used at once and by the next fit).'),
  kgRemoveFact: method<KgRemoveFactRequest, KgEdit>()('kg-edits', 'Removes a fact from the KG.'),
  kgUndo: method<undefined, KgEdit | null>()('kg-edits', 'Reverts the last edit not yet undone; null when there is none.'),
  kgEdits: method<PageRequest, Page<KgEdit>>()('kg-edits', 'The edit history, newest first, undone edits included.'),

  listRuns: method<undefined, readonly RunSummary[]>()('runs', 'Evaluation runs stored in the workspace.'),
  getRun: method<RunIdRequest, RunDetail>()('runs', "One run's results per model, seed and slice, with its protocol."),
  exportReport: method<ExportReportRequest, ReportExport>()('runs', 'A self-contained HTML report of a run and/or chosen explanations.'),

  labelQueue: method<LabelQueueRequest, readonly LabelProposal[]>()('labels', 'Pairs worth labelling first (active learning over the fitted model).'),
  addLabel: method<AddLabelRequest, Label>()('labels', 'Stores a relevance or fact label.'),
  judgeExplanation: method<JudgeExplanationRequest, Label>()('labels', 'Accepts or rejects an explanation: a label with its cited items and facts (used by the next fine-tune).'),
  undoLabel: method<undefined, Label | null>()('labels', 'Removes the last label; null when there is none.'),
  listLabels: method<ListLabelsRequest, Page<Label>>()('labels', 'Labels, newest first, optionally of one kind.'),
  labelStats: method<undefined, LabelStats>()('labels', 'Label counts and the length of the queue.'),

  listModelVersions: method<undefined, readonly ModelVersion[]>()('finetune', 'Fine-tuned adapter versions, newest first.'),
  activateModelVersion: method<VersionIdRequest, ModelVersion>()('finetune', 'Makes a fine-tuned version the active one.'),

  forgetUser: method<ForgetUserRequest, ForgetReport>()('privacy', "Erases the user from the workspace (rows, free space, WAL) and the dataset's serving snapshots."),
};

export type ApiMethod = keyof typeof API_DECLARATION;
/** The argument of method M, `undefined` for methods without one. */
export type ApiInput<M extends ApiMethod> = (typeof API_DECLARATION)[M] extends MethodDecl<infer I, unknown> ? I : never;
/** The value method M returns on success. */
export type ApiValue<M extends ApiMethod> = (typeof API_DECLARATION)[M] extends MethodDecl<never, infer O> ? O : never;
export type ApiResult<M extends ApiMethod> = Result<ApiValue<M>>;
/** The methods of one group. */
export type ApiGroupMethod<G extends ApiGroup> = { [M in ApiMethod]: (typeof API_DECLARATION)[M]['group'] extends G ? M : never }[ApiMethod];

type Call<I, O> = [I] extends [undefined] ? () => Promise<Result<O>> : (request: I) => Promise<Result<O>>;

/** The Api: one method per declaration, each answering a Result (never throwing). */
export type Api = { [M in ApiMethod]: Call<ApiInput<M>, ApiValue<M>> };

/** Every method name, in declaration order. */
export const API_METHODS = Object.freeze(Object.keys(API_DECLARATION)) as readonly ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API_DECLARATION, name);
}

// ---------------------------------------------------------------------------------------------
// Channels

/** IPC channel of a method (main/index.ts registers it, preload/api-proxy.ts calls it). */
export function apiChannel(method: ApiMethod): string {
  return `knowrec:api:${method}`;
}

/** IPC channel of the events stream (main → renderer). */
export const EVENT_CHANNEL = 'knowrec:event';

/**
 * IPC channel of the desktop app's file chooser (main/index.ts answers with the OS file dialog,
 * preload/api-proxy.ts exposes it as `window.files`). Not an Api method: the browser bridge has
 * no dialog, its page keeps the path fields.
 */
export const FILE_CHOOSER_CHANNEL = 'knowrec:choose-file';

/** What a chosen file is for (the dialog's title and file filters). */
export type ImportFileRole = 'interactions' | 'items' | 'kg' | 'links';

export const IMPORT_FILE_ROLES: readonly ImportFileRole[] = ['interactions', 'items', 'kg', 'links'];

/** `window.files` in the desktop app: the path of the file the user picked (now readable by the Api), null when cancelled. */
export interface FileChooser {
  chooseFile(role: ImportFileRole): Promise<string | null>;
}

/** Path of the bridge's WebSocket for events (token in `?token=`). */
export const EVENTS_PATH = '/events';

/**
 * Builds an Api whose every method forwards to `call(method, input)`: one proxy for IPC and the
 * bridge. Methods without input are called with `undefined`.
 */
export function buildApiProxy(call: (method: ApiMethod, input: unknown) => Promise<unknown>): Api {
  const entries = API_METHODS.map((m) => [m, (input?: unknown) => call(m, input)] as const);
  return Object.fromEntries(entries) as unknown as Api;
}
