/**
 * The column mapping of an own-data import: which column of which table plays which role.
 * Inferred from headers and sampled values, printed as JSON the user can save, edit and pass
 * back (`--map mapping.json`); keys given there win over inference, keys left out are inferred.
 *   {"interactions": {"user": "userID", "item": "artistID", "rating": "weight", "timestamp": "ts", "feedback": "implicit"},
 *    "items": {"id": "id", "title": "name", "text": ["description"], "lists": {"genres": "|"}},
 *    "links": {"item": "item_id", "entity": "uri"}}
 */
import { KnowrecError } from '../errors';
import { echo } from './limits';
import { isNumberType, isTimeType, LIST_JOIN, type TableSample } from './tables';

export type Feedback = 'explicit' | 'implicit';

export interface InteractionsMapping {
  readonly user?: string;
  readonly item?: string;
  /** null: no rating column (every weight 1). */
  readonly rating?: string | null;
  /** null: no timestamp column. */
  readonly timestamp?: string | null;
  /** explicit: a rating scale; implicit: a count or weight of plays, clicks, purchases. */
  readonly feedback?: Feedback;
}

export interface ItemsMapping {
  readonly id?: string;
  readonly title?: string | null;
  /** Free-text columns (the item's text record). */
  readonly text?: readonly string[];
  /** Columns holding separated lists, with their separator. */
  readonly lists?: Readonly<Record<string, string>>;
  /** Take "(1995)" at the end of the title as attributes.release_year. */
  readonly yearFromTitle?: boolean;
}

/** How items link to KG entities (link.ts linkSpecFromMapping): {"item", "entity"} (a links table by id), {"title", "entity", "year"} (by title), {"by": "uri", "column"} (the id or an item column is the entity IRI). */
export interface LinksMapping {
  readonly by?: 'id' | 'uri' | 'title' | 'id-or-label';
  readonly item?: string;
  readonly entity?: string;
  readonly title?: string;
  readonly year?: boolean;
  readonly column?: string;
}

export interface ImportMapping {
  readonly interactions?: InteractionsMapping;
  readonly items?: ItemsMapping;
  readonly links?: LinksMapping;
}

/** A mapping with every role decided (what the import uses and prints). */
export interface ResolvedMapping {
  readonly interactions: { user: string; item: string; rating: string | null; timestamp: string | null; feedback: Feedback };
  readonly items?: { id: string; title: string | null; text: string[]; lists: Record<string, string>; yearFromTitle: boolean };
  /** As given; after an import with a KG, how the items were linked. */
  readonly links?: LinksMapping;
}

export interface MappingSamples {
  readonly interactions: TableSample;
  readonly items?: TableSample;
  readonly links?: TableSample;
}

const USER = /^(user|users|user_?id|uid|u_?id|customer(_?id)?|visitor(_?id)?|member(_?id)?|account(_?id)?|client(_?id)?|person(_?id)?|reader(_?id)?|listener(_?id)?|viewer(_?id)?|buyer(_?id)?|profile(_?id)?)$/i;
const ITEM = /(item|movie|film|artist|product|track|song|book|sku|article|asin|game|video|course|recipe|business|restaurant|poi|place|news|doc|title_?id|show|episode|album|object|content)/i;
const TIME = /(time|^ts$|date|when|created|epoch|stamp)/i;
const EXPLICIT = /(rating|rate|score|stars?|grade|vote)/i;
const IMPLICIT = /(weight|plays?|play_?count|count|clicks?|listens?|views?|qty|quantity|freq|frequency|purchases?|visits?|n_|num)/i;
const ID = /^(id|item_?id|itemid|.*_id|.*id)$/i;
const TITLE = /(title|name|label|headline)/i;
const TEXT = /(desc|summary|overview|plot|text|abstract|review|about|synopsis|content|body|blurb|comment)/i;
const SEPARATORS = ['|', ';', ',', '/'];

