/**
 * What-if latency through the browser bridge on ml-100k: HTTP POST /api/whatIf on 127.0.0.1 with
 * the session cookie and Origin a browser sends, against the Api over a fresh workspace holding
 * the imported ml-100k. whatIfModel {fit: true} (through the bridge) starts the what-if model's
 * fit in its worker thread; the script polls whatIfModel until it is ready, timing how long the
 * bridge takes to answer meanwhile (the Api's thread stays free: poll_latency), and reports the
 * fit (fit_seconds, not in the latencies) and the first whatIf after it (first_call_ms: a re-score,
 * no fit). Then, for a seeded sample of users, the explained item is one of the user's
 * top-10 and each timed question toggles evidence as the explanation view does: its top 1, 2
 * and 3 contributors off, and its most specific KG tie off. Target: p95 ≤ 300 ms.
 *
 *   npx tsx benchmarks/whatif.ts [--out benchmarks/results/whatif.json] [--model hybrid]
 *     [--users 40] [--seed 2020] [--tune]
 *
 * Not a test: figures depend on the machine; run it on a quiet one (the results file records the
 * load average).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApi, type Result, type WhatIfModelStatus, type WhatIfRequest, type WhatIfResult } from '../main/api';
import { startBridge } from '../main/bridge/server';
import { importRegistryDataset } from '../main/core/data';
import { createRng } from '../main/core/random';
import { Workspace } from '../main/core/store';
import { arg, machineInfo, writeResults } from './common';

const OUT = arg('--out');
const MODEL = arg('--model') ?? 'hybrid';
const USERS = Math.max(1, Number(arg('--users') ?? '40'));
const SEED = Number(arg('--seed') ?? '2020');
const TUNE = process.argv.includes('--tune');
const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const K = 10;
const TARGET_P95_MS = 300;

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
};
const round = (v: number): number => Math.round(v * 100) / 100;
const stats = (xs: readonly number[]) => ({ n: xs.length, p50_ms: round(quantile(xs, 0.5)), p95_ms: round(quantile(xs, 0.95)), p99_ms: round(quantile(xs, 0.99)), max_ms: round(Math.max(...xs)) });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-bench-whatif-'));
  const wsPath = join(dir, 'workspace.sqlite');
  const ws = Workspace.create(wsPath);
  importRegistryDataset(ws, 'ml-100k', { dataDir: DATA_DIR });
  const userIds = [...ws.loadDataset().userIds];
  ws.close();
  const api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'bench', modelDir: join(dir, 'model'), whatIf: { model: MODEL, seed: SEED, tune: TUNE } });
  const bridge = await startBridge({ api, staticDir: resolve(__dirname, '..', 'out', 'renderer'), log: () => undefined });
  // as the page does: the session cookie set by the printed address, and the page's Origin
  const headers = { 'content-type': 'application/json', cookie: `knowrec_session_${bridge.port}=${bridge.token}`, origin: bridge.origin };
  const post = async <T>(method: string, request: unknown): Promise<{ ms: number; value: T }> => {
    const t = performance.now();
    const res = await fetch(`${bridge.origin}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(request) });
    const r = (await res.json()) as Result<T>;
    const ms = performance.now() - t;
    if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
    return { ms, value: r.value };
  };
  const ask = (request: WhatIfRequest): Promise<{ ms: number; value: WhatIfResult }> => post<WhatIfResult>('whatIf', request);
  try {
    const rng = createRng(SEED);
    const sample = rng.shuffle([...userIds]).slice(0, USERS);
    process.stderr.write(`fitting the what-if model (${MODEL}${TUNE ? ', tuned' : ''}) in its worker…\n`);
    const t0 = performance.now();
    let status = (await post<WhatIfModelStatus>('whatIfModel', { fit: true })).value;
    const polls: number[] = [];
    while (status.state === 'fitting') {
      await new Promise((r) => setTimeout(r, 1000));
      const p = await post<WhatIfModelStatus>('whatIfModel', {});
      polls.push(p.ms);
      status = p.value;
    }
    if (status.state !== 'ready' || status.info === null) throw new Error(`the what-if fit failed: ${status.error?.message ?? status.state}`);
    const fitWallSeconds = (performance.now() - t0) / 1000;
    const fitSeconds = status.info.fitSeconds;
    const first = await ask({ user: sample[0], k: K });
    const firstCallMs = first.ms;
    process.stderr.write(`fitted in ${fitSeconds} s; first whatIf ${Math.round(firstCallMs)} ms; timing ${USERS} users\n`);
    const loadAtStart = loadavg();
    const firstPerUser: number[] = [];
    const toggles: number[] = [];
    let moved = 0;
    for (const user of sample) {
      const base = await ask({ user, k: K });
      firstPerUser.push(base.ms);
      const item = base.value.items[rng.int(Math.min(K, base.value.items.length))]?.item;
      if (item === undefined) continue;
      const explained = await ask({ user, k: K, item });
      const contributors = explained.value.history.map((h) => h.item);
      for (let n = 1; n <= Math.min(3, contributors.length); n++) {
        const r = await ask({ user, k: K, item, withoutHistory: contributors.slice(0, n) });
        toggles.push(r.ms);
        if (r.value.target !== null && r.value.target.rankAfter !== r.value.target.rankBefore) moved++;
      }
      const tie = explained.value.ties[0];
      if (tie !== undefined) toggles.push((await ask({ user, k: K, item, withoutFacts: [{ item: tie.item, relation: tie.relation, entity: tie.entity }] })).ms);
    }
    const toggle = stats(toggles);
    writeResults(
      {
        benchmark: 'whatif',
        dataset: 'ml-100k',
        model: { name: MODEL, tuned: TUNE, split: `recbole seed ${SEED}`, fit_seconds: fitSeconds, fit_wall_seconds: round(fitWallSeconds), fits: status.fits },
        fit_in: 'the what-if worker thread (whatIfModel {fit: true}); whatIf never fits',
        first_call_ms: round(firstCallMs),
        poll_latency_during_fit: polls.length > 0 ? stats(polls) : null,
        transport: 'HTTP POST /api/whatIf through the bridge on 127.0.0.1 (session cookie + Origin, as the page sends)',
        k: K,
        users: sample.length,
        toggle_latency: toggle,
        first_question_per_user: stats(firstPerUser),
        toggles_that_moved_the_item: moved,
        target_p95_ms: TARGET_P95_MS,
        meets_target: toggle.p95_ms <= TARGET_P95_MS,
        machine: { ...machineInfo(), loadavg_at_start_of_timing: loadAtStart, shared: 'figures from a shared machine are upper bounds' },
        created: new Date().toISOString(),
      },
      OUT,
    );
  } finally {
    await bridge.close();
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
