/**
 * Parsed but not yet validated tables, with string ids and the source line of every row.
 * Readers (atomic, CSV, N-Triples) produce these; validate.ts turns them into a Dataset.
 */

export type AttributeValue = string | number | string[];

export interface RawInteractions {
  readonly file: string;
  readonly user: readonly string[];
  readonly item: readonly string[];
  /** null: no rating column (implicit feedback). NaN entries: empty value. */
  readonly rating: Float64Array | null;
  /** null: no timestamp column. NaN entries: empty value. */
  readonly timestamp: Float64Array | null;
  readonly lines: Int32Array;
  /** 1-based column of the rating and timestamp in the file (for error messages). */
  readonly columns?: { readonly rating?: number; readonly timestamp?: number };
}

export interface RawItems {
  readonly file: string;
  readonly id: readonly string[];
  readonly title: readonly string[];
  readonly text: readonly Readonly<Record<string, string>>[];
  readonly attributes: readonly Readonly<Record<string, AttributeValue>>[];
  readonly lines: Int32Array;
  /** 1-based column of the title in the file (for error messages). */
  readonly titleColumn?: number;
}

export interface RawUsers {
  readonly file: string;
  readonly id: readonly string[];
  readonly attributes: readonly Readonly<Record<string, AttributeValue>>[];
  readonly lines: Int32Array;
}

export interface RawTriples {
  readonly file: string;
  readonly head: readonly string[];
  readonly relation: readonly string[];
  readonly tail: readonly string[];
  readonly lines: Int32Array;
}

export interface RawLinks {
  readonly file: string;
  readonly item: readonly string[];
  readonly entity: readonly string[];
  readonly lines: Int32Array;
}

export interface RawDataset {
  readonly name: string;
  /** Folder the files came from (for the report). */
  readonly source: string;
  readonly interactions: RawInteractions;
  readonly items?: RawItems;
  readonly users?: RawUsers;
  readonly triples?: RawTriples;
  readonly links?: RawLinks;
  /** Entity names by entity id (e.g. rdfs:label from N-Triples). */
  readonly entityNames?: ReadonlyMap<string, string>;
}
