/**
 * Where the KG index restore's time goes (`<workspace>.kgindex`, kg-cache.ts), one thread: the
 * file read, the unpack, the KgIndex construction, the KG view's first calls (kgSearch for the
 * first item's title, kgSubgraph 1 hop and kgItem for the hit), a `kgSearch "a"` (a query most
 * labels hold), then the same calls once the index's whole lists are made (as saving it again
 * makes them; answers compared), with the process RSS after each step. Node only.
 *
 *   npx tsx benchmarks/ui/kg-restore.ts --cache FILE.kgindex [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { kgSubgraphView } from '../../main/api/kg-views';
import type { KgSubgraphRequest } from '../../main/api/requests';
import { itemCardView, kgSearchView } from '../../main/api/views';
import { KgIndex } from '../../main/core/kg';
import { readWhole, unpackKgIndex } from '../../main/core/kg/kg-cache';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

async function main(): Promise<void> {
  const cache = arg('--cache');
  if (cache === undefined) throw new Error('--cache FILE.kgindex is required');
  const load0 = loadavg();
  const steps: { step: string; ms: number; rss_mb: number }[] = [];
  let t = performance.now();
  const lap = (step: string): void => {
    const now = performance.now();
    steps.push({ step, ms: Math.round(now - t), rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20) });
    t = now;
  };
  const bytes = await readWhole(cache);
  lap('read file');
  const unpacked = unpackKgIndex(bytes);
  if (unpacked === null) throw new Error(`${cache} is not a KG index cache of this version`);
  lap('unpack');
  const kg = new KgIndex(unpacked.parts);
  lap('construct');
  const view = (tag: string): string => {
    const hits = kgSearchView(kg, kg.item(0).title, 20);
    lap(`${tag}: kgSearch (first item's title)`);
    const item = hits.find((h) => h.item !== null)?.item ?? kg.itemId(0);
    const sub = kgSubgraphView(kg, { item, hops: 1, cap: 200 } as KgSubgraphRequest);
    lap(`${tag}: kgSubgraph 1 hop`);
    const card = itemCardView(kg, item);
    lap(`${tag}: kgItem`);
    const a = kgSearchView(kg, 'a', 20);
    lap(`${tag}: kgSearch "a"`);
    return JSON.stringify([hits, sub, card, a]);
  };
  const before = view('packed');
  kg.parts();
  lap('whole lists made (parts(): ids, names, items, labels, search text)');
  const after = view('lists made');
  const result = {
    benchmark: 'kg-restore',
    command: `npx tsx benchmarks/ui/kg-restore.ts --cache ${cache}`,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, load_average_before: load0, load_average_after: loadavg() },
    file_mb: Math.round(bytes.length / 2 ** 20),
    steps,
    same_answers_packed_and_lists_made: before === after,
  };
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const out = arg('--out');
  if (out !== undefined) writeFileSync(out, text);
  process.stdout.write(text);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
