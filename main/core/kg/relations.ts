/**
 * Relation names: the one table of what a relation means. It gives each name
 * - short English phrases in both reading directions (relationPhrases);
 * - the kind of fact it states, language-independent (relationKind), which the verbalizer's
 *   templates phrase per language (core/text);
 * - its canonical form and its last segment as words (canonicalRelation, relationWords).
 *
 * forward: how the head relates to the tail ("Toy Story" directed by "X");
 * inverse: how the tail relates to the head ("X" director of "Toy Story").
 *
 * Freebase names `domain.type.property` are read from the type and property:
 * - a property ending in "by" is a verb phrase: film.film.directed_by → "directed by" /
 *   "director of";
 * - a property naming the domain again (film.director.film, film.film_genre.films_in_this_genre)
 *   makes the head's type the role: "director of" / "has director";
 * - any other property is a noun: film.film.genre → "has genre" / "genre of".
 * Other names (URIs, snake_case, camelCase) use their last segment the same way.
 */

export interface RelationPhrases {
  readonly forward: string;
  readonly inverse: string;
}

/** Agent nouns of verbs used in "<verb> by" relations. */
const AGENTS: Readonly<Record<string, string>> = {
  directed: 'director',
  produced: 'producer',
  written: 'writer',
  wrote: 'writer',
  created: 'creator',
  composed: 'composer',
  edited: 'editor',
  narrated: 'narrator',
  designed: 'designer',
  illustrated: 'illustrator',
  published: 'publisher',
  performed: 'performer',
  founded: 'founder',
  owned: 'owner',
  distributed: 'distributor',
  developed: 'developer',
  authored: 'author',
  translated: 'translator',
  photographed: 'photographer',
  played: 'player',
  sung: 'singer',
  starred: 'star',
};

/** Nouns whose role reads better as another word. */
const ROLE_NOUNS: Readonly<Record<string, string>> = {
  cinematography: 'cinematographer',
  music: 'composer',
  starring: 'actor',
};

/** Preposition after a role noun when "of" reads badly. */
const ROLE_PREPOSITIONS: Readonly<Record<string, string>> = {
  actor: 'in',
  actress: 'in',
  star: 'in',
  sequel: 'to',
  prequel: 'to',
};

/** The relation derive.ts gives catalog genres. */
export const GENRE_RELATION = 'has_genre';
/** The relation derive.ts gives release decades. */
export const DECADE_RELATION = 'released_in_decade';

/** Relations derived from catalog columns (see derive.ts). */
const FIXED: Readonly<Record<string, RelationPhrases>> = {
  [GENRE_RELATION]: { forward: 'has genre', inverse: 'genre of' },
  [DECADE_RELATION]: { forward: 'released in', inverse: 'release decade of' },
};

/** Freebase-style properties (as words) whose phrases the rules below would read badly. */
const PROPERTIES: Readonly<Record<string, RelationPhrases>> = {
  'award won': { forward: 'won award', inverse: 'award won by' },
  'award nomination': { forward: 'nominated for', inverse: 'award nomination of' },
};

/** The kind of fact a relation states; the templates phrase each kind per language. */
export type FactKind =
  | 'director'
  | 'actor'
  | 'writer'
  | 'producer'
  | 'language'
  | 'country'
  | 'award'
  | 'nomination'
  | 'genre'
  | 'generic';

/** Known Freebase and DBpedia names; other names are classified by their words. */
const KINDS: Readonly<Record<string, FactKind>> = {
  'film.film.directed_by': 'director',
  'film.director.film': 'director',
  'film.film.actor': 'actor',
  'film.actor.film': 'actor',
  'film.film.written_by': 'writer',
  'film.writer.film': 'writer',
  'film.film.produced_by': 'producer',
  'film.producer.film': 'producer',
  'film.film.language': 'language',
  'film.film.country': 'country',
  'film.film.award_won': 'award',
  'film.film.award_nomination': 'nomination',
  'film.film.genre': 'genre',
  'film.film_genre.films_in_this_genre': 'genre',
  'dbo:director': 'director',
  'dbo:starring': 'actor',
  'dbo:writer': 'writer',
  'dbo:producer': 'producer',
  genre: 'genre',
};

/**
 * "http://dbpedia.org/ontology/director" and "dbo:director" are the same relation; other names
 * are kept as they are.
 */
