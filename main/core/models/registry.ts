/**
 * The models by name: one entry per model with its description, the models it is built from,
 * its options, the grid tried on validation, and how to build it from a ModelEnvironment. The
 * CLI, the jobs (model factory, demo) and the app's model list read this registry.
 */
import { KnowrecError } from '../errors';
import type { FeatureFlags, HybridSource } from '../rank/features';
import { HybridScorer } from '../rank/hybrid';
import { kgFactSource } from '../text';
import type { FitContext, Scorer } from '../types';
import { BPR_DEFAULTS, BprScorer, type BprOptimizer } from './bpr';
import { EASE_DEFAULTS, EaseScorer } from './ease';
import { tuneEase } from './ease-tune';
import type { ModelEnvironment } from './environment';
import { ITEMKNN_DEFAULTS, ItemKnnScorer } from './itemknn';
import { KgEmbedScorer } from './kg-embed';
import { KgProfileScorer } from './kg-profile';
import { checkOptions, num, str, type CheckedOptions, type OptionSpecs, type ScorerOptions } from './options';
import { PopScorer } from './pop';
import { isScaleMode, SCALE_MODE } from './scale';
import { SemanticScorer } from './semantic';
import { SemanticFtScorer } from './semantic-ft';
import { tuneGrid, type TuneResult } from './tune';

export type { OptionValue, ScorerOptions } from './options';

/** popularity and collaborative models need no environment; the others need an encoder, a KG or fitted sources. */
export type ModelKind = 'popularity' | 'collaborative' | 'text' | 'knowledge' | 'hybrid';
/** Protocols of the demo run (`knowrec demo`). */
export type DemoProtocol = 'recbole' | 'cold-items';

/** Callbacks that cannot be written into a config file. */
export interface ScorerHooks {
  /** Validation metric of a scorer in its current state; BPR uses it for early stopping. */
  readonly validate?: (scorer: Scorer) => number;
  /** The users `validate` scores, when a sample (ModelEnvironment.validationUsers). */
  readonly validationUsers?: Int32Array;
}

export interface ModelEntry {
  readonly name: string;
  readonly kind: ModelKind;
  /** One sentence for lists and help. */
  readonly description: string;
  /** Models it is built from, in order: a hybrid's fused sources, semantic-ft's base. */
  readonly sources: readonly string[];
  /** Options it accepts (name → spec with help). */
  readonly options: OptionSpecs;
  /** Full option sets tried on validation when tuning; empty: the model tunes itself through env.validate, or has nothing to tune. */
  readonly grid: readonly ScorerOptions[];
  /** Demo protocols that evaluate it. */
  readonly demo: readonly DemoProtocol[];
  /** Hybrids: the kind of source the variant leaves out (an ablation), and its feature switches. */
  readonly drops?: ModelKind;
  readonly features?: FeatureFlags;
  /** A new, unfitted scorer; options are checked against `options` first. */
  readonly build: (env: ModelEnvironment, ctx: FitContext, options: CheckedOptions) => Scorer | Promise<Scorer>;
  /** Models that need no environment: a new, unfitted scorer from options and hooks alone. */
  readonly create?: (options: CheckedOptions, hooks: ScorerHooks) => Scorer;
}

/** A model's description as plain data (for lists in the app and the CLI). */
export interface ModelInfo {
  readonly name: string;
  readonly kind: ModelKind;
  readonly description: string;
  readonly sources: readonly string[];
  /** Option name → help. */
  readonly options: Readonly<Record<string, string>>;
}

const BOTH: readonly DemoProtocol[] = ['recbole', 'cold-items'];
const WARM: readonly DemoProtocol[] = ['recbole'];

function standalone(
  name: string,
  kind: ModelKind,
  description: string,
  demo: readonly DemoProtocol[],
  options: OptionSpecs,
  grid: readonly ScorerOptions[],
  create: (o: CheckedOptions, hooks: ScorerHooks) => Scorer,
): ModelEntry {
  return { name, kind, description, sources: [], options, grid, demo, create, build: (env, ctx, o) => create(withScaleDefaults(name, ctx, o), { validate: env.validate, validationUsers: env.validationUsers }) };
}

