/**
 * Input validation at the boundary (zod): one entry per Api method with its input schema and an
 * example shown with invalid input. The record is typed over the contract, so the compiler asks
 * for an entry for every method and checks that each schema yields exactly the method's input.
 * Main process and bridge only: preload and renderer never import this file.
 */
import { z } from 'zod';
import {
  LANGS,
  MAX_HOPS,
  MAX_PAGE,
  MAX_RECOMMEND_K,
  MAX_SEEDS,
  MAX_SUBGRAPH_CAP,
  PROTOCOLS,
  type ApiInput,
  type ApiMethod,
} from './contract';


const pageFields = {
  offset: z.number({ error: 'offset must be a number' }).int('offset must be a whole number').min(0, 'offset must be 0 or more'),
  limit: z
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(MAX_PAGE, `limit must be at most ${MAX_PAGE}`),
};

/** Methods without input accept nothing, null or an empty object. */
const NoInputSchema = z.union([z.undefined(), z.null(), z.strictObject({})]).transform((): undefined => undefined);

const OpenWorkspaceRequestSchema = z.strictObject({
  path: z.string({ error: 'path must be a string' }).trim().min(1, 'path must not be empty').max(4096, 'path is too long'),
});

const ListItemsRequestSchema = z.strictObject({
  ...pageFields,
  query: z.string({ error: 'query must be a string' }).max(200, 'query must be at most 200 characters').optional(),
});

const ListUsersRequestSchema = z.strictObject(pageFields);

const UserHistoryRequestSchema = z.strictObject({
  user: z.string({ error: 'user must be a string' }).min(1, 'user must not be empty').max(500, 'user is too long'),
  limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(500, 'limit must be at most 500'),
});


const idField = (what: string) =>
  z.string({ error: `${what} must be a string` }).trim().min(1, `${what} must not be empty`).max(500, `${what} is too long`);

const KgSearchRequestSchema = z.strictObject({
  query: z.string({ error: 'query must be a string' }).trim().min(1, 'query must not be empty').max(200, 'query must be at most 200 characters'),
  limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(100, 'limit must be at most 100'),
});

const KgSubgraphRequestSchema = z
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
    perNode: z.number({ error: 'perNode must be a number' }).int('perNode must be a whole number').min(1, 'perNode must be at least 1').max(1000, 'perNode must be at most 1000').optional(),
  })
  .refine((r) => (r.item === undefined) !== (r.entity === undefined), { error: 'give exactly one of item or entity' });

const KgEndpointSchema = z
  .strictObject({ item: idField('item').optional(), entity: idField('entity').optional() })
  .refine((r) => (r.item === undefined) !== (r.entity === undefined), { error: 'give exactly one of item or entity for each end' });

const KgPathsRequestSchema = z.strictObject({
  from: KgEndpointSchema,
  to: KgEndpointSchema,
  maxLen: z.number({ error: 'maxLen must be a number' }).int('maxLen must be a whole number').min(1, 'maxLen must be at least 1').max(3, 'maxLen must be at most 3').optional(),
  limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(50, 'limit must be at most 50').optional(),
});

const KgItemRequestSchema = z.strictObject({ item: idField('item') });

const kField = z.number({ error: 'k must be a number' }).int('k must be a whole number').min(1, 'k must be at least 1').max(MAX_RECOMMEND_K, `k must be at most ${MAX_RECOMMEND_K}`);
const langField = z.enum(LANGS, { error: 'lang must be "en" or "zh"' });

const RecommendRequestSchema = z.strictObject({
  user: idField('user'),
  k: kField,
  lang: langField.optional(),
});

const RecommendQueryRequestSchema = z
  .strictObject({
    query: z.string({ error: 'query must be a string' }).trim().max(500, 'query must be at most 500 characters').optional(),
    items: z.array(idField('an item id'), { error: 'items must be a list of item ids' }).max(50, 'pick at most 50 items').optional(),
    k: kField,
    lang: langField.optional(),
  })
  .refine((r) => (r.query !== undefined && r.query !== '') || (r.items !== undefined && r.items.length > 0), {
    error: 'give a query text, or pick at least one item',
  });

