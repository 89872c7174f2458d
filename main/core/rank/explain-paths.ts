/**
 * Which KG paths an explanation may cite: those that name their entities (DBpedia's "John
 * Lasseter"), never an anonymous description (Freebase's "director of Toy Story (1995)").
 */
import type { KgIndex, KgPath } from '../kg';

/**
 * The paths an explanation may cite, best first: only those whose every entity is an item or has
 * a name of its own. A path through a description ("country of Star Wars (1977)", "director of
 * Toy Story (1995)" — a Freebase MID no label names) is never cited: the explanation could not
 * answer "which country?", and a stakeholder cannot repeat it. The KG explorer still shows such
 * entities. Shorter paths first, then the given order.
 */
export function citablePaths(kg: KgIndex, paths: readonly KgPath[]): KgPath[] {
  const named = (p: KgPath): boolean => p.steps.every((s) => kg.entityHasName(s.entity) || kg.entityItems(s.entity).length > 0);
  return paths
    .map((p, i) => ({ p, i }))
    .filter((x) => named(x.p))
    .sort((a, b) => a.p.steps.length - b.p.steps.length || a.i - b.i)
    .map((x) => x.p);
}
