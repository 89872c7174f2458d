/**
 * The arrays a KgIndex is made of (KgIndexParts), built from a Dataset (buildKgParts), so that a
 * built index can be saved and restored without the dataset (kg-cache.ts): everything but the
 * look-up maps, which the index rebuilds from the id lists.
 */
import type { Dataset, ItemRecord, KnowledgeGraph } from '../types';
import { KnowrecError } from '../errors';
import { buildAdjacency, validateKg } from './adjacency';
import { withDerivedTriples, type AttributeMapping, type DeriveReport } from './derive';
import type { PackedStrings } from './packed-strings';
import type { Adjacency } from './types';

/**
 * The string lists of an index restored from its cache file, left in the file's UTF-8 runs
 * (packed-strings.ts): the index reads one string at a time from them, and the parts' own lists
 * (kg.entityIds, kg.entityNames, items) are made from them only when something reads them whole.
 */
export interface PackedLists {
  /** With the sorted table (entityIndex). */
  readonly entityIds: PackedStrings;
  /** '' where the name is null (entityNameIsNull). */
  readonly entityNames: PackedStrings;
  readonly entityNameIsNull: Uint8Array;
  /** 1 where an entity has a name or a readable id (the search ranks these first). */
  readonly entityNamed: Uint8Array;
  /** With the sorted table (itemIndex). */
  readonly itemIds: PackedStrings;
  readonly labels: PackedStrings;
  readonly itemLabels: PackedStrings;
  /** The lowercased labels the search reads. */
  readonly itemSearch: PackedStrings;
  readonly entitySearch: PackedStrings;
  /** Item i as a record (decoded on first use). */
  item(i: number): ItemRecord;
}

export interface KgIndexOptions {
  /**
   * Derive triples from catalog columns (genres, release decade) and merge them, marked
   * derived. Default true with the default mappings; false keeps the KG as given.
   */
  readonly derive?: boolean | { readonly mappings?: readonly AttributeMapping[]; readonly missingValues?: readonly string[] };
  /**
   * Interactions per item (length: the items), when the dataset was read without its
   * interactions (Workspace.loadKgDataset); default: counted from dataset.interactions.
   */
  readonly popularity?: Int32Array;
}

export interface KgIndexParts {
  /** The KG with derived triples merged in. */
  readonly kg: KnowledgeGraph;
  readonly adjacency: Adjacency;
  readonly items: readonly ItemRecord[];
  /** What derivation did; null when derive was false. */
  readonly deriveReport: DeriveReport | null;
  /** Item → entities (CSR: offsets of length items + 1). */
  readonly itemEntityOffsets: Int32Array;
  readonly itemEntityList: Int32Array;
  /** Entity → items (CSR: offsets of length entities + 1). */
  readonly entityItemOffsets: Int32Array;
  readonly entityItemList: Int32Array;
  /** Interactions per item, to pick the best-known item when naming an entity. */
  readonly popularity: Int32Array;
  /** Triples per relation, to prefer distinctive relations when naming an entity. */
  readonly relationFrequency: Int32Array;
  /** Entity labels computed before (a restored index), undefined where not yet computed. */
  readonly labels?: readonly (string | undefined)[];
  /** Relation → its inverse relation or -1 (KgIndex.inverseRelations), when computed before. */
  readonly inverse?: Int32Array;
  /** The search's lowercased item and entity labels, when computed before. */
  readonly searchText?: { readonly items: string[]; readonly entities: string[] };
  /** Item labels computed before, likewise. */
  readonly itemLabels?: readonly (string | undefined)[];
  /** A restored index: its strings still packed (then labels, itemLabels and searchText are left out). */
  readonly packed?: PackedLists;
}

/** The parts of the index over `dataset` (see KgIndex). */
export function buildKgParts(dataset: Dataset, options: KgIndexOptions = {}): KgIndexParts {
  validateKg(dataset.kg);
  let ds = dataset;
  let deriveReport: DeriveReport | null = null;
  if (options.derive !== false) {
    const merged = withDerivedTriples(dataset, typeof options.derive === 'object' ? options.derive : {});
    ds = merged.dataset;
    deriveReport = merged.report;
  }
  const kg = ds.kg;
  const nE = kg.entityIds.length;
  const nI = ds.items.length;
  if (ds.itemEntities.length !== nI) {
    throw new KnowrecError('validation', `dataset "${ds.name}" has ${ds.itemEntities.length} itemEntities lists for ${nI} items`, {}, 'build itemEntities with one (possibly empty) Int32Array per item');
  }
  const itemEntityOffsets = new Int32Array(nI + 1);
  for (let i = 0; i < nI; i++) itemEntityOffsets[i + 1] = itemEntityOffsets[i] + ds.itemEntities[i].length;
  const itemEntityList = new Int32Array(itemEntityOffsets[nI]);
  for (let i = 0; i < nI; i++) itemEntityList.set(ds.itemEntities[i], itemEntityOffsets[i]);
  const { offsets: entityItemOffsets, list: entityItemList } = entityItems(ds, nE);
  return {
    kg,
    adjacency: buildAdjacency(kg),
    items: ds.items,
    deriveReport,
    itemEntityOffsets,
    itemEntityList,
    entityItemOffsets,
    entityItemList,
    popularity: popularityOf(ds, options.popularity),
    relationFrequency: relationFrequency(kg),
  };
}

/** Entity → items (CSR), checking every link's entity index. */
function entityItems(ds: Dataset, nE: number): { offsets: Int32Array; list: Int32Array } {
  const nI = ds.items.length;
  const off = new Int32Array(nE + 1);
  for (let i = 0; i < nI; i++) {
    for (const e of ds.itemEntities[i]) {
      if (e < 0 || e >= nE) {
        throw new KnowrecError('validation', `item "${ds.items[i].id}" links to entity index ${e}, but the KG has ${nE} entities`, {}, 'check the item–entity link file against the KG file');
      }
      off[e + 1]++;
    }
  }
  for (let e = 0; e < nE; e++) off[e + 1] += off[e];
  const list = new Int32Array(off[nE]);
  const fill = off.slice(0, nE);
  for (let i = 0; i < nI; i++) for (const e of ds.itemEntities[i]) list[fill[e]++] = i;
  return { offsets: off, list };
}

function popularityOf(ds: Dataset, given: Int32Array | undefined): Int32Array {
  const nI = ds.items.length;
  if (given !== undefined) {
    if (given.length !== nI) throw new KnowrecError('validation', `popularity has ${given.length} counts for ${nI} items`, {}, 'pass one interaction count per item, in item order');
    return given;
  }
  const popularity = new Int32Array(nI);
  const it = ds.interactions.item;
  for (let k = 0; k < it.length; k++) {
    const i = it[k];
    if (i >= 0 && i < nI) popularity[i]++;
  }
  return popularity;
}

function relationFrequency(kg: KnowledgeGraph): Int32Array {
  const f = new Int32Array(kg.relationNames.length);
  for (let k = 0; k < kg.relation.length; k++) f[kg.relation[k]]++;
  return f;
}
