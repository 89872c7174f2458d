/**
 * Shared contracts between the core modules. Data flows one way:
 * data → store → kg → text → encode → index → models → rank → explain.
 * Ids are strings to the user and dense ints (0..n-1) inside.
 */

/** Column-oriented interactions over dense indices. All arrays have the same length. */
export interface Interactions {
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** Rating or weight; 1 for implicit data. */
  readonly rating: Float32Array;
  /** Unix seconds; 0 when unknown. */
  readonly timestamp: Float64Array;
}

/** An item of the catalog. `attributes` holds every extra catalog column (raw strings). */
export interface ItemRecord {
  readonly id: string;
  readonly title: string;
  /** Free text fields (e.g. description) by field name. */
  readonly text: Readonly<Record<string, string>>;
  /** Catalog attributes by column name; token_seq columns are split into arrays. */
  readonly attributes: Readonly<Record<string, string | number | string[]>>;
}

export interface UserRecord {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string | number | string[]>>;
}

/** Knowledge graph over dense entity and relation indices. */
export interface KnowledgeGraph {
  /** Entity ids as imported (Freebase MIDs, URIs, or derived ids like `genre:Comedy`). */
  readonly entityIds: readonly string[];
  /** Human-readable entity names where known (derived entities, N-Triples labels), else null. */
  readonly entityNames: readonly (string | null)[];
  readonly relationNames: readonly string[];
  readonly head: Int32Array;
  readonly relation: Int32Array;
  readonly tail: Int32Array;
  /** `source[i]` tells where triple i came from: 'imported' or 'derived'. */
  readonly derived: Uint8Array;
}

/** An in-memory dataset loaded from a workspace. Everything is dense-indexed. */
export interface Dataset {
  readonly name: string;
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly users: readonly UserRecord[];
  readonly items: readonly ItemRecord[];
  readonly interactions: Interactions;
  readonly kg: KnowledgeGraph;
  /** For each item index, the entity indices it links to (item_links), possibly empty. */
  readonly itemEntities: readonly Int32Array[];
}

/** A train/valid/test split of one dataset's interactions. */
export interface Split {
  readonly protocol: string;
  readonly seed: number;
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Interactions;
  readonly valid: Interactions;
  readonly test: Interactions;
  /** Items held out entirely (cold-items protocol); empty otherwise. */
  readonly coldItems: Int32Array;
}

/** Compressed sparse rows: for row r, columns indices[indptr[r]..indptr[r+1]) with values. */
export interface Csr {
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Everything a scorer may look at while fitting. Never contains the test split. */
export interface FitContext {
  readonly dataset: Dataset;
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Interactions;
  /** User × item matrix of the training interactions (values = rating). */
  readonly trainCsr: Csr;
  /** Validation interactions, for early stopping and tuning. May be empty. */
  readonly valid: Interactions;
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly stage: string;
  /** 0..1 when known. */
  readonly fraction?: number;
  /** What it does now, in English. */
  readonly message?: string;
  /**
   * A stable code for `message` and the values it names, so that a UI can write the message in
   * its own language (the renderer's `steps` table); absent when the message is data (a file, a
   * model name) or has no translation yet.
   */
  readonly code?: string;
  readonly params?: MessageParams;
  readonly metrics?: Readonly<Record<string, number>>;
}

export type MessageParams = Readonly<Record<string, string | number>>;

/**
 * One part of a progress line ("semantic: encoding items" is two parts): a stable code the UI
 * translates (`stage` with params.name for a stage name; '' when there is none), its values,
 * and the English text the UI falls back to.
 */
export interface MessagePart {
  readonly code: string;
  readonly params?: MessageParams;
  readonly text: string;
}

/** Any recommender: fit once, then score one user against all items (or a subset). */
export interface Scorer {
  readonly name: string;
  fit(ctx: FitContext): Promise<void>;
  /**
   * Scores for `user` over all items (length nItems) or over `items` (same order).
   * Higher is better. Seen items are NOT excluded here; the caller masks them.
   */
  score(user: number, items?: Int32Array): Float32Array;
  /** Hyper-parameters in effect (after tuning), for results files. */
  params(): Readonly<Record<string, number | string | boolean>>;
}
