/**
 * The one-line reason, led by the signal with the largest share of the score (never one under
 * 10%). It names only the explanation's cited history items (the one evidence set, see
 * explain.ts): collaborative signals name the cited items they credit ("people who chose A and B
 * also chose this"; a latent-factor model "your choices of A and B fit the pattern of users who
 * chose this"), KG and content signals a cited item and its ties; KG ties of another cited
 * item follow as support, then the next signal of at least 10% not yet said (a collaborative one
 * naming the cited items it credits).
 */
import { fillReason, type LinkKind, type ReasonTemplates, type SignalPhrase } from './reason-templates';

/** A KG tie between a history item and the candidate: an entity both reach (see explain-ties.ts). */
export interface Tie {
  readonly entity: number;
  /** The kind of the candidate's fact. */
  readonly kind: LinkKind;
  /** The candidate's relation to the entity. */
  readonly relation: string;
  /** Direction of the candidate's fact: 'out' when the candidate's entity is the head. */
  readonly direction: 'out' | 'in';
  /** The history item's relation to the entity (the candidate's when sameRelation). */
  readonly historyRelation: string;
  readonly historyDirection: 'out' | 'in';
  /** Both facts state the same relation (same name, its inverse, or the same kind of fact). */
  readonly sameRelation: boolean;
  readonly weight: number;
}

/** A candidate's KG fact to a history item's own entity: a triple joining the two items. */
export interface DirectLink {
  readonly relation: string;
  readonly relationIndex: number;
  /** 'out' when the candidate's entity is the head. */
  readonly direction: 'out' | 'in';
  readonly derived: boolean;
}

/** A history item the candidate relates to. */
export interface Related {
  readonly item: number;
  /** Triples joining the two items' entities, strongest first (shown before the ties). */
  readonly direct: readonly DirectLink[];
  readonly ties: Tie[];
  readonly kgScore: number;
  /** Cosine of the two item vectors (0 without vectors). */
  readonly sim: number;
  /** The cosine passes the catalog-relative test of explain-similar.ts: "similar description". */
  readonly similar: boolean;
  readonly co: number;
}

/** Whether the KG joins the two items: a direct triple or an entity both reach. */
export function kgTied(r: Related): boolean {
  return r.direct.length > 0 || r.ties.length > 0;
}

/** A signal under this share of the positive score never leads the reason, nor is added as a tail. */
export const LEAD_MIN_SHARE = 0.1;

export interface ReasonInput {
  readonly t: ReasonTemplates;
  /** The leading signal (largest share, ≥ LEAD_MIN_SHARE) or null. */
  readonly lead: string | null;
  /** Signal shares, largest first. */
  readonly ranked: readonly (readonly [string, number])[];
  readonly kindOf: (signal: string) => SignalPhrase;
  /** Cited history items, largest contribution first; share null when only related, not attributed. */
  readonly cited: readonly (Related & { readonly share: number | null })[];
  /** Per attributable signal, the history items with a positive term; "people who chose" names the cited ones among them. */
  readonly bySignal: Readonly<Record<string, readonly number[]>>;
  readonly title: (item: number) => string;
  readonly linksOf: (r: Related) => string;
  /**
   * The counterfactual when it keeps the item in the list (rank ≤ the list's length without
   * every cited item): a reason that names a cited item then says so (stillWithout), for the
   * items it names are not what keeps the item there.
   */
  readonly still?: { readonly removed: readonly number[]; readonly rank: number } | null;
}

export function leadReason(o: ReasonInput): string {
  const { t, lead, cited } = o;
  const q = (i: number): string => fillReason(t.title, { title: o.title(i) });
  const kind = lead !== null ? o.kindOf(lead) : null;
  const tied = cited.filter(kgTied);
  const shown = new Set<SignalPhrase>();
  const parts: string[] = [];
  let supported: Related | undefined;
  // only items whose contribution was measured are named as what people chose
  const attributed = cited.length > 0 && cited.every((r) => r.share !== null);
  // the cited items the signal credits, largest share first: never an item the explanation does not cite
  const likedFor = (signal: string): number[] => {
    const credited = new Set(o.bySignal[signal] ?? []);
    return cited.filter((r) => credited.has(r.item)).map((r) => r.item);
  };
  // the history items the reason names
  const said = new Set<number>();
  const titles = (signal: string): string => {
    const items = likedFor(signal).slice(0, 2);
    for (const i of items) said.add(i);
    return items.map(q).join(t.and);
  };
  const named = (signal: string | null): boolean => attributed && signal !== null && likedFor(signal).length > 0;
  if ((kind === 'cf' || kind === 'latent') && named(lead)) {
    parts.push(fillReason(kind === 'cf' ? t.cfLead : t.latentLead, { titles: titles(lead ?? '') }));
  } else if ((kind === 'kg' || kind === 'overlap' || kind === 'text' || kind === 'textScore') && cited.length > 0) {
    supported = kind === 'text' || kind === 'textScore' ? cited[0] : (tied[0] ?? cited[0]);
    const links = o.linksOf(supported);
    said.add(supported.item);
    parts.push(fillReason(links === '' ? t.becauseOnly : t.because, { title: q(supported.item), links }));
  } else {
    parts.push(kind !== null ? fillReason(t.plain, { links: t.signals[kind] }) : t.mixed);
  }
  if (kind !== null) shown.add(kind);
  if (supported !== undefined && kgTied(supported)) {
    shown.add('kg');
    shown.add('overlap');
  }
  // KG ties of a cited item as support (unattributed: the item the candidate relates to most)
  const support = tied.find((r) => r !== supported) ?? (attributed || supported !== undefined ? undefined : cited[0]);
  const supportLinks = support !== undefined ? o.linksOf(support) : '';
  if (support !== undefined && supportLinks !== '') {
    parts.push(fillReason(t.more, { title: q(support.item), links: supportLinks }));
    said.add(support.item);
    shown.add('kg');
    shown.add('overlap');
  }
  const tail = o.ranked.find(([s, v]) => v >= LEAD_MIN_SHARE && s !== lead && !shown.has(o.kindOf(s)));
  if (tail !== undefined) {
    const tailKind = o.kindOf(tail[0]);
    const namedTail = (tailKind === 'cf' || tailKind === 'latent') && named(tail[0]);
    parts.push(namedTail ? fillReason(tailKind === 'cf' ? t.cfAlso : t.latentAlso, { titles: titles(tail[0]) }) : fillReason(t.also, { phrase: t.signals[tailKind] }));
  }
  const still = o.still ?? null;
  if (still !== null && still.removed.length > 0 && still.removed.some((i) => said.has(i))) {
    const names = still.removed.map(q);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(t.listJoiner)}${t.and}${names[names.length - 1]}`;
    parts.push(fillReason(t.stillWithout, { titles: list, rank: String(still.rank) }));
  }
  return parts.join(t.partJoiner) + t.end;
}
