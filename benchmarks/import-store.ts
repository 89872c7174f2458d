/**
 * The store stage of an import alone: a seeded synthetic dataset (S, M or L of benchmarks/scale.ts)
 * generated and validated in memory, then written into a fresh workspace by
 * Workspace.importDataset, with the seconds of each table (from its progress ticks: a stage's
 * seconds run from the previous tick to its last one; `indexes` is the secondary indexes made
 * after the rows).
 *
 *   npx tsx benchmarks/import-store.ts [--size L] [--seed 2020] [--label TEXT] [--out FILE]
 *
 * Timing another commit: run this file from a worktree of that commit (`git worktree add DIR REV`,
 * node_modules linked), so that both runs use the same script.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateSynthetic, syntheticRaw, SYNTHETIC_SIZES, type SyntheticSize } from '../main/core/data/synthetic';
import { validateDataset } from '../main/core/data/validate';
import { Workspace } from '../main/core/store';
import { arg } from './common';

const size = (arg('--size') ?? 'L') as SyntheticSize;
if (!(size in SYNTHETIC_SIZES)) throw new Error(`--size must be one of ${Object.keys(SYNTHETIC_SIZES).join(', ')}`);
const seed = Number(arg('--seed') ?? '2020');
const round = (x: number): number => Math.round(x * 10) / 10;

let t = performance.now();
const data = generateSynthetic({ ...SYNTHETIC_SIZES[size], seed });
const generateSeconds = (performance.now() - t) / 1000;
t = performance.now();
const v = validateDataset(syntheticRaw(data, `synthetic-${size}`));
const validateSeconds = (performance.now() - t) / 1000;
const dir = mkdtempSync(join(tmpdir(), 'knowrec-import-store-'));
try {
  const ws = Workspace.create(join(dir, 'workspace.sqlite'));
  const stages: Record<string, number> = {};
  const t0 = performance.now();
  t = t0;
  ws.importDataset(v.dataset, {
    report: v.report,
    onProgress: (p) => {
      const now = performance.now();
      const k = String(p.message);
      stages[k] = (stages[k] ?? 0) + (now - t) / 1000;
      t = now;
    },
  });
  const storeSeconds = (performance.now() - t0) / 1000;
  ws.close();
  const result = {
    benchmark: 'import-store',
    command: `npx tsx benchmarks/import-store.ts ${process.argv.slice(2).join(' ')}`.trim(),
    label: arg('--label') ?? null,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version },
    dataset: { size, seed, ...SYNTHETIC_SIZES[size] },
    note: 'store = Workspace.importDataset into a fresh workspace file in the temp folder (one transaction); generate and validate are in memory and not part of it',
    generate_seconds: round(generateSeconds),
    validate_seconds: round(validateSeconds),
    store_seconds: round(storeSeconds),
    store_stage_seconds: Object.fromEntries(Object.entries(stages).map(([k, x]) => [k, round(x)])),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const json = JSON.stringify(result, null, 2);
  process.stdout.write(`${json}\n`);
  const out = arg('--out');
  if (out !== undefined) writeFileSync(out, `${json}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
