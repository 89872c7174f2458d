/**
 * Model options as they appear in grids, results files and command lines, and their checking
 * against a model's option specs (numeric options also accept numeric strings).
 */
import { KnowrecError } from '../errors';

export type OptionValue = number | string | boolean;
export type ScorerOptions = Readonly<Record<string, OptionValue>>;

export type OptionSpec =
  | { readonly kind: 'int'; readonly min: number; readonly help: string }
  | { readonly kind: 'number'; readonly min: number; readonly exclusive: boolean; readonly help: string }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly help: string };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Checked option values by name (numbers parsed). */
export type CheckedOptions = ReadonlyMap<string, number | string>;

/** Checks `opts` against `specs`; unknown options and bad values are config errors naming the model. */
export function checkOptions(model: string, specs: OptionSpecs, opts: Readonly<Record<string, unknown>>): CheckedOptions {
  const valid = Object.keys(specs);
  const out = new Map<string, number | string>();
  for (const [key, raw] of Object.entries(opts)) {
    if (raw === undefined) continue;
    const s = specs[key];
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

export function num(o: CheckedOptions, key: string): number | undefined {
  const v = o.get(key);
  return typeof v === 'number' ? v : undefined;
}

export function str(o: CheckedOptions, key: string): string | undefined {
  const v = o.get(key);
  return typeof v === 'string' ? v : undefined;
}
