/**
 * One topK pass over a catalog-sized score array, as the hybrid's removal states make per source
 * (core/topk.ts): 300k float32 scores, k = 100, seen items excluded, with and without a hint
 * (the full state's top-100), on random scores and on scores where most entries tie (item-kNN's
 * zeros). Reports ms per call (median of 5 rounds of 50 calls, after a warm-up round).
 *
 *   npx tsx benchmarks/topk-pass.ts --out benchmarks/results/topk-pass.json
 */
import { performance } from 'node:perf_hooks';
import { createRng } from '../main/core/random';
import { topK } from '../main/core/topk';
import { arg, machineInfo, writeResults } from './common';

const N = 300_000;
const K = 100;
const rng = createRng(2020);
const layouts: Record<string, Float32Array> = {
  random: Float32Array.from({ length: N }, () => rng.next()),
  // 50 positive scores, the rest 0: the 100th largest is 0, tied by nearly every entry
  'mostly tied': Float32Array.from({ length: N }, (_, i) => (i % 6007 === 0 ? 1 + rng.next() : 0)),
};
const seen = Uint8Array.from({ length: N }, () => (rng.next() < 0.001 ? 1 : 0));

function msPerCall(f: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < 6; r++) {
    const t0 = performance.now();
    for (let c = 0; c < 50; c++) f();
    if (r > 0) rounds.push((performance.now() - t0) / 50);
  }
  rounds.sort((a, b) => a - b);
  return Math.round(rounds[2] * 1000) / 1000;
}

const results: Record<string, { no_hint_ms: number; hint_ms: number }> = {};
for (const [name, scores] of Object.entries(layouts)) {
  const hint = topK(scores, K, seen);
  results[name] = { no_hint_ms: msPerCall(() => topK(scores, K, seen)), hint_ms: msPerCall(() => topK(scores, K, seen, hint)) };
  process.stderr.write(`${name}: ${JSON.stringify(results[name])}\n`);
}
writeResults({
  benchmark: 'topk-pass',
  command: `npx tsx benchmarks/topk-pass.ts${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  protocol: `${N} float32 scores, k = ${K}, ~0.1 % excluded, seed 2020; ms per call, median of 5 rounds of 50 calls after a warm-up round`,
  results,
  machine: machineInfo(),
}, arg('--out'));