const SetTextModelRequestSchema = z.strictObject({
  name: z.string({ error: 'name must be a string' }).trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
});

const ExplainPathRequestSchema = z.strictObject({
  user: idField('user'),
  item: idField('item'),
  cap: z.number({ error: 'cap must be a number' }).int('cap must be a whole number').min(2, 'cap must be at least 2').max(MAX_SUBGRAPH_CAP, `cap must be at most ${MAX_SUBGRAPH_CAP}`).optional(),
});

const factRef = z.strictObject({ item: idField('item'), relation: idField('relation'), entity: idField('entity') }, { error: 'a fact is {"item", "relation", "entity"}' });
const idList = (what: string, max: number) => z.array(idField(`an ${what} id`), { error: `${what}s must be a list of ids` }).max(max, `at most ${max} ${what}s`);

const WhatIfRequestSchema = z.strictObject({
  user: idField('user'),
  k: kField,
  item: idField('item').optional(),
  withoutHistory: idList('item', 200).optional(),
  withoutFacts: z.array(factRef, { error: 'withoutFacts must be a list of facts' }).max(200, 'at most 200 facts').optional(),
  cited: idList('item', 20).optional(),
});

const WhatIfModelRequestSchema = z.strictObject({ fit: z.boolean({ error: 'fit must be true or false' }).optional() });

// Jobs

/** Names of the registry datasets the import can fetch or find on disk (checked by the job, not here). */
const datasetName = z.string({ error: 'dataset must be a string' }).trim().min(1, 'dataset must not be empty').max(100, 'dataset name is too long');
const filePath = (what: string) => z.string({ error: `${what} must be a path` }).trim().min(1, `${what} must not be empty`).max(4096, `${what} is too long`);

const StartImportRequestSchema = z
  .strictObject({
    /** A registry name ("ml-100k"): read from KNOWREC_DATA_DIR or the cache, verified by SHA-256. */
    dataset: datasetName.optional(),
    /** Or files: a RecBole atomic folder … */
    folder: filePath('folder').optional(),
    /** … named so (default: the folder's name). */
    name: datasetName.optional(),
    pseudonymize: z.boolean({ error: 'pseudonymize must be true or false' }).optional(),
    dropAttributes: z.array(z.string().min(1).max(100), { error: 'dropAttributes must be a list of attribute names' }).max(50).optional(),
    generalize: z.boolean({ error: 'generalize must be true or false' }).optional(),
  })
  .refine((r) => (r.dataset === undefined) !== (r.folder === undefined), { error: 'give exactly one of dataset or folder' });

const columnName = (what: string) => z.string({ error: `${what} must be a column name` }).min(1, `${what} must not be empty`).max(256, `${what} is too long`);

const ImportMappingSchema = z.strictObject({
  interactions: z
    .strictObject({
      user: columnName('interactions.user').optional(),
      item: columnName('interactions.item').optional(),
      rating: columnName('interactions.rating').nullable().optional(),
      timestamp: columnName('interactions.timestamp').nullable().optional(),
      feedback: z.enum(['explicit', 'implicit'], { error: 'feedback must be "explicit" or "implicit"' }).optional(),
    })
    .optional(),
  items: z
    .strictObject({
      id: columnName('items.id').optional(),
      title: columnName('items.title').nullable().optional(),
      text: z.array(columnName('a text column'), { error: 'items.text must be a list of column names' }).max(50).optional(),
      lists: z.record(columnName('a list column'), z.string().min(1, 'a separator must not be empty').max(8, 'a separator is at most 8 characters')).optional(),
      yearFromTitle: z.boolean({ error: 'yearFromTitle must be true or false' }).optional(),
    })
    .optional(),
  links: z
    .strictObject({
      by: z.enum(['id', 'uri', 'title', 'id-or-label'], { error: 'links.by must be "id", "uri", "title" or "id-or-label"' }).optional(),
      item: columnName('links.item').optional(),
      entity: columnName('links.entity').optional(),
      title: columnName('links.title').optional(),
      year: z.boolean({ error: 'links.year must be true or false' }).optional(),
      column: columnName('links.column').optional(),
    })
    .optional(),
});

