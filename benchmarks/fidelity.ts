/**
 * Explanation fidelity on ml-100k (RecBole protocol): `knowrec evaluate --explain-fidelity` for
 * the hybrid and the scorers that explain, with three citation rules per model — "before" (the
 * post-hoc rule: history items tied to the item in the KG, picked after the fact), the plain top-3
 * contributors by share (with --top-contributors), and "after" (the explanations' rule today) — each against a random-evidence
 * baseline of the same size. Definitions: jobs/fidelity.ts FIDELITY_PROTOCOL.
 *
 *   npx tsx benchmarks/fidelity.ts [--out benchmarks/results/fidelity.json] [--seed 2020] [--users 200] [--models hybrid[,ease,itemknn,kg-profile,bpr,kg-embed]] [--top-contributors]
 *
 * Data: $KNOWREC_DATA_DIR (e.g. ../shared/datasets). Target (issue 12): hybrid PN@10 ≥ 0.5 with at
 * most 3 cited history items and ≥ 3× the random baseline.
 */
import { performance } from 'node:perf_hooks';
import { runEvaluation } from '../main/jobs/evaluate';
import type { FidelityRow } from '../main/jobs/fidelity';
import { arg, machineInfo, writeResults } from './common';

async function main(): Promise<void> {
  const seed = Number(arg('--seed') ?? '2020');
  const users = Number(arg('--users') ?? '200');
  const models = (arg('--models') ?? 'hybrid').split(',');
  const topContributors = process.argv.includes('--top-contributors');
  const t0 = performance.now();
  const results = await runEvaluation({
    dataset: 'ml-100k',
    protocol: 'recbole',
    models,
    seed,
    k: 10,
    explainFidelity: {
      users,
      topContributors,
      onPartial: { every: 10, report: (n, rows) => process.stderr.write(`[fidelity] after ${n} users: ${JSON.stringify(rows)}\n`) },
    },
    onProgress: (p) => {
      if (p.fraction === undefined) process.stderr.write(`[${p.stage}] ${p.message ?? ''} ${p.fraction !== undefined ? (100 * p.fraction).toFixed(0) : ''}\n`);
    },
  });
  const rows: Record<string, Record<string, FidelityRow>> = {};
  for (const [name, r] of Object.entries(results.results)) {
    const f = r.fidelity;
    if (f === undefined) continue;
    const after: Record<string, number | string> = {};
    for (const [key, v] of Object.entries(f)) if (typeof v === 'number' || typeof v === 'string') after[key] = v;
    rows[name] = { before: f.before, ...(f.top_contributors !== undefined ? { top_contributors: f.top_contributors } : {}), after };
  }
  const h = rows.hybrid?.after;
  const num = (row: FidelityRow | undefined, key: string): number => (typeof row?.[key] === 'number' ? row[key] : NaN);
  const pn = num(h, 'pn@10');
  const target = h === undefined ? null : {
    'pn@10': pn,
    'random_pn@10': num(h, 'random_pn@10'),
    cited_mean: num(h, 'cited_mean'),
    ratio_to_random: Math.round((pn / num(h, 'random_pn@10')) * 100) / 100,
    met: pn >= 0.5 && pn >= 3 * num(h, 'random_pn@10'),
    rule: 'PN@10 ≥ 0.5 with ≤ 3 cited history items (the rule never cites more) and ≥ 3× the random-evidence baseline',
  };
  writeResults(
    {
      benchmark: 'fidelity',
      dataset: 'ml-100k',
      command: `npm run bench:fidelity -- --seed ${seed} --users ${users} --models ${models.join(',')}${topContributors ? ' --top-contributors' : ''}`,
      cli: `knowrec evaluate --dataset ml-100k --protocol recbole --models ${models.join(',')} --seed ${seed} --explain-fidelity --users ${users} --json -`,
      seed,
      users,
      protocol: { name: 'recbole', seed, k: 10, tuning: results.protocol.tuning, fidelity: results.protocol.fidelity },
      rows,
      target,
      test_ndcg10: Object.fromEntries(Object.entries(results.results).map(([m, r]) => [m, r.test['ndcg@10']])),
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      machine: { ...machineInfo(), note: 'shared 2-core machine (about 8 jobs at once); timings are indicative only' },
      date: new Date().toISOString(),
    },
    arg('--out'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
