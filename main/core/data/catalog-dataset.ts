/**
 * A dataset of items and a KG only (no users, no interactions): what needs only the catalog and
 * the graph (the KG index, item sentences) reads it. Without `kg` the graph is empty; without
 * `itemEntities` no item is linked to an entity.
 */
import type { Dataset, ItemRecord, KnowledgeGraph } from '../types';

const EMPTY_KG: KnowledgeGraph = { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) };

export function catalogDataset(name: string, items: ItemRecord[], kg: KnowledgeGraph = EMPTY_KG, itemEntities: Int32Array[] = items.map(() => new Int32Array(0))): Dataset {
  return {
    name,
    userIds: [],
    itemIds: items.map((it) => it.id),
    users: [],
    items,
    interactions: { user: new Int32Array(0), item: new Int32Array(0), rating: new Float32Array(0), timestamp: new Float64Array(0) },
    kg,
    itemEntities,
  };
}
