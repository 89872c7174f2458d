/**
 * What an entity is, in one word or two, read from the relations it takes part in: the tail of
 * film.film.directed_by is a "director", of film.film.genre a "genre". The explorer colours
 * nodes and fills its legend by this type.
 */
import type { KgCore } from './core';
import { roleOf } from './relations';
import { OUT } from './types';

/** Edges of a row looked at, at most: enough to find the usual relation of a hub. */
const ROW_SAMPLE = 256;
const TRAILING = / (of|in|for|from|by|at|on|to|with)$/;

export const ITEM_TYPE = 'item';

/** A role phrase as a type: "director of" → "director", "with genre" → "genre". */
export function typeFromRole(role: string): string {
  let t = role.trim();
  if (t.startsWith('with ')) t = t.slice(5);
  t = t.replace(TRAILING, '');
  return t.length === 0 ? 'entity' : t;
}

/**
 * The type of entity e: "item" when an item links to it, else the role of its most frequent
 * (relation, direction) among the first ROW_SAMPLE edges of its row; ties go to the lower
 * relation index, so the answer is deterministic.
 */
export function entityType(core: KgCore, e: number): string {
  if (core.entityItems(e).length > 0) return ITEM_TYPE;
  const adj = core.adjacency;
  const counts = new Map<number, number>();
  const end = Math.min(adj.offsets[e + 1], adj.offsets[e] + ROW_SAMPLE);
  for (let p = adj.offsets[e]; p < end; p++) {
    const key = adj.relation[p] * 2 + (adj.direction[p] === OUT ? 1 : 0);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let bestKey = -1;
  let bestCount = 0;
  for (const [key, c] of counts) if (c > bestCount || (c === bestCount && key < bestKey)) [bestKey, bestCount] = [key, c];
  if (bestKey < 0) return 'entity';
  const relation = core.kg.relationNames[bestKey >> 1];
  return typeFromRole(roleOf(relation, (bestKey & 1) === 1));
}