const ownFileFields = {
  interactions: filePath('interactions'),
  items: filePath('items').optional(),
  links: filePath('links').optional(),
  kg: z.array(filePath('a KG file'), { error: 'kg must be a list of paths' }).max(20, 'at most 20 KG files').optional(),
  mapping: ImportMappingSchema.optional(),
};

const PreviewImportRequestSchema = z.strictObject(ownFileFields);

const StartImportOwnRequestSchema = z.strictObject({
  ...ownFileFields,
  name: datasetName.optional(),
  pseudonymize: z.boolean({ error: 'pseudonymize must be true or false' }).optional(),
});

const StartEvaluationRequestSchema = z.strictObject({
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

const StartFitRequestSchema = z.strictObject({
  /** Items kept per user in the serving snapshot (default 20). */
  k: kField.optional(),
  /** Use the active fine-tuned adapter (hybrid-ft) when there is one (default false). */
  finetuned: z.boolean({ error: 'finetuned must be true or false' }).optional(),
});

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive(`${what} must be more than 0`);

const StartFinetuneRequestSchema = z.strictObject({
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

const JobIdRequestSchema = z.strictObject({ id: idField('job id') });

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

const KgAddFactRequestSchema = z.strictObject({
  head: endSchema('head'),
  relation: idField('relation'),
  tail: endSchema('tail'),
});

const KgRemoveFactRequestSchema = z.strictObject({
  head: idField('head'),
  relation: idField('relation'),
  tail: idField('tail'),
});

const PageRequestSchema = z.strictObject(pageFields);

// Runs and reports

const RunIdRequestSchema = z.strictObject({ id: idField('run id') });

const ExportReportRequestSchema = z
  .strictObject({
    run: idField('run').optional(),
    /** Explanations to include: (user, item) pairs; each is explained from the fitted model. */
    explanations: z.array(z.strictObject({ user: idField('user'), item: idField('item') }), { error: 'explanations must be a list of {user, item}' }).max(50, 'at most 50 explanations').optional(),
    lang: langField.optional(),
  })
  .refine((r) => r.run !== undefined || (r.explanations !== undefined && r.explanations.length > 0), { error: 'give a run, or at least one explanation' });

// Labels

const LabelQueueRequestSchema = z.strictObject({
  limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(200, 'limit must be at most 200'),
  strategy: z.enum(['mixed', 'uncertainty', 'disagreement', 'random'], { error: 'strategy must be "mixed", "uncertainty", "disagreement" or "random"' }).optional(),
  seed: z.number({ error: 'seed must be a number' }).int('seed must be a whole number').min(0, 'seed must be 0 or more').max(2 ** 31 - 1, 'seed is too large').optional(),
});

const labelValue = z.union([z.literal(0), z.literal(1)], { error: 'value must be 0 or 1' });
const authorField = z.string({ error: 'author must be a string' }).trim().min(1, 'author must not be empty').max(100, 'author is too long').optional();
const modelVersionField = z.string({ error: 'modelVersion must be a string' }).max(200, 'modelVersion is too long').nullable().optional();

const AddLabelRequestSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('relevance'), user: idField('user'), item: idField('item'), value: labelValue, author: authorField, modelVersion: modelVersionField }),
    z.strictObject({ kind: z.literal('fact'), head: idField('head'), relation: idField('relation'), tail: idField('tail'), value: labelValue, author: authorField, modelVersion: modelVersionField }),
  ],
  { error: 'kind must be "relevance" or "fact"' },
);

const ListLabelsRequestSchema = z.strictObject({
  ...pageFields,
  kind: z.enum(['relevance', 'fact', 'explanation'], { error: 'kind must be "relevance", "fact" or "explanation"' }).optional(),
});