/** Column names of a sample whose values are all numbers (or typed as numbers). */
function numeric(s: TableSample, col: number): boolean {
  if (isNumberType(s.columns[col].type)) return true;
  const vals = s.rows.map((r) => r[col]).filter((v): v is string => v !== null && v.trim() !== '');
  return vals.length > 0 && vals.every((v) => Number.isFinite(Number(v)));
}

/** At least 90% of the sampled values are numbers (a column named like a rating with a typo in it is still one: the bad row fails with its line). */
function mostlyNumeric(s: TableSample, col: number): boolean {
  if (isNumberType(s.columns[col].type)) return true;
  const vals = s.rows.map((r) => r[col]).filter((v): v is string => v !== null && v.trim() !== '');
  return vals.length > 0 && vals.filter((v) => Number.isFinite(Number(v))).length >= 0.9 * vals.length;
}

function values(s: TableSample, col: number): string[] {
  return s.rows.map((r) => r[col]).filter((v): v is string => v !== null && v !== '');
}

function pick(s: TableSample, taken: Set<string>, ok: (name: string, col: number) => boolean): string | null {
  for (let c = 0; c < s.columns.length; c++) {
    const name = s.columns[c].name;
    if (!taken.has(name) && ok(name, c)) {
      taken.add(name);
      return name;
    }
  }
  return null;
}

function checkColumn(s: TableSample, name: string | null | undefined, key: string): void {
  if (name === null || name === undefined) return;
  if (!s.columns.some((c) => c.name === name)) {
    throw new KnowrecError('config', `the mapping's ${key} names the column "${echo(name, 40)}", which this file does not have`, { file: s.file }, `its columns are ${s.columns.map((c) => `"${echo(c.name, 40)}"`).join(', ')}: fix the mapping file`);
  }
}

/** explicit when the column is named like a rating or holds a small scale (≤ 10, ≤ 11 values); else implicit. */
export function inferFeedback(s: TableSample, rating: string | null): Feedback {
  if (rating === null) return 'implicit';
  if (EXPLICIT.test(rating)) return 'explicit';
  if (IMPLICIT.test(rating)) return 'implicit';
  const col = s.columns.findIndex((c) => c.name === rating);
  const xs = values(s, col).map(Number).filter(Number.isFinite);
  const small = xs.every((x) => x >= 0 && x <= 10) && new Set(xs).size <= 11;
  return xs.length > 0 && small ? 'explicit' : 'implicit';
}

function interactionsMapping(s: TableSample, given: InteractionsMapping = {}): ResolvedMapping['interactions'] {
  for (const k of ['user', 'item', 'rating', 'timestamp'] as const) checkColumn(s, given[k], `interactions.${k}`);
  const taken = new Set<string>([given.user, given.item, given.rating, given.timestamp].filter((v): v is string => typeof v === 'string'));
  const user = given.user ?? pick(s, taken, (n) => USER.test(n)) ?? pick(s, taken, (n) => /user/i.test(n)) ?? pick(s, taken, () => true);
  const item = given.item ?? pick(s, taken, (n) => ITEM.test(n)) ?? pick(s, taken, (n) => ID.test(n)) ?? pick(s, taken, () => true);
  if (user === null || item === null) {
    throw new KnowrecError('validation', 'the interactions file needs at least two columns (user and item)', { file: s.file }, 'check the delimiter, or pass a mapping with --map');
  }
  const timestamp =
    given.timestamp !== undefined ? given.timestamp : pick(s, taken, (n, c) => isTimeType(s.columns[c].type) || (TIME.test(n) && (numeric(s, c) || s.columns[c].type === 'VARCHAR')));
  const rating =
    given.rating !== undefined ? given.rating : pick(s, taken, (n, c) => (EXPLICIT.test(n) || IMPLICIT.test(n)) && mostlyNumeric(s, c)) ?? pick(s, taken, (_n, c) => numeric(s, c));
  const feedback = given.feedback ?? inferFeedback(s, rating);
  if (feedback !== 'explicit' && feedback !== 'implicit') throw new KnowrecError('config', `interactions.feedback must be "explicit" or "implicit", not "${echo(String(feedback), 20)}"`, {}, 'fix the mapping file');
  return { user, item, rating, timestamp, feedback };
}

