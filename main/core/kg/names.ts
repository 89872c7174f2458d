/**
 * Readable names for items and entity ids. Opaque ids (Freebase MIDs such as `m.0dyb1`) are
 * never shown to a person; graph.ts names such entities through the items that reach them.
 */
import { dropDisambiguator } from '../data/uri-name';
import type { ItemRecord } from '../types';

const OPAQUE = /^[mg]\.[0-9a-z_]+$/;

/** True for ids that mean nothing to a reader: Freebase MIDs (`m.…`) and GUIDs (`g.…`). */
export function isOpaqueId(id: string): boolean {
  return OPAQUE.test(id) || id.trim().length === 0;
}

/** The release year of an item from `release_year` or `year`, or null. */
export function itemYear(item: ItemRecord): number | null {
  for (const key of ['release_year', 'year']) {
    const y = parseYear(item.attributes[key]);
    if (y !== null) return y;
  }
  return null;
}

/** A 4-digit year in a number or string (first 4-digit run), or null. */
export function parseYear(v: string | number | string[] | undefined): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1000 && v <= 9999 ? v : null;
  if (typeof v === 'string') {
    const m = /(?:^|\D)(\d{4})(?:\D|$)/.exec(v);
    return m === null ? null : Number(m[1]);
  }
  return null;
}

/**
 * "Toy Story" + release_year 1995 → "Toy Story (1995)"; a title that already ends with
 * "(1995)" is kept; an empty title becomes "item <id>".
 */
export function itemLabel(item: ItemRecord): string {
  const title = item.title.trim();
  if (title.length === 0) return `item ${item.id}`;
  const year = itemYear(item);
  if (year === null || /\(\d{4}\)\s*$/.test(title)) return title;
  return `${title} (${year})`;
}

/**
 * A non-opaque entity id as a reader would write it: the local part of a URI or prefixed
 * name with underscores as spaces (`http://dbpedia.org/resource/John_Lasseter` →
 * "John Lasseter") and a trailing disambiguator dropped (`…/Cars_(film)` → "Cars"); derived ids
 * `genre:Comedy` → "Comedy"; anything else unchanged.
 */
export function readableId(id: string): string {
  let s = id.trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1);
  const hash = s.lastIndexOf('#');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    s = hash >= 0 ? s.slice(hash + 1) : s.slice(s.replace(/\/+$/, '').lastIndexOf('/') + 1).replace(/\/+$/, '');
  } else if (/^[a-z][a-z0-9_-]*:[^/]/i.test(s)) {
    s = s.slice(s.indexOf(':') + 1);
  }
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep the raw text when it is not valid percent-encoding
  }
  const out = dropDisambiguator(s.replace(/_/g, ' ').trim());
  return out.length > 0 ? out : id;
}
