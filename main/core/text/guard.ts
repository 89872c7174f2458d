/**
 * The raw-identifier guard: Freebase MIDs (m.0bln8, g.11b6..., /m/0bln8) are never printed.
 * Labels that are a MID, or that contain one as a word, are dropped by the verbalizer.
 */

const WHOLE_MID = [/^m\.[0-9a-z_]+$/, /^g\.[0-9a-z_]+$/, /^\/[mg]\/[0-9a-z_]+$/];
/** A MID-like word inside a longer label: "m." or "g." then a digit, as Freebase ids start. */
const EMBEDDED_MID = /(^|[^\w.])(?:[mg]\.|\/[mg]\/)[0-9][0-9a-z_]*(?![\w.])/;

/** True when `label` is a raw Freebase identifier. */
export function isRawMid(label: string): boolean {
  const t = label.trim();
  return WHOLE_MID.some((re) => re.test(t));
}

/** True when `text` is or contains a raw Freebase identifier. */
export function containsRawMid(text: string): boolean {
  return isRawMid(text) || EMBEDDED_MID.test(text);
}

/**
 * A label fit to print: whitespace collapsed, or null when it is empty, a raw MID, or contains
 * one.
 */
export function cleanLabel(label: string | null | undefined): string | null {
  if (label === null || label === undefined) return null;
  const t = label.replace(/\s+/g, ' ').trim();
  if (t.length === 0 || containsRawMid(t)) return null;
  return t;
}
