/**
 * A smaller copy of a dataset for tests that must encode every item (a multilingual encoder reads
 * a few sentences a second on a busy machine): the chosen items, the interactions with them, the
 * users who have any, and the KG triples whose head is an entity of a chosen item (the facts
 * item sentences cite), with users, items and entities renumbered in order.
 */
import type { Dataset } from '../../main/core/types';

export function subsetDataset(ds: Dataset, items: readonly number[], name = `${ds.name}-subset`): Dataset {
  const keep = [...new Set(items)].sort((a, b) => a - b);
  const newItem = new Map(keep.map((i, k) => [i, k]));
  const rows: number[] = [];
  const userSeen = new Set<number>();
  for (let r = 0; r < ds.interactions.item.length; r++) {
    if (!newItem.has(ds.interactions.item[r])) continue;
    rows.push(r);
    userSeen.add(ds.interactions.user[r]);
  }
  const users = [...userSeen].sort((a, b) => a - b);
  const newUser = new Map(users.map((u, k) => [u, k]));

  const kg = ds.kg;
  const heads = new Set<number>();
  for (const i of keep) for (const e of ds.itemEntities[i]) heads.add(e);
  const triples: number[] = [];
  for (let t = 0; t < kg.head.length; t++) if (heads.has(kg.head[t])) triples.push(t);
  const entities = new Set<number>(heads);
  for (const t of triples) entities.add(kg.tail[t]);
  const keptEntities = [...entities].sort((a, b) => a - b);
  const newEntity = new Map(keptEntities.map((e, k) => [e, k]));
  const ent = (e: number): number => newEntity.get(e) ?? -1;

  return {
    name,
    userIds: users.map((u) => ds.userIds[u]),
    users: users.map((u) => ds.users[u]),
    itemIds: keep.map((i) => ds.itemIds[i]),
    items: keep.map((i) => ds.items[i]),
    interactions: {
      user: Int32Array.from(rows, (r) => newUser.get(ds.interactions.user[r]) ?? -1),
      item: Int32Array.from(rows, (r) => newItem.get(ds.interactions.item[r]) ?? -1),
      rating: Float32Array.from(rows, (r) => ds.interactions.rating[r]),
      timestamp: Float64Array.from(rows, (r) => ds.interactions.timestamp[r]),
    },
    kg: {
      entityIds: keptEntities.map((e) => kg.entityIds[e]),
      entityNames: keptEntities.map((e) => kg.entityNames[e]),
      relationNames: kg.relationNames,
      head: Int32Array.from(triples, (t) => ent(kg.head[t])),
      relation: Int32Array.from(triples, (t) => kg.relation[t]),
      tail: Int32Array.from(triples, (t) => ent(kg.tail[t])),
      derived: Uint8Array.from(triples, (t) => kg.derived[t]),
    },
    itemEntities: keep.map((i) => Int32Array.from(ds.itemEntities[i], ent)),
  };
}
