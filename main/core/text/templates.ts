/**
 * Verbalizer templates: one JSON data file per language under resources/templates/. The
 * built-in files (en, zh) are bundled through JSON imports; other files can be loaded from disk
 * with loadTemplateFile. Every file is validated: a missing or ill-typed key, or a phrase that
 * lacks a placeholder it needs, throws a KnowrecError naming the file and the key.
 */
import { readFileSync } from 'node:fs';
import { KnowrecError } from '../errors';
import { canonicalRelation, inverseRelation, relationWords } from '../kg';
import type { CatalogDomain } from './domain';
import enJson from '../../../resources/templates/en.json';
import zhJson from '../../../resources/templates/zh.json';

export interface Templates {
  readonly lang: string;
  /** Where the templates came from (for error messages). */
  readonly file: string;
  readonly list: { readonly joiner: string };
  readonly sentence: { readonly end: string; readonly separator: string; readonly capitalize: boolean };
  readonly item: {
    readonly title: string;
    readonly genres: string;
    readonly year: string;
    readonly decade: string;
    readonly attribute: string;
    readonly description: string;
  };
  readonly facts: {
    readonly director: string;
    readonly actor: string;
    readonly actorExtra: string;
    readonly writer: string;
    readonly producer: string;
    readonly language: string;
    readonly country: string;
    readonly award: string;
    readonly nomination: string;
    readonly genre: string;
    readonly generic: string;
    readonly genericUnknown: string;
  };
  readonly shared: {
    readonly director: string;
    readonly actor: string;
    readonly writer: string;
    readonly producer: string;
  };
  readonly user: {
    readonly intro: string;
    readonly rated: string;
    readonly introImplicit: string;
    readonly item: string;
    readonly joiner: string;
    readonly empty: string;
  };
  /** Relation name → phrase for a fact read from the item outwards ("directed by"). */
  readonly relations: Readonly<Record<string, string>>;
  /** Relation name → phrase for a fact whose triple points at the item (inverse direction). */
  readonly inverseRelations: Readonly<Record<string, string>>;
  /** Catalog genre → translated genre; genres not listed are printed as they are. */
  readonly genres: Readonly<Record<string, string>>;
  /**
   * Optional: the phrases to use instead when the catalog's items are not works (catalogDomain
   * 'general': bands, people, products), by dotted key (NEUTRAL_KEYS). zh quotes titles with
   * “” rather than 《》 and says 选择过 rather than 看过 there.
   */
  readonly neutral?: Readonly<Partial<Record<NeutralKey, string>>>;
}

/** The keys a template file's `neutral` section may override. */
export const NEUTRAL_KEYS = ['item.title', 'user.intro', 'user.rated', 'user.introImplicit', 'user.item'] as const;
export type NeutralKey = (typeof NEUTRAL_KEYS)[number];

/** A string key, with the placeholders its phrase must contain and those it may contain. */
interface StringKey {
  readonly path: string;
  readonly required: readonly string[];
  readonly optional?: readonly string[];
}

const STRING_KEYS: readonly StringKey[] = [
  { path: 'lang', required: [] },
  { path: 'list.joiner', required: [] },
  { path: 'sentence.end', required: [] },
  { path: 'sentence.separator', required: [] },
  { path: 'item.title', required: ['title'] },
  { path: 'item.genres', required: ['list'] },
  { path: 'item.year', required: ['year'] },
  { path: 'item.decade', required: ['decade'] },
  { path: 'item.attribute', required: ['name', 'value'] },
  { path: 'item.description', required: ['text'] },
  ...['director', 'actor', 'actorExtra', 'writer', 'producer', 'language', 'country', 'award', 'nomination', 'genre'].map(
    (k) => ({ path: `facts.${k}`, required: ['list'] }),
  ),
  { path: 'facts.generic', required: ['relation', 'list'] },
  { path: 'facts.genericUnknown', required: ['relation', 'list'] },
  ...['director', 'actor', 'writer', 'producer'].map((k) => ({ path: `shared.${k}`, required: ['list'] })),
  { path: 'user.intro', required: ['list'] },
  { path: 'user.rated', required: ['title', 'rating'], optional: ['max'] },
  { path: 'user.introImplicit', required: ['list'] },
  { path: 'user.item', required: ['title'] },
  { path: 'user.joiner', required: [] },
  { path: 'user.empty', required: [] },
];

const BOOLEAN_KEYS: readonly string[] = ['sentence.capitalize'];
const MAP_KEYS: readonly string[] = ['relations', 'inverseRelations', 'genres'];

/** Every key a template file must have (dotted paths), for documentation and tests. */
export const TEMPLATE_KEYS: readonly string[] = [
  ...STRING_KEYS.map((k) => k.path),
  ...BOOLEAN_KEYS,
  ...MAP_KEYS,
];

function missing(file: string, key: string, what: string): KnowrecError {
  return new KnowrecError(
    'validation',
    `Template key "${key}" ${what}`,
    { file },
    `add "${key}" to ${file}; resources/templates/en.json lists every key`,
  );
}

