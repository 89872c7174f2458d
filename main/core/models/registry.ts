/**
 * Baseline scorers by name, with their options checked, and the small hyper-parameter grids
 * used for tuning on the validation split.
 */
import { KnowrecError } from '../errors';
import type { Scorer } from '../types';
import { BPR_DEFAULTS, BprScorer } from './bpr';
import { EASE_DEFAULTS, EaseScorer } from './ease';
import { ITEMKNN_DEFAULTS, ItemKnnScorer } from './itemknn';
import { PopScorer } from './pop';

export const BASELINE_NAMES = ['pop', 'itemknn', 'ease', 'bpr'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

/** Option values as they appear in grids, results files and command lines. */
export type OptionValue = number | string | boolean;
export type ScorerOptions = Readonly<Record<string, OptionValue>>;

/** Callbacks that cannot be written into a config file. */
export interface ScorerHooks {
  /** Validation metric of a scorer in its current state; BPR uses it for early stopping. */
  readonly validate?: (scorer: Scorer) => number;
}

type OptionSpec =
  | { readonly kind: 'int'; readonly min: number; readonly help: string }
  | { readonly kind: 'number'; readonly min: number; readonly exclusive: boolean; readonly help: string }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly help: string };

const SPECS: Readonly<Record<BaselineName, Readonly<Record<string, OptionSpec>>>> = {
  pop: {},
  itemknn: {
    k: { kind: 'int', min: 1, help: `neighbours per item (default ${ITEMKNN_DEFAULTS.k})` },
    shrink: { kind: 'number', min: 0, exclusive: false, help: `cosine shrinkage (default ${ITEMKNN_DEFAULTS.shrink})` },
    weighting: { kind: 'enum', values: ['binary', 'rating'], help: `interaction weights (default ${ITEMKNN_DEFAULTS.weighting})` },
  },
  ease: {
    lambda: { kind: 'number', min: 0, exclusive: true, help: `L2 regularisation (default ${EASE_DEFAULTS.lambda})` },
  },
  bpr: {
    dim: { kind: 'int', min: 1, help: `embedding size (default ${BPR_DEFAULTS.dim})` },
    lr: { kind: 'number', min: 0, exclusive: true, help: `learning rate (default ${BPR_DEFAULTS.lr})` },
    reg: { kind: 'number', min: 0, exclusive: false, help: `L2 weight (default ${BPR_DEFAULTS.reg})` },
    epochs: { kind: 'int', min: 1, help: `maximum epochs (default ${BPR_DEFAULTS.epochs})` },
    batchSize: { kind: 'int', min: 1, help: `pairs per batch (default ${BPR_DEFAULTS.batchSize})` },
    optimizer: { kind: 'enum', values: ['adam', 'sgd'], help: `optimiser (default ${BPR_DEFAULTS.optimizer})` },
    initStd: { kind: 'number', min: 0, exclusive: true, help: `init std (default ${BPR_DEFAULTS.initStd})` },
    evalEvery: { kind: 'int', min: 1, help: `epochs between validations (default ${BPR_DEFAULTS.evalEvery})` },
    patience: { kind: 'int', min: 1, help: `validations without improvement before stopping (default ${BPR_DEFAULTS.patience})` },
    seed: { kind: 'int', min: 0, help: 'seed (default: the fit context seed)' },
  },
};

export function isBaselineName(name: string): name is BaselineName {
  return (BASELINE_NAMES as readonly string[]).includes(name);
}

/** Names and help of the options a baseline accepts. */
export function scorerOptionHelp(name: string): Readonly<Record<string, string>> {
  const spec = SPECS[checkName(name)];
  const out: Record<string, string> = {};
  for (const [k, s] of Object.entries(spec)) out[k] = s.help;
  return out;
}

/**
 * A new, unfitted baseline scorer. Options are checked against the model's list; numeric
 * options also accept numeric strings (as typed on a command line).
 */
