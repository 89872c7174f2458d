/**
 * How many of the KG facts cited in explanations name a real entity (issue 12, "a readable KG"):
 * ml-100k, RecBole split seed 2020, a hybrid (default hybrid-no-text: the demo's hybrid without
 * the text source, so that no item text is encoded; `--model hybrid` for the full one),
 * default hyper-parameters unless --tune, top-10 with explanations (as `knowrec fit` writes them)
 * for users 1–100.
 *   before: the ml-100k workspace with its own KG only (Freebase, entities are MIDs);
 *   after:  the same workspace with the DBpedia film facts added through the KG-only import
 *           (registry entry movielens-dbpedia: edge lists + title/year links).
 * A cited fact is one line of `explanation.facts` (a KG path "A —rel→ X ←rel— B"); it names real
 * entities when every node of the path is an item title or an entity with a name of its own, not
 * a description such as "director of Toy Story (1995)" or "unnamed entity #12".
 *
 *   KNOWREC_DATA_DIR=/work/shared/datasets npx tsx benchmarks/kg-names.ts [--users 100] [--model hybrid-no-text] [--tune] [--out benchmarks/results/kg-names.json]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KgIndex } from '../main/core/kg';
import { Workspace } from '../main/core/store';
import { cleanLabel, readableTitle } from '../main/core/text';
import { openDataset } from '../main/jobs/dataset';
import { explainTopK, type SnapshotItem } from '../main/jobs/fit';
import { evaluateSplit, splitInteractions } from '../main/core/eval';
import { HybridScorer } from '../main/core/rank';
import type { Progress, Scorer } from '../main/core/types';
import { fitContext } from '../main/jobs/evaluate';
import { fitModel, jobModelEnv, type FittedModel } from '../main/jobs/model-factory';
import { addRegistryKg } from '../main/jobs/kg-import';
import { arg, machineInfo, writeResults } from './common';

const SEED = 2020;
const K = 10;

interface Measure {
  readonly facts: number;
  readonly named: number;
  readonly share: number;
  readonly explanations: number;
  readonly explanationsWithFacts: number;
  /** Fit and explain time (after: the CF sources are reused from before). */
  readonly fit_seconds: number;
  readonly examples_named: readonly string[];
  readonly examples_placeholder: readonly string[];
}

/** Names a reader can take as real: item titles and entities with a name of their own. */
function realNames(workspace: string): Set<string> {
  const ws = Workspace.open(workspace);
  const ds = ws.loadDataset();
  ws.close();
  const kg = new KgIndex(ds);
  const real = new Set<string>();
  for (let i = 0; i < kg.itemCount; i++) {
    real.add(kg.itemLabel(i));
    real.add(readableTitle(kg.itemLabel(i)));
  }
  for (let e = 0; e < kg.entityCount; e++) {
    if (!kg.entityHasName(e) && kg.entityItems(e).length === 0) continue;
    const l = kg.entityLabel(e);
    real.add(l);
    real.add(readableTitle(l));
    const c = cleanLabel(l);
    if (c !== null) real.add(c);
  }
  return real;
}

/** Sources that read the interactions only: fitted once (before) and reused (after), the split being the same. */
const CF_SOURCES = ['pop', 'itemknn', 'ease', 'bpr'];

async function measure(
  workspace: string,
  users: string[],
  tag: string,
  model: string,
  tune: boolean,
  cache: Map<string, Promise<FittedModel>>,
): Promise<Measure> {
  const t0 = performance.now();
  const progress = (p: Progress): void => void process.stderr.write(`[${tag}] [${p.stage}] ${p.message ?? ''}${p.fraction !== undefined ? ` ${Math.round(100 * p.fraction)}%` : ''}\n`);
  const { dataset } = openDataset({ workspace, onProgress: progress });
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', SEED);
  const ctx = fitContext(dataset, split, SEED, undefined, progress);
  const env = jobModelEnv(workspace, { lang: 'en' }, { protocol: 'recbole', filtered: false });
  const validate = (sc: Scorer): number => evaluateSplit(sc, split, 'valid', [10]).metrics['ndcg@10'];
  let recommendations: Record<string, SnapshotItem[]>;
  try {
    const hybrid = (await fitModel(model, ctx, { tune, validate, env, cache })).scorer;
    if (!(hybrid instanceof HybridScorer)) throw new Error(`${model} is not a hybrid`);
    recommendations = await explainTopK({ dataset, trainCsr: ctx.trainCsr, fitted: cache, hybrid, kg: env.kgIndex(ctx), k: K, lang: 'en', users });
  } finally {
    await env.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const real = realNames(workspace);
  let facts = 0;
  let named = 0;
  let explanations = 0;
  let withFacts = 0;
  const good: string[] = [];
  const bad: string[] = [];
  for (const u of users) {
    const items: readonly SnapshotItem[] = recommendations[u] ?? [];
    for (const it of items) {
      explanations++;
      if (it.explanation.facts.length > 0) withFacts++;
      for (const f of it.explanation.facts) {
        facts++;
        const nodes = f.split(/ —[^→]*→ | ←[^—]*— /);
        if (nodes.every((n) => real.has(n.trim()))) {
          named++;
          if (good.length < 8) good.push(f);
        } else if (bad.length < 8) bad.push(f);
      }
    }
  }
  return {
    facts,
    named,
    share: facts > 0 ? Math.round((10000 * named) / facts) / 10000 : 0,
    explanations,
    explanationsWithFacts: withFacts,
    fit_seconds: Math.round(seconds),
    examples_named: good,
    examples_placeholder: bad,
  };
}

async function main(): Promise<void> {
  const nUsers = Number(arg('--users') ?? '100');
  const model = arg('--model') ?? 'hybrid-no-text';
  const tune = process.argv.includes('--tune');
  const users = Array.from({ length: nUsers }, (_, i) => String(i + 1));
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-kg-names-'));
  try {
    const before = join(dir, 'before.sqlite');
    const after = join(dir, 'after.sqlite');
    openDataset({ dataset: 'ml-100k', workspace: before });
    copyFileSync(before, after);
    const ws = Workspace.open(after);
    const added = addRegistryKg(ws, 'movielens-dbpedia');
    ws.close();
    const cache = new Map<string, Promise<FittedModel>>();
    const b = await measure(before, users, 'before', model, tune, cache);
    const shared = new Map([...cache].filter(([name]) => CF_SOURCES.includes(name)));
    const a = await measure(after, users, 'after', model, tune, shared);
    writeResults(
      {
        benchmark: 'kg-names',
        what: 'share of KG facts cited in explanations (explanation.facts) whose every node is an item title or an entity with a name of its own',
        dataset: 'ml-100k',
        model,
        tuned: tune ? 'sources tuned on validation' : 'default hyper-parameters (no tuning); the fusion is learned on validation',
        seed: SEED,
        k: K,
        users: `1..${nUsers}`,
        kg_added: {
          name: added.name,
          triples: added.store.added.triples,
          entities: added.store.added.entities,
          relations: added.store.added.relations,
          link_rate: Math.round(10000 * added.link.rate) / 10000,
          linked_items: added.link.linked,
          items_with_facts: added.link.withFacts,
        },
        before: b,
        after: a,
        machine: { ...machineInfo(), note: 'shared 2-core machine (several jobs at once): fit times are indicative only' },
        created: new Date().toISOString(),
      },
      arg('--out'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
