/**
 * Adapts the KG index to the verbalizer's FactSource: one-hop imported facts of an item, named
 * by the entity's own name, by the item it stands for, or — for unnamed entities such as a
 * Freebase director — through the other items that share it ("Same director as …").
 * Derived catalog facts (genre, decade) are left out: the catalog attributes already say them.
 */
import type { KgIndex } from '../kg';
import type { FactSource, TextFact } from './types';

export interface KgFactOptions {
  /** How many other items to name for a shared, unnamed entity. Default 2. */
  readonly maxShared?: number;
  /** Item popularity used to pick which sharing items to name (most popular first). */
  readonly popularity?: ArrayLike<number>;
  /** Facts kept per item, in KG order. Default 40. */
  readonly maxFacts?: number;
}

export function kgFactSource(kg: KgIndex, opts: KgFactOptions = {}): FactSource {
  const maxShared = opts.maxShared ?? 2;
  const maxFacts = opts.maxFacts ?? 40;
  const pop = opts.popularity;
  const cache = new Map<number, readonly TextFact[]>();
  const better = (a: number, b: number): boolean => {
    const pa = pop?.[a] ?? 0;
    const pb = pop?.[b] ?? 0;
    return pa > pb || (pa === pb && a < b);
  };
  return {
    itemFacts(item: number): readonly TextFact[] {
      const hit = cache.get(item);
      if (hit !== undefined) return hit;
      const out: TextFact[] = [];
      const own = new Set(kg.itemEntities(item));
      for (const f of kg.itemFacts(item)) {
        if (f.derived || own.has(f.entity)) continue;
        if (out.length >= maxFacts) break;
        const direction = f.direction === 'in' ? 'in' : 'out';
        const standsFor = kg.entityItems(f.entity);
        if (kg.entityHasName(f.entity) || standsFor.length > 0) {
          out.push({ relation: f.relation, entityLabel: kg.entityLabel(f.entity), direction });
          continue;
        }
        // unnamed entity: name it through the other items reached by the same relation
        // the best maxShared of them (an unnamed entity such as a country can reach thousands)
        const seen = new Set<number>([item]);
        const best: number[] = [];
        for (const n of maxShared > 0 ? kg.neighbours(f.entity, 1, { relations: [f.relation] }) : []) {
          for (const it of kg.entityItems(n.entity)) {
            if (seen.has(it)) continue;
            seen.add(it);
            if (best.length === maxShared && !better(it, best[best.length - 1])) continue;
            let k = best.length === maxShared ? best.length - 1 : best.length;
            while (k > 0 && better(it, best[k - 1])) {
              best[k] = best[k - 1];
              k--;
            }
            best[k] = it;
          }
        }
        const sharedWith = best.map((it) => kg.itemLabel(it));
        out.push({ relation: f.relation, entityLabel: null, direction, ...(sharedWith.length > 0 ? { sharedWith } : {}) });
      }
      cache.set(item, out);
      return out;
    },
  };
}