/** Whether most values are links (scheme://…): never a list, never text to read. */
function mostlyLinks(vals: readonly string[]): boolean {
  return vals.length > 0 && vals.filter((v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim())).length >= vals.length / 2;
}

/** The separator most values of a text column hold, when its pieces look like tags. */
export function sniffSeparator(vals: readonly string[]): string | null {
  if (vals.length === 0) return null;
  const avg = vals.reduce((a, v) => a + v.length, 0) / vals.length;
  if (avg > 120) return null;
  // links hold "/" but are one value each
  if (mostlyLinks(vals)) return null;
  let best: string | null = null;
  let bestFrac = 0.2;
  for (const sep of SEPARATORS) {
    const holding = vals.filter((v) => v.includes(sep));
    const frac = holding.length / vals.length;
    if (frac <= bestFrac) continue;
    const pieces = holding.flatMap((v) => v.split(sep).map((p) => p.trim()));
    const pieceAvg = pieces.reduce((a, p) => a + p.length, 0) / Math.max(1, pieces.length);
    // tags are short and most hold no sentence (a comma in prose is not a list)
    const wordy = pieces.filter((p) => p.split(/\s+/).length > 4).length / Math.max(1, pieces.length);
    if (pieceAvg <= 25 && wordy < 0.2) {
      best = sep;
      bestFrac = frac;
    }
  }
  return best;
}

function itemsMapping(s: TableSample, interactionItem: string, given: ItemsMapping = {}): NonNullable<ResolvedMapping['items']> {
  checkColumn(s, given.id, 'items.id');
  checkColumn(s, given.title, 'items.title');
  for (const t of given.text ?? []) checkColumn(s, t, 'items.text');
  for (const l of Object.keys(given.lists ?? {})) checkColumn(s, l, 'items.lists');
  const taken = new Set<string>([given.id, given.title, ...(given.text ?? []), ...Object.keys(given.lists ?? {})].filter((v): v is string => typeof v === 'string'));
  const id = given.id ?? pick(s, taken, (n) => n === interactionItem) ?? pick(s, taken, (n) => ID.test(n) || ITEM.test(n)) ?? pick(s, taken, () => true);
  if (id === null) throw new KnowrecError('validation', 'the items file has no columns', { file: s.file }, 'check the file');
  const title = given.title !== undefined ? given.title : pick(s, taken, (n, c) => TITLE.test(n) && !numeric(s, c));
  let lists: Record<string, string> = { ...(given.lists ?? {}) };
  let text: string[] = [...(given.text ?? [])];
  if (given.lists === undefined) {
    for (let c = 0; c < s.columns.length; c++) {
      const name = s.columns[c].name;
      if (taken.has(name)) continue;
      const sep = s.columns[c].type.endsWith('[]') ? LIST_JOIN : numeric(s, c) ? null : sniffSeparator(values(s, c));
      if (sep !== null && (given.text === undefined || !TEXT.test(name))) {
        lists = { ...lists, [name]: sep };
        taken.add(name);
      }
    }
  }
  if (given.text === undefined) {
    for (let c = 0; c < s.columns.length; c++) {
      const name = s.columns[c].name;
      if (taken.has(name) || numeric(s, c)) continue;
      const vals = values(s, c);
      const avg = vals.reduce((a, v) => a + v.length, 0) / Math.max(1, vals.length);
      if (!mostlyLinks(vals) && (TEXT.test(name) || avg >= 40)) {
        text = [...text, name];
        taken.add(name);
      }
    }
  }
  const titles = title === null ? [] : values(s, s.columns.findIndex((c) => c.name === title));
  const yearFromTitle = given.yearFromTitle ?? (titles.length > 0 && titles.filter((t) => /\(\d{4}\)\s*$/.test(t)).length >= titles.length / 2);
  return { id, title, text, lists, yearFromTitle };
}

