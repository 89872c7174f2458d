/**
 * How long the Api's thread stalls in the first seconds after a workspace opens, while prewarm
 * restores the KG index (`<workspace>.kgindex`) on it: the longest event-loop delay
 * (perf_hooks monitorEventLoopDelay) over WINDOW ms, with `workspaceSummary` polled every 20 ms
 * as the Datasets view asks it, and when the first `kgSearch` (sent at open) answered. The Api is
 * opened as `knowrec serve` opens it (dataset and data hash in workers, KG index loader, prewarm).
 * Node only, no browser. --kg-view sends what the Knowledge graph view sends instead of
 * `kgSearch "a"`: kgSearch for the first item's title, then kgSubgraph (1 hop) and kgItem for the
 * hit, and records when each answered (ms from open).
 *
 *   npx tsx benchmarks/ui/startup-stall.ts --workspace FILE [--window 8000] [--kg-view] [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApi } from '../../main/api';
import { Workspace } from '../../main/core/store';
import { loadDatasetInWorker, recordDataHashInWorker } from '../../main/jobs/dataset-loader';
import { loadKgIndexForApi } from '../../main/jobs/kg-index-loader';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const WORKSPACE = arg('--workspace');
const WINDOW = Number(arg('--window') ?? '8000');
const OUT = arg('--out');

async function main(): Promise<void> {
  if (WORKSPACE === undefined) throw new Error('--workspace FILE is required');
  const load0 = loadavg();
  const api = createApi({
    open: (p) => Workspace.open(p),
    workspacePath: resolve(WORKSPACE),
    appVersion: 'bench',
    loadDataset: (p) => loadDatasetInWorker(p),
    recordDataHash: (p) => recordDataHashInWorker(p),
    loadKgIndex: loadKgIndexForApi,
    prewarm: true,
  });
  try {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const t0 = Date.now();
    await api.workspaceSummary();
    delay.enable();
    let kgMs: number | null = null;
    const kgView: Record<string, number> = {};
    if (process.argv.includes('--kg-view')) {
      void (async () => {
        const first = await api.listItems({ offset: 0, limit: 1 });
        kgView.listItems_first_item = Date.now() - t0;
        if (!first.ok) return;
        const hits = await api.kgSearch({ query: first.value.rows[0].title, limit: 20 });
        kgMs = kgView.kgSearch = Date.now() - t0;
        const item = hits.ok ? (hits.value.find((h) => h.item !== null)?.item ?? null) : null;
        if (item === null) return;
        await Promise.all([
          api.kgSubgraph({ item, hops: 1, cap: 200 }).then(() => (kgView.kgSubgraph = Date.now() - t0)),
          api.kgItem({ item }).then(() => (kgView.kgItem = Date.now() - t0)),
        ]);
      })();
    } else {
      void api.kgSearch({ query: 'a', limit: 1 }).then(() => (kgMs = Date.now() - t0));
    }
    const waits: number[] = [];
    while (Date.now() - t0 < WINDOW) {
      const asked = Date.now();
      await api.workspaceSummary();
      waits.push(Date.now() - asked);
      await new Promise((r) => setTimeout(r, 20));
    }
    delay.disable();
    waits.sort((a, b) => a - b);
    const result = {
      benchmark: 'ui-startup-stall',
      command: `npx tsx benchmarks/ui/startup-stall.ts --workspace ${WORKSPACE} --window ${WINDOW}`,
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, load_average_before: load0, load_average_after: loadavg() },
      window_ms: WINDOW,
      max_event_loop_stall_ms: Math.round(delay.max / 1e6),
      summary_calls: waits.length,
      summary_call_max_ms: waits[waits.length - 1] ?? null,
      first_kgSearch_ms: kgMs,
      ...(process.argv.includes('--kg-view') ? { kg_view_answered_ms: kgView } : {}),
    };
    const text = `${JSON.stringify(result, null, 2)}\n`;
    if (OUT !== undefined) writeFileSync(OUT, text);
    process.stdout.write(text);
  } finally {
    api.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
