/** Argument parsing helpers for the `knowrec` CLI: strict, with messages that say how to fix. */
import { KnowrecError } from './core/errors';

export type Flags = Record<string, string | boolean | undefined>;

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly help: string;
  readonly default?: string | boolean;
  /** A string flag that may be given more than once: the values are joined with ',' (read with `list`). */
  readonly repeat?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
}

/** Parses `argv` against a command's flags. Unknown flags and missing values are errors. */
export function parseFlags(spec: CommandSpec, argv: readonly string[]): Flags {
  const out: Flags = {};
  const byShort = new Map<string, string>();
  const given = new Set<string>();
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.short !== undefined) byShort.set(f.short, name);
    if (f.default !== undefined) out[name] = f.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      if (name.startsWith('no-') && spec.flags[name] === undefined && spec.flags[name.slice(3)]?.type === 'boolean') {
        out[name.slice(3)] = false;
        continue;
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      name = byShort.get(arg.slice(1));
      if (name === undefined) throw unknownFlag(spec, arg);
    } else {
      throw new KnowrecError('config', `Unexpected argument '${arg}' for '${spec.name}'`, {}, `usage: ${spec.usage}`);
    }
    const f = spec.flags[name];
    if (f === undefined) throw unknownFlag(spec, arg);
    if (f.type === 'boolean') {
      out[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new KnowrecError('config', `Flag --${name} needs a value`, {}, `usage: ${spec.usage}`);
    }
    const before = out[name];
    out[name] = f.repeat === true && given.has(name) && typeof before === 'string' ? `${before},${value}` : value;
    given.add(name);
  }
  return out;
}

function unknownFlag(spec: CommandSpec, arg: string): KnowrecError {
  const known = Object.keys(spec.flags).map((n) => `--${n}`).join(', ');
  return new KnowrecError('config', `Unknown flag '${arg}' for '${spec.name}'`, {}, `known flags: ${known}`);
}

export function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function bool(flags: Flags, name: string): boolean {
  return flags[name] === true;
}

export function int(flags: Flags, name: string, fallback: number, min = -Infinity): number {
  const v = str(flags, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new KnowrecError('config', `--${name} must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got '${v}'`);
  }
  return n;
}

export function num(flags: Flags, name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new KnowrecError('config', `--${name} must be a number, got '${v}'`);
  return n;
}

export function list(flags: Flags, name: string): string[] {
  const v = str(flags, name);
  if (v === undefined) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function helpText(spec: CommandSpec): string {
  const lines = [`knowrec ${spec.name} — ${spec.summary}`, '', `usage: ${spec.usage}`, '', 'flags:'];
  for (const [name, f] of Object.entries(spec.flags)) {
    const flag = `${f.short !== undefined ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ' VALUE' : ''}`;
    const def = f.default !== undefined ? ` (default: ${String(f.default)})` : '';
    lines.push(`  ${flag.padEnd(26)} ${f.help}${def}`);
  }
  return lines.join('\n');
}