/** The mapping for these files: `given` where it says, inferred elsewhere. */
export function resolveMapping(samples: MappingSamples, given: ImportMapping = {}): ResolvedMapping {
  const interactions = interactionsMapping(samples.interactions, given.interactions);
  return {
    interactions,
    items: samples.items === undefined ? undefined : itemsMapping(samples.items, interactions.item, given.items),
    ...(given.links === undefined ? {} : { links: given.links }),
  };
}

/** The role of each column of a file under a mapping, for the preview ("user", "list |", "attribute", …). */
export function columnRoles(s: TableSample, which: keyof ResolvedMapping, m: ResolvedMapping): string[] {
  return s.columns.map(({ name }) => {
    if (which === 'interactions') {
      const x = m.interactions;
      if (name === x.user) return 'user';
      if (name === x.item) return 'item';
      if (name === x.rating) return x.feedback === 'explicit' ? 'rating (explicit)' : 'weight (implicit)';
      if (name === x.timestamp) return 'timestamp';
      return 'ignored';
    }
    if (which === 'links') {
      const l = m.links;
      if (l === undefined) return 'inferred at import';
      return name === l.item ? 'item' : name === l.entity ? 'entity' : name === l.title ? 'title' : 'ignored';
    }
    const it = m.items;
    if (it === undefined) return 'ignored';
    if (name === it.id) return 'id';
    if (name === it.title) return 'title';
    if (it.text.includes(name)) return 'text';
    const sep = it.lists[name];
    if (sep !== undefined) return sep === LIST_JOIN ? 'list' : `list ${sep}`;
    return 'attribute';
  });
}

const KEYS: Readonly<Record<string, readonly string[]>> = {
  '': ['interactions', 'items', 'links'],
  interactions: ['user', 'item', 'rating', 'timestamp', 'feedback'],
  items: ['id', 'title', 'text', 'lists', 'yearFromTitle'],
  links: ['by', 'item', 'entity', 'title', 'year', 'column'],
};

/** Checks a mapping read from JSON: known keys, column names as strings, lists of strings. */
export function parseMapping(value: unknown, file?: string): ImportMapping {
  const bad = (what: string, fix: string): never => {
    throw new KnowrecError('config', `mapping: ${what}`, { file }, fix);
  };
  const obj = (v: unknown, at: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${at === '' ? 'the mapping' : at} must be an object`, 'see docs/data-formats.md, "Your own data"');
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!KEYS[at].includes(k)) bad(`unknown key "${echo(k, 30)}"${at === '' ? '' : ` in ${at}`}`, `known keys: ${KEYS[at].join(', ')}`);
    return o;
  };
  const top = obj(value, '');
  for (const section of ['interactions', 'items', 'links'] as const) {
    if (top[section] === undefined) continue;
    const o = obj(top[section], section);
    for (const [k, v] of Object.entries(o)) {
      const at = `${section}.${k}`;
      if (k === 'text') {
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) bad(`${at} must be a list of column names`, 'e.g. "text": ["description"]');
      } else if (k === 'lists') {
        const l = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : bad(`${at} must map column names to separators`, 'e.g. "lists": {"genres": "|"}');
        for (const sep of Object.values(l)) if (typeof sep !== 'string' || sep.length === 0) bad(`${at}: each separator must be a non-empty string`, 'e.g. "|"');
      } else if (k === 'yearFromTitle' || k === 'year') {
        if (typeof v !== 'boolean') bad(`${at} must be true or false`, `e.g. "${k}": true`);
      } else if (k === 'by') {
        if (v !== 'id' && v !== 'uri' && v !== 'title' && v !== 'id-or-label') bad(`${at} must be "id", "uri", "title" or "id-or-label"`, 'e.g. "by": "uri"');
      } else if (!(typeof v === 'string' || (v === null && (k === 'rating' || k === 'timestamp' || k === 'title')))) {
        bad(`${at} must be a column name${k === 'rating' || k === 'timestamp' || k === 'title' ? ' or null' : ''}`, 'fix the mapping file');
      }
    }
  }
  return top as ImportMapping;
}
