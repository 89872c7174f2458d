/** Small helpers every benchmark script shares: flags, machine facts, writing the results file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { gather } from '../main/core/models/scorer';
import type { Scorer } from '../main/core/types';

/** The value after `--name` on the command line, or undefined. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** What a results file records about the machine it was measured on. */
export function machineInfo(): { cpus: number; cpu_model: string; node: string; loadavg_at_end: number[] } {
  return { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, loadavg_at_end: loadavg() };
}

/** Prints the results as JSON and, when `out` is given, writes them there too (folders made). */
export function writeResults(result: unknown, out: string | undefined): void {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (out !== undefined) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, json);
  }
  process.stdout.write(json);
}

/**
 * Per model and metric, the mean and sample standard deviation over seeds, both rounded to four
 * decimals (main/jobs/runs.ts metricSummary does the same for stored runs, at six decimals).
 */
export function summarizeSeeds(
  values: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>,
): Record<string, Record<string, { mean: number; std: number }>> {
  const summary: Record<string, Record<string, { mean: number; std: number }>> = {};
  for (const [m, byMetric] of Object.entries(values)) {
    summary[m] = {};
    for (const [k, xs] of Object.entries(byMetric)) {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
      summary[m][k] = { mean: Math.round(mean * 1e4) / 1e4, std: Math.round(std * 1e4) / 1e4 };
    }
  }
  return summary;
}

/** A Scorer over ready-made scores: `row(user)` returns a fresh full-length score vector. */
export function rowScorer(name: string, row: (user: number) => Float32Array, params: Readonly<Record<string, number | string | boolean>> = {}): Scorer {
  return {
    name,
    fit: async (): Promise<void> => undefined,
    params: () => params,
    score: (user: number, items?: Int32Array): Float32Array => gather(name, row(user), items),
  };
}

/** A Scorer replaying a dense user × item score matrix (row-major, nItems columns). */
export function matrixScorer(name: string, m: Float32Array, nItems: number, params: Readonly<Record<string, number | string | boolean>> = {}): Scorer {
  return rowScorer(name, (u) => m.slice(u * nItems, (u + 1) * nItems), params);
}

/** Min and mean cosine of unit vectors `a` against the same rows of `flat` (row-major, a[0].length wide). */
export function cosineStats(a: readonly Float32Array[], flat: Float32Array): { min: number; mean: number } {
  const dim = a[0].length;
  let min = Infinity;
  let sum = 0;
  a.forEach((v, i) => {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += v[d] * flat[i * dim + d];
    min = Math.min(min, dot);
    sum += dot;
  });
  return { min, mean: sum / a.length };
}

/** A small seeded generator in [0, 1) (mulberry32): benchmark data only has to be the same for a seed. */
export { rng as mulberry32 } from '../test/helpers/random-vectors';