const JudgeExplanationRequestSchema = z.strictObject({
  user: idField('user'),
  item: idField('item'),
  verdict: z.enum(['accept', 'reject'], { error: 'verdict must be "accept" or "reject"' }),
  history: idList('item', 20),
  facts: z.array(z.string({ error: 'a fact must be a string' }).max(1000, 'a fact is too long'), { error: 'facts must be a list of strings' }).max(20, 'at most 20 facts'),
  ties: z.array(factRef, { error: 'ties must be a list of facts' }).max(50, 'at most 50 ties').optional(),
  reason: z.string({ error: 'reason must be a string' }).max(2000, 'reason is too long').optional(),
  author: authorField,
  modelVersion: modelVersionField,
});

const VersionIdRequestSchema = z.strictObject({ id: idField('version id') });

const ForgetUserRequestSchema = z.strictObject({ user: idField('user') });

// ---------------------------------------------------------------------------------------------
// One entry per method

/** An input schema and an example shown with invalid input (null for methods without input). */
export interface MethodSchema<M extends ApiMethod> {
  readonly input: z.ZodType<ApiInput<M>>;
  readonly example: ApiInput<M> extends undefined ? null : string;
}

export type ApiSchemas = { readonly [M in ApiMethod]: MethodSchema<M> };

const none = { input: NoInputSchema, example: null } as const;
const byId = (what: string): string => `send {"id": "<${what} id>"}`;
const pageExample = `send {"offset": 0, "limit": 50} with limit between 1 and ${MAX_PAGE}`;

