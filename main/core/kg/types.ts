/**
 * Result and option types of the KG queries. Entities and items are dense indices (as in
 * Dataset); ids and readable labels are included where a caller shows them to a person.
 */

/**
 * Direction of an edge seen from the node it is read from: 'out' = that node is the head of
 * the triple, 'in' = that node is the tail.
 */
export type Direction = 'out' | 'in';

/** Direction codes stored in the adjacency arrays. */
export const OUT = 0;
export const IN = 1;

/**
 * Both directions of every triple in compressed sparse rows: the edges of entity e are
 * positions offsets[e]..offsets[e+1]) of the other arrays, in triple order.
 */
export interface Adjacency {
  readonly nEntities: number;
  /** Length nEntities + 1. */
  readonly offsets: Int32Array;
  /** The entity at the other end of the edge. */
  readonly neighbour: Int32Array;
  readonly relation: Int32Array;
  /** OUT (0): the row's entity is the head; IN (1): it is the tail. */
  readonly direction: Uint8Array;
  /** Index of the triple the edge comes from. */
  readonly triple: Int32Array;
  /** Position of the same triple in the other endpoint's row. */
  readonly twin: Int32Array;
}

/** Relation filter shared by the traversals: relation names to follow (all when absent). */
export interface RelationFilter {
  readonly relations?: readonly string[];
}

export interface NeighbourOptions extends RelationFilter {
  /** Most entities returned (nearest first). Default: no limit. */
  readonly limit?: number;
}

export interface Neighbour {
  readonly entity: number;
  /** Hops from the start (1..hops). */
  readonly distance: number;
}

/** One triple seen from an item's entity. */
export interface ItemFact {
  /** The item's own entity the fact hangs on. */
  readonly from: number;
  readonly relation: string;
  readonly relationIndex: number;
  /** The entity at the other end. */
  readonly entity: number;
  readonly direction: Direction;
  /** True when the triple was derived from catalog columns. */
  readonly derived: boolean;
}

/**
 * An unnamed entity described through a neighbour: its label is `${role} ${of}` ("actor in Toy
 * Story (1995)"). A caller writing another language reads the parts, not the label.
 */
export interface EntityDescription {
  /** The relation of the edge to the neighbour (`film.actor.film`). */
  readonly relation: string;
  /** True when the described entity is the head of that edge. */
  readonly entityIsHead: boolean;
  /** The role phrase in English, as the label has it: "actor in", "director of", "with sequel". */
  readonly role: string;
  /** The neighbour's label: an item's title or a name of its own. */
  readonly of: string;
}

/** A relation on one edge, read from the side named by the result that holds it. */
export interface EdgeRef {
  readonly relation: string;
  readonly direction: Direction;
  readonly derived: boolean;
}

export interface SharedOptions extends RelationFilter {
  /** 1: direct neighbours of both items' entities; 2: also entities two hops away. Default 1. */
  readonly maxHops?: 1 | 2;
  /** Most results. Default 50. */
  readonly limit?: number;
}

export interface SharedEntity {
  readonly entity: number;
  readonly id: string;
  readonly label: string;
  readonly hopsA: number;
  readonly hopsB: number;
  /**
   * The edges of the last hop on A's side, read from A's side toward the shared entity:
   * for Toy Story —film.film.directed_by→ D this holds {film.film.directed_by, 'out'}.
   */
  readonly viaA: readonly EdgeRef[];
  readonly viaB: readonly EdgeRef[];
  /** Number of edges of the shared entity (smaller = more specific). */
  readonly degree: number;
}

export interface PathOptions extends RelationFilter {
  /** Longest path in edges, 1..3. Default 3. */
  readonly maxLen?: number;
  /** Most paths returned. Default 20. */
  readonly limit?: number;
  /**
   * Keep every parallel edge as its own path (e.g. both film.film.directed_by and its inverse
   * film.director.film). Default false: one path per sequence of entities.
   */
  readonly allEdges?: boolean;
}

/** One step of a path: the relation followed, its direction, and the entity reached. */
export interface PathStep {
  readonly relation: string;
  /** 'out': the previous entity is the head (drawn —r→); 'in': it is the tail (←r—). */
  readonly direction: Direction;
  readonly entity: number;
  readonly derived: boolean;
}

export interface KgPath {
  /** Item A's entity. */
  readonly start: number;
  /** The last step reaches item B's entity. */
  readonly steps: readonly PathStep[];
}

export type SubgraphCenter = { readonly item: number } | { readonly entity: number };

export interface SubgraphOptions extends RelationFilter {
  /** Default 1. */
  readonly hops?: number;
  /** Most nodes, the centre included. Default 200. */
  readonly cap?: number;
  /** Most edges. Default 10 × cap. */
  readonly edgeCap?: number;
  /**
   * Beyond the first hop, keep at most this many new neighbours of each node, the best
   * connected first (highest degree), instead of every neighbour in BFS order. Default: no limit.
   */
  readonly perNode?: number;
}

export interface SubgraphNode {
  /** Entity id. */
  readonly id: string;
  readonly entity: number;
  readonly label: string;
  readonly kind: 'item' | 'entity';
  readonly isItem: boolean;
  /** Item index and id when the node is an item's entity. */
  readonly item?: number;
  readonly itemId?: string;
  /** Hops from the centre. */
  readonly distance: number;
  /** What the entity is, read from its most common relation ("director", "genre"); "item" for items. */
  readonly type: string;
  /** Edges of the entity in the whole KG (both directions). */
  readonly degree: number;
}

export interface SubgraphEdge {
  /** Head entity id. */
  readonly source: string;
  /** Tail entity id. */
  readonly target: string;
  readonly relation: string;
  readonly derived: boolean;
}

export interface Subgraph {
  readonly center: readonly number[];
  readonly nodes: readonly SubgraphNode[];
  readonly edges: readonly SubgraphEdge[];
  /** True when nodes or edges were left out because of the caps. */
  readonly truncated: boolean;
  /** Entities within `hops` of the centre (the centre not counted), before the cap. */
  readonly totalNeighbours: number;
}

export interface SearchHit {
  readonly kind: 'item' | 'entity';
  /** Entity index, or null for an item that has no entity. */
  readonly entity: number | null;
  /** Entity id, or the item id for an item that has no entity. */
  readonly id: string;
  readonly item?: number;
  readonly itemId?: string;
  readonly label: string;
}
