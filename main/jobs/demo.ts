/**
 * The main job (`npm run demo` → `knowrec demo`): evaluate every scorer, the hybrid and its
 * ablations on ml-100k (RecBole protocol; its workspace gains the registry's extra KGs, e.g. the
 * DBpedia film facts, through the same KG-only import an analyst uses), explain the top-5 of three users, evaluate cold items,
 * write results.json, cold-items.json and a self-contained report.html, then serve the workbench.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KnowrecError } from '../core/errors';
import { KgIndex } from '../core/kg';
import { demoModels, modelEntry } from '../core/models/registry';
import { toCsr } from '../core/matrix';
import { HybridScorer, type ReasonLang } from '../core/rank';
import type { Progress } from '../core/types';
import { runEvaluation, runEvaluationDetailed, type ResultsFile } from './evaluate';
import { explainTopK, type SnapshotItem } from './fit';
import { renderReport, type ExplainedUser } from './report';
import { reportWords } from './report-messages';
import { formatResultsTable } from './table';
import { explanationLines } from './explain-text';

/** The models the demo evaluates per protocol (the registry's `demo` field). */
export const DEMO_MODELS = demoModels('recbole');
export const DEMO_COLD_MODELS = demoModels('cold-items');

export interface DemoOptions {
  readonly dataset: string;
  readonly dataDir?: string;
  readonly outDir: string;
  readonly seed: number;
  readonly users: readonly string[];
  readonly lang: ReasonLang;
  readonly cold: boolean;
  readonly write: (text: string) => void;
  readonly onProgress?: (p: Progress) => void;
}

export interface DemoOutput {
  readonly results: ResultsFile;
  readonly cold: ResultsFile | null;
  readonly explained: ExplainedUser[];
  readonly files: string[];
  readonly workspace: string | null;
  readonly seconds: number;
}

export async function runDemo(o: DemoOptions): Promise<DemoOutput> {
  const t0 = performance.now();
  const out = resolve(o.outDir);
  mkdirSync(out, { recursive: true });
  const run = await runEvaluationDetailed({
    dataset: o.dataset,
    dataDir: o.dataDir,
    protocol: 'recbole',
    models: DEMO_MODELS,
    seed: o.seed,
    k: 10,
    // the registry KGs of the dataset (ml-100k: DBpedia film facts with readable names) join its own KG
    extraKgs: true,
    onProgress: o.onProgress,
  });
  o.write(`${formatResultsTable(run.results)}\n\n`);
  const fittedHybrid = await run.fitted.get('hybrid');
  const hybrid = fittedHybrid?.scorer;
  if (!(hybrid instanceof HybridScorer)) throw new KnowrecError('internal', 'the demo evaluation did not fit the hybrid');
  const recs = await explainTopK({
    dataset: run.dataset,
    trainCsr: toCsr(run.split.train, run.split.nUsers, run.split.nItems),
    fitted: run.fitted,
    hybrid,
    kg: new KgIndex(run.dataset),
    k: 5,
    lang: o.lang,
    users: o.users,
  });
  const shown = o.users.filter((u) => recs[u] !== undefined);
  for (const u of shown) o.write(formatExplained(u, recs[u]));
  const explained: ExplainedUser[] = shown.map((u) => ({ user: u, items: recs[u], k: 5 }));
  let cold: ResultsFile | null = null;
  if (o.cold) {
    cold = await runEvaluation({ dataset: o.dataset, dataDir: o.dataDir, protocol: 'cold-items', models: DEMO_COLD_MODELS, seed: o.seed, k: 10, extraKgs: true, onProgress: o.onProgress });
    o.write(`\n${formatResultsTable(cold)}\n`);
  }
  const files: string[] = [];
  const save = (name: string, text: string): void => {
    const p = join(out, name);
    writeFileSync(p, text);
    files.push(p);
  };
  save('results.json', `${JSON.stringify(run.results, null, 2)}\n`);
  if (cold !== null) save('cold-items.json', `${JSON.stringify(cold, null, 2)}\n`);
  save('recommendations.json', `${JSON.stringify(explained, null, 2)}\n`);
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  // the report in the language of the reasons (--lang): its words, display names and notes
  const w = reportWords(o.lang);
  save(
    'report.html',
    renderReport({
      title: w('demoTitle', { dataset: o.dataset }),
      lang: o.lang,
      runs: cold !== null ? [run.results, cold] : [run.results],
      explained,
      notes: [
        w('demoHybrid', { models: DEMO_MODELS.filter((m) => modelEntry(m).kind !== 'hybrid').join(', ') }),
        w('demoTime', { seconds }),
        ...(cold !== null ? [w('demoCold')] : []),
      ],
    }),
  );
  return { results: run.results, cold, explained, files, workspace: null, seconds };
}

export function formatExplained(user: string, items: readonly SnapshotItem[]): string {
  const lines = [`Top-${items.length} for user ${user}:`];
  items.forEach((it, r) => {
    lines.push(`  ${r + 1}. ${it.title} (score ${it.score.toFixed(3)})`);
    for (const line of explanationLines(it.explanation)) lines.push(`     ${line}`);
  });
  return `${lines.join('\n')}\n\n`;
}