export function canonicalRelation(name: string): string {
  const m = /^https?:\/\/dbpedia\.org\/ontology\/([^/#]+)$/.exec(name);
  return m === null ? name : `dbo:${m[1]}`;
}

/** The kind of fact `relation` states. */
export function relationKind(relation: string): FactKind {
  const name = canonicalRelation(relation);
  const known = KINDS[name];
  if (known !== undefined && Object.hasOwn(KINDS, name)) return known;
  const s = name.toLowerCase();
  if (/nominat/.test(s)) return 'nomination';
  if (/award/.test(s)) return 'award';
  if (/direct/.test(s)) return 'director';
  if (/(actor|actress|starring|cast\b|cast_member|performer)/.test(s)) return 'actor';
  if (/(writ|screenplay)/.test(s)) return 'writer';
  if (/produc(ed_by|er)/.test(s)) return 'producer';
  if (/language/.test(s)) return 'language';
  if (/country/.test(s)) return 'country';
  if (/genre/.test(s)) return 'genre';
  return 'generic';
}

/** A phrase naming the head's role toward the tail: "director of", "actor in", "sequel to". */
const ROLE_PHRASE = / (of|in|to)$/;

/**
 * The kind of fact an item's fact states, read from the item: the kind of `relation` when the
 * other entity plays that role for the item, else 'generic'. A relation whose forward phrase names
 * the head's role (film.director.film "director of") gives its kind when the triple points at the
 * item ('in'); any other (film.film.directed_by, dbo:director "has director") when it points away
 * ('out'). `Film dbo:director Item` makes the item the director, not the entity: 'generic', and
 * the verbalizer says it with the inverse phrase ("director of Film").
 */
export function factKind(relation: string, direction: 'out' | 'in' = 'out'): FactKind {
  const kind = relationKind(relation);
  if (kind === 'generic') return kind;
  const entityHeaded = ROLE_PHRASE.test(relationPhrases(canonicalRelation(relation)).forward);
  return entityHeaded === (direction === 'in') ? kind : 'generic';
}

/**
 * The relation's last segment as words, without the phrase rules below:
 * "film.film.production_companies" → "production companies"; "musicComposer" → "music composer".
 */
export function relationWords(relation: string): string {
  return localName(canonicalRelation(relation))
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The last segment of a relation name: after the last '/', '#', ':' or '.'. */
function localName(name: string): string {
  const m = /([^/#:.]+)[/#]?$/.exec(name);
  return m === null ? name : m[1];
}

const cache = new Map<string, RelationPhrases>();

/** Both phrases of a relation name. */
export function relationPhrases(name: string): RelationPhrases {
  let p = cache.get(name);
  if (p === undefined) {
    p = computePhrases(name);
    cache.set(name, p);
  }
  return p;
}

/** The forward phrase: `film.film.directed_by` → "directed by". */
export function humanizeRelation(name: string): string {
  return relationPhrases(name).forward;
}

/** The inverse phrase: `film.film.directed_by` → "director of". */
export function inverseRelation(name: string): string {
  return relationPhrases(name).inverse;
}

/**
 * A phrase that, followed by the label of the entity at the other end, describes an entity:
 * the tail of film.film.directed_by is "director of <film>"; the head of
 * film.director.film is "director of <film>". "has X" phrases become "with X".
 */
export function roleOf(name: string, entityIsHead: boolean): string {
  const p = relationPhrases(name);
  const phrase = entityIsHead ? p.forward : p.inverse;
  return phrase.startsWith('has ') ? `with ${phrase.slice(4)}` : phrase;
}

function computePhrases(name: string): RelationPhrases {
  const fixed = FIXED[name];
  if (fixed !== undefined) return fixed;
  const segments = splitName(name);
  const property = words(segments[segments.length - 1] ?? name);
  const type = segments.length >= 2 ? words(segments[segments.length - 2]) : '';
  const domain = segments.length >= 3 ? words(segments[0]) : '';
  if (property.length === 0) return { forward: name, inverse: `${name} (inverse)` };
  const known = PROPERTIES[property];
  if (known !== undefined) return known;

  const parts = property.split(' ');
  // verb phrase: "directed by"
  if (parts.length >= 2 && parts[parts.length - 1] === 'by') {
    const verb = parts[0];
    const agent = AGENTS[verb] ?? agentNoun(verb);
    return { forward: property, inverse: `${agent} of` };
  }
  // already a sentence-like phrase: "has genre", "is part of", "located in"
  if (parts[0] === 'has' && parts.length >= 2) {
    return { forward: property, inverse: role(singularLast(parts.slice(1).join(' '))) };
  }
  if (parts[0] === 'is' || (parts.length >= 2 && isPreposition(parts[parts.length - 1]))) {
    return { forward: property, inverse: `${property} (inverse)` };
  }
  // property names the domain again: film.director.film → the head's type is the role
  const first = singular(parts[0]);
  if (type.length > 0 && domain.length > 0 && (first === singular(domain) || first === singular(lastWord(domain)))) {
    const noun = ROLE_NOUNS[type] ?? type;
    return { forward: role(noun), inverse: `has ${noun}` };
  }
  const noun = singularLast(property);
  const roleNoun = ROLE_NOUNS[noun] ?? noun;
  return { forward: `has ${roleNoun}`, inverse: role(roleNoun) };
}

function role(noun: string): string {
  const prep = ROLE_PREPOSITIONS[lastWord(noun)] ?? 'of';
  return `${noun} ${prep}`;
}

function agentNoun(verb: string): string {
  if (verb.endsWith('ed') && verb.length > 4) return `${verb.slice(0, -2)}er`;
  return `${verb}er`;
}

/** Segments of a name: the local part of a URI, split on '.', '/'. */
function splitName(name: string): string[] {
  let local = name.trim();
  if (local.startsWith('<') && local.endsWith('>')) local = local.slice(1, -1);
  const hash = local.lastIndexOf('#');
  if (hash >= 0) local = local.slice(hash + 1);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(local)) {
    const slash = local.lastIndexOf('/');
    local = local.slice(slash + 1);
  } else if (/^[a-z][a-z0-9]*:[^/]/i.test(local)) {
    local = local.slice(local.indexOf(':') + 1); // prefixed name: dbo:director
  }
  return local.split(/[./]/).filter((s) => s.length > 0);
}

/** "directed_by" / "directedBy" / "directed-by" → "directed by". */
function words(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-\s:]+/g, ' ')
    .trim()
    .toLowerCase();
}

function lastWord(s: string): string {
  const i = s.lastIndexOf(' ');
  return i < 0 ? s : s.slice(i + 1);
}

function singularLast(s: string): string {
  const i = s.lastIndexOf(' ');
  return i < 0 ? singular(s) : `${s.slice(0, i + 1)}${singular(s.slice(i + 1))}`;
}

function singular(w: string): string {
  if (w.length > 3 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && /(ches|shes|sses|xes)$/.test(w)) return w.slice(0, -2);
  if (w.length > 2 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

function isPreposition(w: string): boolean {
  return ['in', 'of', 'to', 'at', 'on', 'from', 'with', 'for', 'into', 'as'].includes(w);
}
