/** Evaluation protocols the form offers (the models come from the Api's listModels). */
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
