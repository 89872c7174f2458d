/**
 * The Api's knowledge-graph types (explorer, item facts, edits, paths), re-exported by
 * contract.ts. Ids are strings at the boundary; dense indices stay in the main process.
 */
import type { EntityDescription } from '../core/kg/types';
export type { EntityDescription } from '../core/kg/types';

/**
 * Labels of entities without a name are English descriptions ("actor in Toy Story (1995)");
 * `described` gives their parts (relation, role phrase, the other end) so that the renderer
 * writes them in its language. Absent when the label is a name.
 */

export interface KgHit {
  readonly kind: 'item' | 'entity';
  /** Entity id, or null for an item without an entity. */
  readonly entity: string | null;
  /** Item id when the hit is an item (or an item's entity). */
  readonly item: string | null;
  readonly label: string;
  readonly described?: EntityDescription;
}

export interface KgNode {
  /** Entity id. */
  readonly id: string;
  readonly label: string;
  /** The label's parts when it is a description (see the top of this file). */
  readonly described?: EntityDescription;
  readonly kind: 'item' | 'entity';
  /** Item id when the node is an item's entity. */
  readonly item: string | null;
  /** Hops from the centre (0 for the centre). */
  readonly distance: number;
  /** What the node is, read from its usual relation: "item", "director", "genre", … (colour and legend). */
  readonly type: string;
  /** Facts of the entity in the whole KG (both directions). */
  readonly degree: number;
}

export interface KgEdge {
  /** Head entity id. */
  readonly source: string;
  /** Tail entity id. */
  readonly target: string;
  readonly relation: string;
  /** The relation in words ("directed by"). */
  readonly label: string;
  /** True when the triple was derived from catalog columns (genres, decade). */
  readonly derived: boolean;
}

export interface KgRelationCount {
  readonly relation: string;
  readonly label: string;
  /** Facts of this relation touching the centre (before any relation filter). */
  readonly count: number;
  /**
   * Every relation name this filter entry stands for: the relation and, when the KG states each
   * fact both ways (film.film.written_by and film.writer.film), its inverse.
   */
  readonly relations: readonly string[];
}

export interface KgSubgraph {
  /** Entity ids of the centre (an item may have several entities; none when it has no KG facts). */
  readonly center: readonly string[];
  readonly nodes: readonly KgNode[];
  readonly edges: readonly KgEdge[];
  /** True when nodes or edges were left out because of the cap. */
  readonly truncated: boolean;
  /** Entities within `hops` of the centre (centre not counted), before the cap. */
  readonly totalNeighbours: number;
  /** Relations around the centre, for filter choices; unaffected by `relations`. */
  readonly relations: readonly KgRelationCount[];
  readonly hops: number;
  readonly cap: number;
}

export interface KgFact {
  readonly relation: string;
  /** The fact in words, read from the item: "directed by", "director of". */
  readonly label: string;
  readonly direction: 'out' | 'in';
  /** Entity id at the other end and its readable name. */
  readonly entity: string;
  readonly entityLabel: string;
  /** The entity label's parts when it is a description (see the top of this file). */
  readonly entityDescribed?: EntityDescription;
  /** Item id when the other end is an item. */
  readonly entityItem: string | null;
  readonly derived: boolean;
}

// KG edits

export interface KgEdit {
  readonly id: number;
  readonly op: 'add' | 'remove';
  /** Entity ids and readable names of both ends. */
  readonly head: string;
  readonly headLabel: string;
  readonly relation: string;
  readonly tail: string;
  readonly tailLabel: string;
  readonly author: string;
  readonly created: string;
  /** True once undone (undone edits stay in the history). */
  readonly undone: boolean;
}


/** One end or stop of a path: its label, and the label's parts when it is a description. */
export interface KgPathStop {
  readonly label: string;
  readonly described?: EntityDescription;
}

/** One path in parts, for the renderer's language: the start, then each relation followed and the stop it reaches. */
export interface KgPathParts {
  readonly start: KgPathStop;
  readonly steps: readonly {
    readonly relation: string;
    /** The relation in words as `paths` has it ("directed by"). */
    readonly label: string;
    /** 'out': drawn —label→ (the previous stop is the head); 'in': ←label—. */
    readonly direction: 'out' | 'in';
    readonly to: KgPathStop;
  }[];
}

/** What connects two explorer nodes: the shortest, most specific paths, drawn as one subgraph. */
export interface KgPaths {
  readonly graph: KgSubgraph;
  /** Each path in words, best first ("Toy Story (1995) —directed by→ John Lasseter ←directed by— A Bug's Life (1998)"). */
  readonly paths: readonly string[];
  /** The same paths in parts (same order). */
  readonly parts?: readonly KgPathParts[];
}