function lookup(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** A phrase is a string with the placeholders its key needs and no others. */
function checkPhrase(file: string, k: StringKey, where: string, v: unknown): void {
  if (v === undefined) throw missing(file, where, 'is missing');
  if (typeof v !== 'string') throw missing(file, where, `must be a string, found ${typeof v}`);
  const found = new Set(Array.from(v.matchAll(PLACEHOLDER), (m) => m[1]));
  for (const p of k.required) {
    if (!found.has(p)) throw missing(file, where, `must contain the placeholder {${p}}`);
  }
  const allowed = new Set([...k.required, ...(k.optional ?? [])]);
  for (const p of found) {
    if (!allowed.has(p)) {
      const list = [...allowed].map((a) => `{${a}}`).join(', ') || 'none';
      throw missing(file, where, `has an unknown placeholder {${p}} (allowed: ${list})`);
    }
  }
}

/** The optional `neutral` section: known keys only, each phrase as its key's own rules say. */
function checkNeutral(file: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw missing(file, 'neutral', 'must be an object of strings');
  for (const [key, phrase] of Object.entries(v)) {
    const k = STRING_KEYS.find((s) => s.path === key);
    if (k === undefined || !(NEUTRAL_KEYS as readonly string[]).includes(key)) {
      throw missing(file, `neutral.${key}`, `is not a key it can override (${NEUTRAL_KEYS.join(', ')})`);
    }
    checkPhrase(file, k, `neutral.${key}`, phrase);
  }
}

/**
 * Checks a parsed template object and returns it typed. `file` names the source in errors.
 * Throws KnowrecError('validation') naming the file and the first bad key.
 */
export function parseTemplates(value: unknown, file: string): Templates {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KnowrecError('validation', 'A template file must hold one JSON object', { file }, 'see resources/templates/en.json');
  }
  for (const k of STRING_KEYS) checkPhrase(file, k, k.path, lookup(value, k.path));
  checkNeutral(file, lookup(value, 'neutral'));
  for (const path of BOOLEAN_KEYS) {
    const v = lookup(value, path);
    if (v === undefined) throw missing(file, path, 'is missing');
    if (typeof v !== 'boolean') throw missing(file, path, `must be true or false, found ${typeof v}`);
  }
  for (const path of MAP_KEYS) {
    const v = lookup(value, path);
    if (v === undefined) throw missing(file, path, 'is missing');
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw missing(file, path, 'must be an object of strings');
    for (const [name, phrase] of Object.entries(v)) {
      if (typeof phrase !== 'string' || phrase.trim().length === 0) {
        throw missing(file, `${path}.${name}`, 'must be a non-empty string');
      }
    }
  }
  return { ...(value as Omit<Templates, 'file'>), file };
}

/** 1-based line and column of character offset `pos` in `text`. */
function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: pos - start + 1 };
}

/** Parses template JSON text; syntax errors name the line and column. */
export function parseTemplateText(text: string, file: string): Templates {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const loc = m === null ? {} : lineColumn(text, Number(m[1]));
    throw new KnowrecError('parse', `Template file is not valid JSON: ${msg}`, { file, ...loc }, 'fix the JSON syntax');
  }
  return parseTemplates(value, file);
}

/** Reads and validates a template file from disk (e.g. a user's own language). */
export function loadTemplateFile(file: string): Templates {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KnowrecError('not-found', `Cannot read the template file: ${(e as Error).message}`, { file }, 'check the path');
  }
  return parseTemplateText(text, file);
}

const BUILT_IN: Readonly<Record<string, unknown>> = { en: enJson, zh: zhJson };
const cache = new Map<string, Templates>();

/** Languages with bundled templates. */
export const BUILT_IN_LANGS: readonly string[] = Object.keys(BUILT_IN);

/** The bundled, validated templates for `lang` ('en', 'zh'). */
export function getTemplates(lang: string): Templates {
  const hit = cache.get(lang);
  if (hit !== undefined) return hit;
  const raw = Object.hasOwn(BUILT_IN, lang) ? BUILT_IN[lang] : undefined;
  if (raw === undefined) {
    throw new KnowrecError(
      'config',
      `No templates for language "${lang}"`,
      {},
      `use one of ${BUILT_IN_LANGS.join(', ')}, or load your own file with loadTemplateFile`,
    );
  }
  const t = parseTemplates(raw, `resources/templates/${lang}.json`);
  cache.set(lang, t);
  return t;
}

/**
 * The templates for a catalog of the given domain: for 'general' the file's `neutral` phrases
 * replace the ones they name; for 'works' (or a file without them) `t` itself.
 */
export function templatesForDomain(t: Templates, domain: CatalogDomain): Templates {
  const n = t.neutral;
  if (domain === 'works' || n === undefined) return t;
  return {
    ...t,
    item: { ...t.item, title: n['item.title'] ?? t.item.title },
    user: {
      ...t.user,
      intro: n['user.intro'] ?? t.user.intro,
      rated: n['user.rated'] ?? t.user.rated,
      introImplicit: n['user.introImplicit'] ?? t.user.introImplicit,
      item: n['user.item'] ?? t.user.item,
    },
  };
}

/** Which way a fact's triple points: 'out' item → entity, 'in' entity → item. */
export type FactDirection = 'out' | 'in';

/**
 * The phrase for `relation` in the templates' language, read from the item outwards
 * ("directed by"); `direction` 'in' means the triple points at the item. `known` is false when
 * the templates have no phrase: then 'out' gives the relation's words ("band member": Morcheeba's
 * band member is Skye) and 'in' the KG module's inverse phrase ("band member of": Skye is a band
 * member of Morcheeba) — never the forward words for a triple that points the other way.
 */
export function relationPhrase(
  relation: string,
  templates: Templates,
  direction: FactDirection = 'out',
): { phrase: string; known: boolean } {
  const name = canonicalRelation(relation);
  const table = direction === 'in' ? templates.inverseRelations : templates.relations;
  if (Object.hasOwn(table, name)) return { phrase: table[name], known: true };
  return { phrase: direction === 'in' ? inverseRelation(name) : relationWords(name), known: false };
}
