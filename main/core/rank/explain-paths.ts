/**
 * Which KG paths an explanation cites first: named entities over anonymous descriptions when
 * two KGs state the same kind of fact (DBpedia's "John Lasseter" over Freebase's "director of
 * Toy Story (1995)").
 */
import { canonicalRelation, relationKind, relationWords, type KgIndex, type KgPath } from '../kg';

const PERSON_KINDS: ReadonlySet<string> = new Set(['director', 'actor', 'writer', 'producer']);

/**
 * `paths` in their order, less those through an entity with neither a name nor an item of its own
 * ("director of Toy Story (1995)") when another path states the same kinds of fact through named
 * entities ("John Lasseter"): two KGs of the same films (Freebase MIDs, DBpedia names) then cite
 * the named one.
 */
export function preferNamed(kg: KgIndex, paths: readonly KgPath[]): KgPath[] {
  const key = (p: KgPath): string =>
    p.steps
      .map((s) => {
        const kind = relationKind(s.relation);
        return kind === 'generic' ? relationWords(canonicalRelation(s.relation)) : kind;
      })
      .join('/');
  const named = (p: KgPath): boolean => p.steps.every((s) => kg.entityHasName(s.entity) || kg.entityItems(s.entity).length > 0);
  const namedKeys = new Set(paths.filter(named).map(key));
  const kept = paths.filter((p) => named(p) || !namedKeys.has(key(p)));
  // a description stays first only for a person ("director of …" still says "same director");
  // "country of Star Wars (1977)" goes after the paths through named entities
  const late = (p: KgPath): number => (named(p) || p.steps.some((s) => PERSON_KINDS.has(relationKind(s.relation))) ? 0 : 1);
  return kept.map((p, i) => ({ p, i, late: late(p) })).sort((a, b) => a.p.steps.length - b.p.steps.length || a.late - b.late || a.i - b.i).map((x) => x.p);
}

