/** Public types of the verbalizer. */
import type { CatalogDomain } from './domain';
import type { FactDirection, Templates } from './templates';
import type { TokenCounter } from './tokens';

/** One KG fact about an item, as the verbalizer needs it (adapted from the KG index). */
export interface TextFact {
  /** Relation name as imported, e.g. "film.film.directed_by" or "dbo:director". */
  readonly relation: string;
  /** A printable name for the other entity, or null when it has none. Raw MIDs are dropped. */
  readonly entityLabel: string | null;
  /** Higher = more important; facts of one relation are listed by weight, then input order. */
  readonly weight?: number;
  /** 'out': item → entity (default); 'in': entity → item. Chooses the relation phrase. */
  readonly direction?: FactDirection;
  /**
   * Titles of other items that share this entity ("Same director as A Bug's Life"); used for
   * director/actor/writer/producer facts when the entity has no label.
   */
  readonly sharedWith?: readonly string[];
}

/** Where KG facts come from; the lead adapts the KG index to this. */
export interface FactSource {
  itemFacts(item: number): readonly TextFact[];
}

/** Which piece of a sentence a part is. */
export type PartKind =
  | 'title'
  | 'genres'
  | 'year'
  | 'attribute'
  | 'description'
  | 'fact:director'
  | 'fact:actor'
  | 'fact:actor-extra'
  | 'fact:writer'
  | 'fact:producer'
  | 'fact:language'
  | 'fact:country'
  | 'fact:award'
  | 'fact:nomination'
  | 'fact:genre'
  | 'fact:generic'
  | 'user:intro'
  | 'user:item'
  | 'user:empty';

/** One piece of a verbalized sentence, kept or dropped by the token budget. */
export interface VerbalPart {
  readonly kind: PartKind;
  /** The text of this part alone (without the sentence end). */
  readonly text: string;
  readonly kept: boolean;
  /** For facts: the relation names the part was built from. */
  readonly relations?: readonly string[];
  /** For user parts: the item, its rating and timestamp. */
  readonly item?: number;
  readonly rating?: number;
  readonly timestamp?: number;
}

export interface Verbalized {
  readonly text: string;
  /** Every part in display order, including those the budget dropped. */
  readonly parts: readonly VerbalPart[];
  /** countTokens(text). */
  readonly tokens: number;
  /** True when even the parts that are never dropped exceed the budget. */
  readonly overBudget: boolean;
}

export interface VerbalizeOptions {
  /** Template language ('en', 'zh'); ignored when `templates` is given. Default 'en'. */
  readonly lang?: string;
  /** Templates to use instead of the bundled ones (e.g. from loadTemplateFile). */
  readonly templates?: Templates;
  /** Maximum tokens of the output (by countTokens). Default: no limit. */
  readonly tokenBudget?: number;
  /** Token counter; default estimateTokens. */
  readonly countTokens?: TokenCounter;
  /** Print catalog titles as they are ("Sting, The (1973)"); default false ("The Sting (1973)"). */
  readonly rawTitles?: boolean;
  /**
   * What the items are, for wording (domain.ts): 'works' quotes titles as works (zh 《》), 'general'
   * uses the templates' neutral phrases. Default: catalogDomain(dataset).
   */
  readonly domain?: CatalogDomain;
}

export interface ItemSentenceOptions extends VerbalizeOptions {
  readonly facts?: FactSource;
  /** Actors in the main "Starring" part (default 3); the rest go to a droppable extra part. */
  readonly leadActors?: number;
  /** At most this many actors in all (default 8). */
  readonly maxActors?: number;
  /** At most this many entities per other fact part (default 3). */
  readonly maxPerFact?: number;
  /** Catalog attributes to print besides genres and year (default: all that read as text). */
  readonly attributes?: readonly string[];
  /** Include the item's free-text fields (default true), cut to maxDescriptionChars (300). */
  readonly description?: boolean;
  readonly maxDescriptionChars?: number;
  /** Part kinds in the order they are dropped when over budget (default DEFAULT_ITEM_DROP_ORDER). */
  readonly dropOrder?: readonly PartKind[];
}

/** A user's history, e.g. their training interactions (never the test split). */
export interface UserHistory {
  readonly items: ArrayLike<number>;
  readonly ratings: ArrayLike<number>;
  readonly timestamps: ArrayLike<number>;
}

export interface UserSentenceOptions extends VerbalizeOptions {
  /** At most this many items (default 10). */
  readonly maxItems?: number;
  /** Items rated at least this are preferred (default 4). */
  readonly minRating?: number;
  /** Top of the rating scale, printed as "5/5" (default: the dataset's highest rating). */
  readonly ratingMax?: number;
  /** Print items without ratings (default: when every rating in the dataset is equal). */
  readonly implicit?: boolean;
}
