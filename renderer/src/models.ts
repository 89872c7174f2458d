/**
 * Model names the evaluation form offers (the main process's model factory knows these; an
 * unknown name comes back as an error with the list it accepts).
 */
export const KNOWN_MODELS = [
  'pop',
  'itemknn',
  'ease',
  'bpr',
  'semantic',
  'semantic-ft',
  'kg-profile',
  'kg-embed',
  'hybrid',
  'hybrid-ft',
  'hybrid-stacked',
  'hybrid-no-kg',
  'hybrid-no-text',
  'hybrid-no-cf',
] as const;

export const PROTOCOL_NAMES = ['recbole', 'loo', 'cold-items'] as const;

/** "2020, 2021" → [2020, 2021]; null when any part is not a whole number ≥ 0. */
export function parseSeeds(text: string): number[] | null {
  const parts = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) return null;
  const seeds = parts.map(Number);
  return seeds.every((s) => Number.isInteger(s) && s >= 0) ? [...new Set(seeds)] : null;
}