/**
 * In scale mode (scale.ts: large user × item catalogs only), the scale-mode defaults of the
 * options the caller did not give: bpr sparse Adam with fewer epochs, ease a smaller dense head.
 */
export function withScaleDefaults(name: string, ctx: Pick<FitContext, 'nUsers' | 'nItems'>, o: CheckedOptions): CheckedOptions {
  if (!isScaleMode(ctx.nUsers, ctx.nItems)) return o;
  const d: Record<string, Record<string, number | string>> = {
    bpr: { optimizer: 'sparse-adam', epochs: SCALE_MODE.bprEpochs, evalEvery: SCALE_MODE.bprEvalEvery, patience: SCALE_MODE.bprPatience },
    ease: { maxItems: SCALE_MODE.easeMaxItems },
    itemknn: { maxUserItems: SCALE_MODE.itemknnMaxUserItems },
  };
  return new Map([...Object.entries(d[name] ?? {}), ...o]);
}

const ITEMKNN_OPTIONS: OptionSpecs = {
  k: { kind: 'int', min: 1, help: `neighbours per item (default ${ITEMKNN_DEFAULTS.k})` },
  shrink: { kind: 'number', min: 0, exclusive: false, help: `cosine shrinkage (default ${ITEMKNN_DEFAULTS.shrink})` },
  weighting: { kind: 'enum', values: ['binary', 'rating'], help: `interaction weights (default ${ITEMKNN_DEFAULTS.weighting})` },
  maxUserItems: { kind: 'int', min: 1, help: 'similarities counted over at most this many sampled items per user (default: all; scale mode: fewer)' },
};

const EASE_OPTIONS: OptionSpecs = {
  lambda: { kind: 'number', min: 0, exclusive: true, help: `L2 regularisation (default ${EASE_DEFAULTS.lambda})` },
  maxItems: { kind: 'int', min: 1, help: `dense model over at most this many most interacted items, the rest ranked after them (default ${EASE_DEFAULTS.maxItems})` },
};

const BPR_OPTIONS: OptionSpecs = {
  dim: { kind: 'int', min: 1, help: `embedding size (default ${BPR_DEFAULTS.dim})` },
  lr: { kind: 'number', min: 0, exclusive: true, help: `learning rate (default ${BPR_DEFAULTS.lr})` },
  reg: { kind: 'number', min: 0, exclusive: false, help: `L2 weight (default ${BPR_DEFAULTS.reg})` },
  epochs: { kind: 'int', min: 1, help: `maximum epochs (default ${BPR_DEFAULTS.epochs})` },
  batchSize: { kind: 'int', min: 1, help: `pairs per batch (default ${BPR_DEFAULTS.batchSize})` },
  optimizer: { kind: 'enum', values: ['adam', 'sparse-adam', 'sgd'], help: `optimiser (default ${BPR_DEFAULTS.optimizer}; sparse-adam in scale mode)` },
  initStd: { kind: 'number', min: 0, exclusive: true, help: `init std (default ${BPR_DEFAULTS.initStd})` },
  evalEvery: { kind: 'int', min: 1, help: `epochs between validations (default ${BPR_DEFAULTS.evalEvery})` },
  patience: { kind: 'int', min: 1, help: `validations without improvement before stopping (default ${BPR_DEFAULTS.patience})` },
  seed: { kind: 'int', min: 0, help: 'seed (default: the fit context seed)' },
};