export const apiSchemas = {
  version: none,
  workspaceSummary: none,
  openWorkspace: { input: OpenWorkspaceRequestSchema, example: 'send {"path": "/absolute/path/to/workspace.sqlite"}' },
  listItems: { input: ListItemsRequestSchema, example: `send {"offset": 0, "limit": 50, "query": "optional text"} with limit between 1 and ${MAX_PAGE}` },
  listUsers: { input: ListUsersRequestSchema, example: pageExample },
  userHistory: { input: UserHistoryRequestSchema, example: 'send {"user": "1", "limit": 10} with limit between 1 and 500' },
  kgSearch: { input: KgSearchRequestSchema, example: 'send {"query": "Toy Story", "limit": 20} with limit between 1 and 100' },
  kgSubgraph: {
    input: KgSubgraphRequestSchema,
    example: `send {"item": "1", "hops": 1, "cap": 200} (or "entity" instead of "item"; optional "relations": [...], "perNode": 8) with hops 1..${MAX_HOPS} and cap 1..${MAX_SUBGRAPH_CAP}`,
  },
  kgPaths: { input: KgPathsRequestSchema, example: 'send {"from": {"item": "1"}, "to": {"item": "50"}} (or "entity" ends; optional "maxLen": 1..3, "limit": 1..50)' },
  kgItem: { input: KgItemRequestSchema, example: 'send {"item": "1"}' },
  recommend: { input: RecommendRequestSchema, example: `send {"user": "1", "k": 10} (optional "lang": "en" or "zh") with k between 1 and ${MAX_RECOMMEND_K}` },
  modelUsers: { input: ListItemsRequestSchema, example: `send {"offset": 0, "limit": 50} (optional "query": "part of an id") with limit between 1 and ${MAX_PAGE}` },
  recommendQuery: { input: RecommendQueryRequestSchema, example: 'send {"query": "animated film for children", "k": 10} or {"items": ["1", "50"], "k": 10}' },
  whatIf: {
    input: WhatIfRequestSchema,
    example: 'send {"user": "1", "k": 10, "item": "50", "withoutHistory": ["181"], "withoutFacts": [{"item": "181", "relation": "<relation>", "entity": "<entity id>"}]}',
  },
  whatIfModel: { input: WhatIfModelRequestSchema, example: 'send {} for the state, {"fit": true} to start fitting' },
  listTextModels: none,
  setTextModel: { input: SetTextModelRequestSchema, example: 'send {"name": "multilingual-e5-small"} (listTextModels names them)' },
  explainPath: { input: ExplainPathRequestSchema, example: 'send {"user": "1", "item": "50"} (optional "cap": 200)' },
  startImport: {
    input: StartImportRequestSchema,
    example: 'send {"dataset": "ml-100k"} or {"folder": "/path/to/recbole/folder", "name": "mydata"} (optional "pseudonymize": true)',
  },
  previewImport: {
    input: PreviewImportRequestSchema,
    example: 'send {"interactions": "/path/ratings.csv", "items": "/path/items.csv"} (optional "links", "kg": [...], "mapping": {"interactions": {"user": "…"}})',
  },
  startImportOwn: {
    input: StartImportOwnRequestSchema,
    example: 'send {"interactions": "/path/ratings.csv", "items": "/path/items.csv", "kg": ["/path/kg.ttl"], "mapping": {…}, "name": "shop"}',
  },
  importReport: none,
  listModels: none,
  startEvaluation: {
    input: StartEvaluationRequestSchema,
    example: `send {"protocol": "recbole", "models": ["pop", "ease"], "seeds": [2020], "k": 10} (optional "tune": false), at most ${MAX_SEEDS} seeds`,
  },
  startFit: { input: StartFitRequestSchema, example: 'send {} or {"k": 20, "finetuned": true}' },
  startFinetune: { input: StartFinetuneRequestSchema, example: 'send {} for defaults, or e.g. {"epochs": 10, "learningRate": 0.001, "temperature": 0.05, "seed": 2020}' },
  resumeJob: { input: JobIdRequestSchema, example: byId('job') },
  cancelJob: { input: JobIdRequestSchema, example: byId('job') },
  getJob: { input: JobIdRequestSchema, example: byId('job') },
  listJobs: none,
  kgAddFact: {
    input: KgAddFactRequestSchema,
    example: 'send {"head": {"item": "1"}, "relation": "film.film.directed_by", "tail": {"entity": "m.0abc"}} (tail may be {"name": "New entity"})',
  },
  kgRemoveFact: { input: KgRemoveFactRequestSchema, example: 'send {"head": "<entity id>", "relation": "<relation>", "tail": "<entity id>"}' },
  kgUndo: none,
  kgEdits: { input: PageRequestSchema, example: pageExample },
  listRuns: none,
  getRun: { input: RunIdRequestSchema, example: byId('run') },
  exportReport: { input: ExportReportRequestSchema, example: 'send {"run": "<run id>"} and/or {"explanations": [{"user": "1", "item": "50"}]} (optional "lang")' },
  labelQueue: { input: LabelQueueRequestSchema, example: 'send {"limit": 20} with limit between 1 and 200 (optional "strategy": "mixed" | "uncertainty" | "disagreement" | "random", "seed": 0)' },
  addLabel: {
    input: AddLabelRequestSchema,
    example: 'send {"kind": "relevance", "user": "1", "item": "50", "value": 1} or {"kind": "fact", "head": "<entity>", "relation": "<relation>", "tail": "<entity>", "value": 0}',
  },
  judgeExplanation: {
    input: JudgeExplanationRequestSchema,
    example: 'send {"user": "1", "item": "50", "verdict": "accept", "history": ["181"], "facts": ["…"]} (optional "ties", "reason", "author")',
  },
  undoLabel: none,
  listLabels: { input: ListLabelsRequestSchema, example: 'send {"offset": 0, "limit": 50} (optional "kind": "relevance", "fact" or "explanation")' },
  labelStats: none,
  listModelVersions: none,
  activateModelVersion: { input: VersionIdRequestSchema, example: byId('version') },
  forgetUser: { input: ForgetUserRequestSchema, example: 'send {"user": "<user id>"}' },
} as const satisfies ApiSchemas;

/** T with intersections flattened and readonly dropped, recursively (for comparing shapes). */
type Plain<T> = T extends readonly (infer U)[] ? Plain<U>[] : T extends object ? { -readonly [K in keyof T]: Plain<T[K]> } : T;
/** True when A and B are the same type once both are Plain. */
type Same<A, B> = (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;
/** Methods whose schema output is not exactly the contract's input (none, or this fails to compile). */
type Drift = { [M in ApiMethod]: Same<z.output<(typeof apiSchemas)[M]['input']>, ApiInput<M>> extends true ? never : M }[ApiMethod];
const exact: [Drift] extends [never] ? true : ['schema output differs from the contract for', Drift] = true;
void exact;
