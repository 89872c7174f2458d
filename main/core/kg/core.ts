/**
 * What the query modules (shared, subgraph, search) need from a built KG index. KgIndex
 * implements it; the modules take this interface so they do not import the class.
 */
import type { ItemRecord, KnowledgeGraph } from '../types';
import type { Adjacency } from './types';

export interface KgCore {
  /** The KG with derived triples merged in. */
  readonly kg: KnowledgeGraph;
  readonly adjacency: Adjacency;
  readonly items: readonly ItemRecord[];
  readonly itemCount: number;
  /** kg.entityIds[entity], without making the whole list (a restored index decodes one id). */
  entityId(entity: number): string;
  /** items[item].id, likewise. */
  itemId(item: number): string;
  /** Entities of an item (linked or created), possibly empty. */
  itemEntities(item: number): Int32Array;
  /** Items whose entity is `entity`, possibly empty. */
  entityItems(entity: number): Int32Array;
  entityLabel(entity: number): string;
  itemLabel(item: number): string;
  /** Mask over relation indices (1 = follow) for relation names; null for all. */
  relationMask(relations?: readonly string[]): Uint8Array | null;
}