const SINGLE_MODELS: readonly ModelEntry[] = [
  standalone('pop', 'popularity', 'Most interacted items in training, the same list for everyone.', BOTH, {}, [{}], () => new PopScorer()),
  standalone('itemknn', 'collaborative', 'Item-based nearest neighbours: cosine similarity of the items’ interaction columns.', WARM, ITEMKNN_OPTIONS,
    [20, 50, 100, 200].map((k) => ({ k })),
    (o) => new ItemKnnScorer({ k: num(o, 'k'), shrink: num(o, 'shrink'), weighting: str(o, 'weighting') as 'binary' | 'rating' | undefined, maxUserItems: num(o, 'maxUserItems') })),
  standalone('ease', 'collaborative', 'EASE: a closed-form linear item-to-item model with L2 regularisation.', WARM, EASE_OPTIONS,
    [100, 250, 500, 1000].map((lambda) => ({ lambda })),
    (o) => new EaseScorer({ lambda: num(o, 'lambda'), maxItems: num(o, 'maxItems') })),
  standalone('bpr', 'collaborative', 'Matrix factorisation trained with the BPR pairwise loss, early stopping on validation.', BOTH, BPR_OPTIONS,
    [0.003, 0.01, 0.03].map((reg) => ({ reg })),
    (o, hooks) => newBpr(o, hooks)),
  {
    name: 'semantic', kind: 'text', sources: [], options: {}, grid: [], demo: BOTH,
    description: 'Language-model scorer: items and users put into sentences (titles, attributes, KG facts) and encoded; cosine of the vectors.',
    build: buildSemantic,
  },
  {
    name: 'semantic-ft', kind: 'text', sources: ['semantic'], options: {}, grid: [], demo: [],
    description: 'semantic through a fine-tuned adapter: the active one when trained on this very split, else one trained on the fit context.',
    build: buildSemanticFt,
  },
  {
    name: 'kg-profile', kind: 'knowledge', sources: [], options: {}, grid: [], demo: BOTH,
    description: 'KG-profile matching: an item’s KG entities scored against the user’s smoothed profile of the entities of their history.',
    build: (env, ctx) => new KgProfileScorer({ kg: env.kgIndex(ctx), validate: env.tune && ctx.valid.user.length > 0 ? env.validate : undefined }),
  },
  {
    name: 'kg-embed', kind: 'knowledge', sources: [], options: {}, grid: [], demo: BOTH,
    description: 'CKE-style embeddings: BPR with item vectors built from KG entities trained by TransE, so new items score through their facts.',
    build: (env, ctx) => new KgEmbedScorer({
      validate: ctx.valid.user.length > 0 ? env.validate : undefined,
      validationUsers: env.validationUsers,
      ...(isScaleMode(ctx.nUsers, ctx.nItems) ? { epochs: SCALE_MODE.kgEmbedEpochs, patience: SCALE_MODE.kgEmbedPatience, pairsPerEpoch: SCALE_MODE.kgEmbedPairsPerEpoch } : {}),
    }),
  },
];

/** The hybrid's sources, in the order their features are built. */
const HYBRID_SOURCES = ['semantic', 'itemknn', 'ease', 'bpr', 'kg-profile', 'kg-embed', 'pop'] as const;

interface HybridSpec {
  readonly name: string;
  readonly description: string;
  readonly demo: readonly DemoProtocol[];
  /** Default: HYBRID_SOURCES minus the sources of the kind it drops. */
  readonly sources?: readonly string[];
  readonly drops?: ModelKind;
  readonly features?: FeatureFlags;
  /** Learn the fusion only on an inner holdout carved from train (never on validation targets). */
  readonly stacked?: boolean;
}

const HYBRIDS: readonly HybridSpec[] = [
  { name: 'hybrid', demo: BOTH, description: `Learned fusion of ${HYBRID_SOURCES.join(', ')}: a ranker fitted on the validation split.` },
  { name: 'hybrid-no-kg', demo: WARM, drops: 'knowledge', features: { kgOverlap: false }, description: 'hybrid without kg-profile, kg-embed and the KG-overlap features.' },
  { name: 'hybrid-no-text', demo: WARM, drops: 'text', features: { historySimilarity: false }, description: 'hybrid without semantic and the history-similarity features.' },
  { name: 'hybrid-no-cf', demo: WARM, drops: 'collaborative', description: 'hybrid without itemknn, ease and bpr (popularity stays).' },
  {
    name: 'hybrid-ft', demo: [], sources: HYBRID_SOURCES.map((s) => (s === 'semantic' ? 'semantic-ft' : s)),
    description: 'hybrid with the fine-tuned semantic-ft in place of semantic.',
  },
  {
    name: 'hybrid-stacked', demo: [], stacked: true,
    description: 'hybrid whose fusion never sees validation targets: it learns on a holdout carved from train, the sources refitted on the rest.',
  },
];

const BY_KIND_OF_SINGLE = new Map(SINGLE_MODELS.map((m) => [m.name, m.kind]));
const MODELS: readonly ModelEntry[] = [...SINGLE_MODELS, ...HYBRIDS.map(hybridEntry)];
const BY_NAME = new Map(MODELS.map((m) => [m.name, m]));

