/**
 * KG relation names → the kind of fact they state (language-independent) and the phrase a
 * language's templates give them. Known Freebase and DBpedia names are listed; other names are
 * classified by their last segment.
 */
import type { Templates } from './templates';

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

export type FactDirection = 'out' | 'in';

const KNOWN: Readonly<Record<string, FactKind>> = {
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

/** The last segment of a relation name: after the last '/', '#', ':' or '.'. */
function localName(name: string): string {
  const m = /([^/#:.]+)[/#]?$/.exec(name);
  return m === null ? name : m[1];
}

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
  const known = KNOWN[name];
  if (known !== undefined && Object.hasOwn(KNOWN, name)) return known;
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

/** "film.film.production_companies" → "production companies"; "musicComposer" → "music composer". */
export function humanizeRelation(relation: string): string {
  return localName(canonicalRelation(relation))
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The phrase for `relation` in the templates' language, read from the item outwards
 * ("directed by"); `direction` 'in' means the triple points at the item. `known` is false when
 * the templates have no phrase and the humanized name is returned.
 */
export function relationPhrase(
  relation: string,
  templates: Templates,
  direction: FactDirection = 'out',
): { phrase: string; known: boolean } {
  const name = canonicalRelation(relation);
  const table = direction === 'in' ? templates.inverseRelations : templates.relations;
  if (Object.hasOwn(table, name)) return { phrase: table[name], known: true };
  return { phrase: humanizeRelation(name), known: false };
}
