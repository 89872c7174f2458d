/**
 * Readable names for entity ids that carry no label: the local part of a URI (after the last
 * `/` or `#`) or of a prefixed name (`dbr:John_Lasseter`), percent-decoded, `_` → space, and a
 * trailing disambiguator such as "(film)" or "(actor)" dropped for display
 * (`http://dbpedia.org/resource/Cars_(film)` → "Cars"). A disambiguator that is the whole name,
 * or a year ("(1995)"), is kept.
 */

const URI = /^[a-z][a-z0-9+.-]*:\/\//i;
const PREFIXED = /^[a-z][a-z0-9_-]*:[^/]/i;
const DISAMBIGUATOR = /\s+\((?!\d{4}\))[^()]{1,40}\)$/u;

/** The local part of a URI or prefixed name, percent-decoded, with `_` as space; else the id. */
export function localName(id: string): string {
  let s = id.trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1);
  if (URI.test(s)) {
    const hash = s.lastIndexOf('#');
    const trimmed = s.replace(/\/+$/, '');
    s = hash >= 0 ? s.slice(hash + 1) : trimmed.slice(trimmed.lastIndexOf('/') + 1);
  } else if (PREFIXED.test(s)) {
    s = s.slice(s.indexOf(':') + 1);
  }
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep the raw text when it is not valid percent-encoding
  }
  const out = s.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
  return out.length > 0 ? out : id;
}

/** "Cars (film)" → "Cars"; "Heat (1995)" and "(film)" are kept. */
export function dropDisambiguator(name: string): string {
  const out = name.replace(DISAMBIGUATOR, '');
  return out.trim().length > 0 ? out : name;
}

/** True for ids a readable name can be derived from: http(s)/other URIs and prefixed names. */
export function hasReadableLocalName(id: string): boolean {
  const s = id.trim().replace(/^<|>$/g, '');
  return URI.test(s) || (PREFIXED.test(s) && !s.startsWith('_:'));
}

/** The display name of a URI without a label (see the module comment). */
export function uriDisplayName(id: string): string {
  return dropDisambiguator(localName(id));
}