/** Every model, in list order. */
export function modelEntries(): readonly ModelEntry[] {
  return MODELS;
}

export function modelNames(): string[] {
  return MODELS.map((m) => m.name);
}

/** The entry of `name`; a config error listing the known models otherwise. */
export function modelEntry(name: string): ModelEntry {
  const e = BY_NAME.get(name);
  if (e === undefined) throw new KnowrecError('config', `Unknown model '${name}'`, {}, `known models: ${modelNames().join(', ')}`);
  return e;
}

/** Every model as plain data (names, kinds, descriptions, sources, option help). */
export function modelCatalog(): ModelInfo[] {
  return MODELS.map((m) => ({ name: m.name, kind: m.kind, description: m.description, sources: [...m.sources], options: optionHelp(m) }));
}

/** The models the demo evaluates under `protocol`, in list order. */
export function demoModels(protocol: DemoProtocol): string[] {
  return MODELS.filter((m) => m.demo.includes(protocol)).map((m) => m.name);
}

/** Names and help of the options a model accepts. */
export function scorerOptionHelp(name: string): Readonly<Record<string, string>> {
  return optionHelp(modelEntry(name));
}

/** A small grid of options to try on the validation split (every entry is a full option set). */
export function defaultGrid(name: string): ScorerOptions[] {
  return [...modelEntry(name).grid];
}

/** A new, unfitted scorer of `name` built from `env`; options are checked against the model's list. */
export async function buildModel(name: string, env: ModelEnvironment, ctx: FitContext, opts: Readonly<Record<string, unknown>> = {}): Promise<Scorer> {
  const e = modelEntry(name);
  return e.build(env, ctx, checkOptions(name, e.options, opts));
}

/**
 * A new, unfitted scorer of a model that needs no environment (popularity and collaborative
 * ones). Options are checked against the model's list; numeric options also accept numeric
 * strings (as typed on a command line).
 */
export function createScorer(name: string, opts: Readonly<Record<string, unknown>> = {}, hooks: ScorerHooks = {}): Scorer {
  const e = modelEntry(name);
  if (e.create === undefined) {
    const own = MODELS.filter((m) => m.create !== undefined).map((m) => m.name);
    throw new KnowrecError('config', `Model '${name}' needs a model environment (encoder, KG index or fitted sources)`, {},
      `build it with buildModel or fitModel; createScorer takes ${own.join(', ')}`);
  }
  return e.create(checkOptions(name, e.options, opts), hooks);
}

/** Fits createScorer(name, options) for every grid entry on ctx; keeps the best on validation. */
export function tuneOnValidation(
  name: string,
  grid: readonly ScorerOptions[],
  ctx: FitContext,
  validate: (scorer: Scorer) => number,
): Promise<TuneResult> {
  const create = (o: ScorerOptions): Scorer => createScorer(name, o, { validate });
  return name === 'ease' ? tuneEase(grid, create, ctx, validate) : tuneGrid(name, grid, create, ctx, validate);
}

/**
 * What a hybrid variant keeps of `allSourceNames` (in their order) and its feature switches:
 * hybrid-no-kg drops the knowledge models and the kg-overlap features, hybrid-no-text the text
 * models and history-similarity, hybrid-no-cf the collaborative ones (popularity stays).
 */
export function ablationSources(name: string, allSourceNames: readonly string[]): { sources: string[]; features: FeatureFlags } {
  const e = BY_NAME.get(name);
  if (e === undefined || e.kind !== 'hybrid' || (name !== 'hybrid' && e.drops === undefined)) {
    const variants = MODELS.filter((m) => m.name === 'hybrid' || m.drops !== undefined).map((m) => m.name);
    throw new KnowrecError('config', `Unknown hybrid variant '${name}'`, {}, `use one of ${variants.join(', ')}`);
  }
  return { sources: allSourceNames.filter((s) => e.drops === undefined || BY_NAME.get(s)?.kind !== e.drops), features: e.features ?? {} };
}

function optionHelp(m: ModelEntry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, s] of Object.entries(m.options)) out[k] = s.help;
  return out;
}