export function createScorer(name: string, opts: Readonly<Record<string, unknown>> = {}, hooks: ScorerHooks = {}): Scorer {
  const model = checkName(name);
  const o = checkOptions(model, opts);
  switch (model) {
    case 'pop':
      return new PopScorer();
    case 'itemknn':
      return new ItemKnnScorer({
        k: num(o, 'k'),
        shrink: num(o, 'shrink'),
        weighting: str(o, 'weighting') as 'binary' | 'rating' | undefined,
      });
    case 'ease':
      return new EaseScorer({ lambda: num(o, 'lambda') });
    case 'bpr':
      return new BprScorer({
        dim: num(o, 'dim'),
        lr: num(o, 'lr'),
        reg: num(o, 'reg'),
        epochs: num(o, 'epochs'),
        batchSize: num(o, 'batchSize'),
        optimizer: str(o, 'optimizer') as 'adam' | 'sgd' | undefined,
        initStd: num(o, 'initStd'),
        evalEvery: num(o, 'evalEvery'),
        patience: num(o, 'patience'),
        seed: num(o, 'seed'),
        validate: hooks.validate,
      });
  }
}

/** A small grid of options to try on the validation split (every entry is a full option set). */
export function defaultGrid(name: string): ScorerOptions[] {
  switch (checkName(name)) {
    case 'pop':
      return [{}];
    case 'itemknn':
      return [20, 50, 100, 200].map((k) => ({ k }));
    case 'ease':
      return [100, 250, 500, 1000].map((lambda) => ({ lambda }));
    case 'bpr':
      return [0.003, 0.01, 0.03].map((reg) => ({ reg }));
  }
}

function checkName(name: string): BaselineName {
  if (!isBaselineName(name)) {
    throw new KnowrecError('config', `Unknown model '${name}'`, {}, `use one of ${BASELINE_NAMES.join(', ')}`);
  }
  return name;
}

function checkOptions(model: BaselineName, opts: Readonly<Record<string, unknown>>): Map<string, number | string> {
  const spec = SPECS[model];
  const valid = Object.keys(spec);
  const out = new Map<string, number | string>();
  for (const [key, raw] of Object.entries(opts)) {
    if (raw === undefined) continue;
    const s = spec[key];
    if (s === undefined) {
      throw new KnowrecError('config', `Unknown option '${key}' for model '${model}'`, {},
        valid.length > 0 ? `valid options: ${valid.join(', ')}` : `'${model}' takes no options`);
    }
    out.set(key, checkValue(model, key, s, raw));
  }
  return out;
}

function checkValue(model: string, key: string, s: OptionSpec, raw: unknown): number | string {
  const where = `${model}.${key}`;
  if (s.kind === 'enum') {
    if (typeof raw !== 'string' || !s.values.includes(raw)) {
      throw new KnowrecError('config', `${where} must be one of ${s.values.join(', ')}, got ${JSON.stringify(raw)}`, {}, s.help);
    }
    return raw;
  }
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(v)) {
    throw new KnowrecError('config', `${where} must be a number, got ${JSON.stringify(raw)}`, {}, s.help);
  }
  if (s.kind === 'int' && (!Number.isInteger(v) || v < s.min)) {
    throw new KnowrecError('config', `${where} must be an integer ≥ ${s.min}, got ${v}`, {}, s.help);
  }
  if (s.kind === 'number' && (s.exclusive ? !(v > s.min) : !(v >= s.min))) {
    throw new KnowrecError('config', `${where} must be ${s.exclusive ? '>' : '≥'} ${s.min}, got ${v}`, {}, s.help);
  }
  return v;
}

function num(o: Map<string, number | string>, key: string): number | undefined {
  const v = o.get(key);
  return typeof v === 'number' ? v : undefined;
}

function str(o: Map<string, number | string>, key: string): string | undefined {
  const v = o.get(key);
  return typeof v === 'string' ? v : undefined;
}
