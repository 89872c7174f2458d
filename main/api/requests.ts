/**
 * The Api's request types and limits (zod-free, like contract.ts, which re-exports them):
 * schemas.ts validates each request; the compiler checks that its output is exactly the type.
 */
/** Largest page a list call may ask for. */
export const MAX_PAGE = 500;
/** Most nodes a KG subgraph may ask for. */
export const MAX_SUBGRAPH_CAP = 2000;
/** Most hops a KG subgraph may ask for. */
export const MAX_HOPS = 3;
/** Most recommendations one call may ask for. */
export const MAX_RECOMMEND_K = 100;
/** Language of reasons and sentences. */
export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
export const PROTOCOLS = ['recbole', 'loo', 'cold-items'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const MAX_SEEDS = 5;

export interface OpenWorkspaceRequest {
  path: string;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export interface ListItemsRequest extends PageRequest {
  query?: string;
}

export type ListUsersRequest = PageRequest;

export interface UserHistoryRequest {
  user: string;
  /** Most items returned (highest rated first). */
  limit: number;
}

export interface KgSearchRequest {
  query: string;
  limit: number;
}

/** Exactly one of item or entity. */
export interface KgSubgraphRequest {
  item?: string;
  entity?: string;
  hops: number;
  relations?: string[];
  cap: number;
  /** Beyond the first hop, at most this many new neighbours per node (best connected first). */
  perNode?: number;
}

/** An explorer node: exactly one of item or entity. */
export interface KgEndpoint {
  item?: string;
  entity?: string;
}

export interface KgPathsRequest {
  from: KgEndpoint;
  to: KgEndpoint;
  /** Longest path in edges, 1..3 (default 3). */
  maxLen?: number;
  /** Most paths (default 5). */
  limit?: number;
}

export interface KgItemRequest {
  item: string;
}

export interface RecommendRequest {
  user: string;
  k: number;
  lang?: Lang;
}

/** A query text, picked items, or both. */
export interface RecommendQueryRequest {
  query?: string;
  items?: string[];
  k: number;
  lang?: Lang;
}

/** The user's list without some history items and/or KG ties of history items (no refit). */
export interface WhatIfModelRequest {
  /** Start fitting the what-if model (off the main thread) when none is fitted or fitting. */
  fit?: boolean;
}

export interface WhatIfRequest {
  user: string;
  k: number;
  /** The explained item: its ranks, contributors and KG ties come back. */
  item?: string;
  /** History items left out (item ids). */
  withoutHistory?: string[];
  /** KG ties of history items left out. */
  withoutFacts?: { item: string; relation: string; entity: string }[];
  /** History items to list beside the top contributors (the explanation's cited items). */
  cited?: string[];
}

export type ExplanationVerdict = 'accept' | 'reject';

/** An analyst's verdict on an explanation, with what it cited as provenance. */
export interface JudgeExplanationRequest {
  user: string;
  item: string;
  verdict: ExplanationVerdict;
  /** The history items the explanation cited (item ids). */
  history: string[];
  /** The facts it cited, as shown. */
  facts: string[];
  /** The KG ties it cited, when known. */
  ties?: { item: string; relation: string; entity: string }[];
  reason?: string;
  author?: string;
  modelVersion?: string | null;
}

export interface SetTextModelRequest {
  /** A prepared text model's name, as listTextModels gives it. */
  name: string;
}

export interface ExplainPathRequest {
  user: string;
  item: string;
  cap?: number;
}

/** Exactly one of dataset (a registry name, verified by SHA-256) or folder (RecBole atomic files). */
export interface StartImportRequest {
  dataset?: string;
  folder?: string;
  /** The dataset's name when importing a folder (default: the folder's name). */
  name?: string;
  /** Keyed-hash pseudonyms instead of user ids (the key is the app's, kept outside the workspace). */
  pseudonymize?: boolean;
  /** User attributes not to store (e.g. age, gender, occupation, zip). */
  dropAttributes?: string[];
  /** Age as a decade band, zip codes cut to 3 characters. */
  generalize?: boolean;
}

/** A column mapping for own files (docs/data-formats.md, "Your own data"); keys left out are inferred. */
export interface ImportMappingRequest {
  interactions?: { user?: string; item?: string; rating?: string | null; timestamp?: string | null; feedback?: 'explicit' | 'implicit' };
  items?: { id?: string; title?: string | null; text?: string[]; lists?: Record<string, string>; yearFromTitle?: boolean };
  /** How items link to KG entities: {item, entity} (links table by id), {title, entity, year} (by title), {by: 'uri', column}. */
  links?: { by?: 'id' | 'uri' | 'title' | 'id-or-label'; item?: string; entity?: string; title?: string; year?: boolean; column?: string };
}

/** An analyst's own files: tables (CSV/TSV, Parquet, JSON Lines) and KG files (Turtle, N-Triples). */
export interface PreviewImportRequest {
  interactions: string;
  items?: string;
  /** A table linking item ids to KG entities. */
  links?: string;
  kg?: string[];
  mapping?: ImportMappingRequest;
}

export interface StartImportOwnRequest extends PreviewImportRequest {
  /** The dataset's name (default: the interactions file's folder name). */
  name?: string;
  /** Keyed-hash pseudonyms instead of user ids. */
  pseudonymize?: boolean;
}

export interface StartEvaluationRequest {
  protocol: Protocol;
  models: string[];
  seeds: number[];
  k: number;
  /** Tune hyper-parameters on validation (default true; false is faster). */
  tune?: boolean;
}

export interface StartFitRequest {
  /** Items kept per user in the serving snapshot (default 20). */
  k?: number;
  /** Use the active fine-tuned adapter (hybrid-ft) when there is one (default false). */
  finetuned?: boolean;
}

export interface StartFinetuneRequest {
  epochs?: number;
  learningRate?: number;
  temperature?: number;
  weightDecay?: number;
  dropout?: number;
  rank?: number;
  batchSize?: number;
  patience?: number;
  seed?: number;
  /** Train on the interactions (default true) and/or the relevance labels (default true). */
  useInteractions?: boolean;
  useLabels?: boolean;
}

export interface JobIdRequest {
  id: string;
}

/** One end of a new fact: exactly one of an item, an entity or a new entity's name (tail only). */
export interface FactEndRequest {
  item?: string;
  entity?: string;
  name?: string;
}

export interface KgAddFactRequest {
  head: FactEndRequest;
  relation: string;
  tail: FactEndRequest;
}

export interface KgRemoveFactRequest {
  head: string;
  relation: string;
  tail: string;
}

export interface RunIdRequest {
  id: string;
}

/** A run, explanations ((user, item) pairs explained from the fitted model), or both. */
export interface ExportReportRequest {
  run?: string;
  explanations?: { user: string; item: string }[];
  lang?: Lang;
}

export interface LabelQueueRequest {
  limit: number;
  /** How pairs are ordered (default 'mixed'); see main/core/rank/label-queue.ts. */
  strategy?: 'mixed' | 'uncertainty' | 'disagreement' | 'random';
  /** Seed of the 'random' strategy (default 0). */
  seed?: number;
}

interface LabelMeta {
  value: 0 | 1;
  author?: string;
  modelVersion?: string | null;
}

export type AddLabelRequest =
  | ({ kind: 'relevance'; user: string; item: string } & LabelMeta)
  | ({ kind: 'fact'; head: string; relation: string; tail: string } & LabelMeta);

export interface ListLabelsRequest extends PageRequest {
  kind?: 'relevance' | 'fact' | 'explanation';
}

export interface VersionIdRequest {
  id: string;
}

export interface ForgetUserRequest {
  user: string;
}