function newBpr(o: CheckedOptions, hooks: ScorerHooks): BprScorer {
  return new BprScorer({
    dim: num(o, 'dim'),
    lr: num(o, 'lr'),
    reg: num(o, 'reg'),
    epochs: num(o, 'epochs'),
    batchSize: num(o, 'batchSize'),
    optimizer: str(o, 'optimizer') as BprOptimizer | undefined,
    initStd: num(o, 'initStd'),
    evalEvery: num(o, 'evalEvery'),
    patience: num(o, 'patience'),
    seed: num(o, 'seed'),
    validate: hooks.validate,
    validationUsers: hooks.validationUsers,
  });
}

async function buildSemantic(env: ModelEnvironment, ctx: FitContext): Promise<Scorer> {
  const encoder = await env.encoder();
  const popularity = new Float32Array(ctx.nItems);
  for (let i = 0; i < ctx.train.item.length; i++) popularity[ctx.train.item[i]]++;
  return new SemanticScorer({
    encoder,
    lang: env.lang,
    facts: kgFactSource(env.kgIndex(ctx), { popularity }),
    countTokens: env.countTokens(),
    validate: env.tune && ctx.valid.user.length > 0 ? env.validate : undefined,
  });
}

/** The adapter is trained on the fit context (train pairs, valid early stopping; never test) unless the active one may be used. */
async function buildSemanticFt(env: ModelEnvironment, ctx: FitContext): Promise<Scorer> {
  const base = (await env.fitted('semantic', ctx)) as SemanticScorer;
  const active = env.activeAdapter(ctx);
  const s = new SemanticFtScorer({
    base,
    encoder: await env.encoder(),
    lang: env.lang,
    countTokens: env.countTokens(),
    trainer: env.trainAdapter,
    ...(active === null ? {} : { adapter: active.adapter }),
  });
  if (active !== null) ctx.onProgress?.({ stage: 'semantic-ft', message: `using the active adapter ${active.version}`, code: 'activeAdapter', params: { version: active.version } });
  return s;
}

function hybridEntry(spec: HybridSpec): ModelEntry {
  const drops = spec.drops;
  const sources = spec.sources ?? HYBRID_SOURCES.filter((s) => drops === undefined || BY_KIND_OF_SINGLE.get(s) !== drops);
  const features = spec.features ?? {};
  return {
    name: spec.name,
    kind: 'hybrid',
    description: spec.description,
    sources,
    options: {},
    grid: [],
    demo: spec.demo,
    ...(drops === undefined ? {} : { drops }),
    features,
    build: (env, ctx) => buildHybrid(env, ctx, spec.name, sources, features, spec.stacked === true),
  };
}


/**
 * Every hybrid but hybrid-stacked learns its fusion on the validation split, in every protocol;
 * hybrid-stacked learns only on a holdout carved from train, with the sources refitted (and tuned
 * on validation, as they are for the outer fit) on the rest.
 */
async function buildHybrid(
  env: ModelEnvironment,
  ctx: FitContext,
  name: string,
  sourceNames: readonly string[],
  features: FeatureFlags,
  stacked: boolean,
): Promise<Scorer> {
  const sources = await fitSources(env, ctx, sourceNames);
  let semantic: SemanticScorer | SemanticFtScorer | null = null;
  for (const s of sources) if (s.scorer instanceof SemanticScorer || s.scorer instanceof SemanticFtScorer) semantic = s.scorer;
  const sem = semantic;
  return new HybridScorer({
    name,
    sources,
    kg: features.kgOverlap === false ? undefined : env.kgIndex(ctx),
    itemVectors: sem !== null && features.historySimilarity !== false ? (i: number) => sem.itemVector(i) : undefined,
    features,
    seed: ctx.seed,
    ...(stacked ? { useValid: false, inner: { use: 'always' as const, refit: (ictx: FitContext) => fitSources(env, ictx, sourceNames) } } : {}),
  });
}

async function fitSources(env: ModelEnvironment, ctx: FitContext, names: readonly string[]): Promise<HybridSource[]> {
  const out: HybridSource[] = [];
  for (const name of names) out.push({ name, scorer: await env.fitted(name, ctx) });
  return out;
}
