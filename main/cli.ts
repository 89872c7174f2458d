/**
 * `knowrec` — the headless command line of KnowRec Workbench.
 *   knowrec evaluate --dataset ml-100k --protocol recbole --models pop,itemknn,ease,bpr --seed 2020 --k 10 --json out.json
 *   knowrec fit --dataset ml-100k --out DIR [--users ID,ID | --sample N]
 *   knowrec recommend --dataset ml-100k --user 1 -k 5 --explain --json
 *   knowrec recommend --dataset ml-100k --query "light-hearted animated film for children" -k 10
 *   knowrec recommend --dataset ml-100k --items 1,50 -k 10
 *   knowrec import --interactions ratings.csv --items items.csv --kg kg.ttl [--map mapping.json] [--preview] --workspace FILE
 *   knowrec import --dataset ml-100k --workspace FILE [--pseudonymize [--key-file FILE]] [--drop-attributes age,zip] [--generalize]
 *   knowrec forget-user --workspace FILE --user ID [--key-file FILE]
 *   knowrec serve --workspace FILE [--port N]
 * Results go to stdout (with --json exactly one JSON document: `recommend --json`, `evaluate
 * --json -`); progress, notes and warnings go to stderr.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from './core/files';
import { join, resolve } from 'node:path';
import { createApi, knowrecCacheDir } from './api';
import { startBridge } from './bridge/server';
import { Workspace, type PseudonymKey } from './core/store';
import { KnowrecError } from './core/errors';
import { workersExited } from './core/worker-launcher';
import type { SplitProtocol } from './core/eval';
import type { Dataset, Progress } from './core/types';
import { bool, helpText, int, list, num, parseFlags, str, type Flags } from './cli-args';
import { attributePolicyFlags, cmdForgetUser, pseudonymKeyFor } from './cli-privacy';
import { SignalScope } from './cli-signals';
import { cmdImportOwn } from './cli-import';
import { cmdImportKg, isKgOnlyImport } from './cli-kg';
import { explanationLines } from './jobs/explain-text';
import { COMMANDS, DEMO, EVALUATE, FINETUNE, FIT, FORGET_USER, IMPORT, MODELS, RECOMMEND, SERVE } from './cli-commands';
import { cmdModels } from './cli-models';
import { defaultWorkspacePath, heldDatasetName, openDataset } from './jobs/dataset';
import { runEvaluation, type ResultsFile } from './jobs/evaluate';
import { ModelEnv } from './jobs/model-factory';
import { modelNames } from './core/models/registry';
import { answerQuery } from './jobs/query';
import { runDemo } from './jobs/demo';
import { loadDatasetInWorker, recordDataHashInWorker } from './jobs/dataset-loader';
import { loadKgIndexForApi } from './jobs/kg-index-loader';
import { defaultModelPath, loadSnapshot, runFit } from './jobs/fit';
import { checkExplainChoice } from './jobs/explained-users';
import { staleNote } from './jobs/snapshot';
import { explainedPhrase, notExplainedError, usersExplainedOf } from './jobs/snapshot-users';
import { formatFidelityTable, formatResultsTable } from './jobs/table';
import { formatEpoch, runFinetune } from './jobs/finetune';
import { readLabelsCsv } from './core/train/labels-file';
import { defaultAdapterRoot } from './core/train/versions';

const REPO_ROOT = resolve(__dirname, '..');
const APP_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function usage(): string {
  const lines = ['knowrec — KnowRec Workbench from the command line', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', `models: ${modelNames().join(', ')}`, 'Run `knowrec <command> --help` for its flags.');
  return lines.join('\n');
}

/** Progress on stderr: a line when the stage or message changes, else at most one a second. */
function progressPrinter(quiet: boolean): (p: Progress) => void {
  let last = '';
  let lastAt = 0;
  return (p) => {
    if (quiet) return;
    const head = `[${p.stage}]${p.message !== undefined ? ` ${p.message}` : ''}`;
    const now = Date.now();
    if (head === last && now - lastAt < 1000) return;
    const frac = p.fraction !== undefined ? ` ${(100 * p.fraction).toFixed(0)}%` : '';
    const metrics = p.metrics !== undefined ? ` ${Object.entries(p.metrics).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`).join(' ')}` : '';
    process.stderr.write(`${head}${frac}${metrics}\n`);
    last = head;
    lastAt = now;
  };
}

function encoderVariant(v: string | undefined): 'fp32' | 'int8' {
  if (v === undefined || v === 'fp32' || v === 'int8') return v ?? 'fp32';
  throw new KnowrecError('config', `--encoder must be fp32 or int8, got '${v}'`);
}

function adapterRootFlag(flags: Flags): string | undefined {
  if (bool(flags, 'no-active-adapter')) return undefined;
  const given = str(flags, 'adapters');
  if (given !== undefined) return resolve(given);
  const name = datasetName(flags);
  return name === undefined ? undefined : defaultAdapterRoot(name);
}

/** --dataset, else the name of the dataset the --workspace file holds (its models and adapters are filed under it). */
function datasetName(flags: Flags): string | undefined {
  return str(flags, 'dataset') ?? heldDatasetName(str(flags, 'workspace'));
}

async function cmdEvaluate(flags: Flags, signals: SignalScope): Promise<void> {
  signals.listen();
  const protocol = (str(flags, 'protocol') ?? 'recbole') as SplitProtocol;
  const results: ResultsFile = await runEvaluation({
    dataset: str(flags, 'dataset'),
    dataDir: str(flags, 'data'),
    workspace: str(flags, 'workspace'),
    reimport: bool(flags, 'reimport'),
    protocol,
    models: list(flags, 'models'),
    seed: int(flags, 'seed', 2020),
    k: int(flags, 'k', 10, 1),
    tune: !bool(flags, 'no-tune'),
    minRating: num(flags, 'min-rating'),
    kcore: str(flags, 'kcore') !== undefined ? int(flags, 'kcore', 0, 1) : undefined,
    encoderVariant: encoderVariant(str(flags, 'encoder')),
    lang: str(flags, 'lang'),
    modelDir: str(flags, 'model-dir'),
    textModel: str(flags, 'text-model'),
    splitDir: str(flags, 'split-dir'),
    exportSplitDir: str(flags, 'export-split'),
    adapterRoot: adapterRootFlag(flags),
    explainFidelity: bool(flags, 'explain-fidelity') ? { users: int(flags, 'users', 200, 1) } : undefined,
    signal: signals.signal,
    onProgress: progressPrinter(bool(flags, 'quiet')),
  });
  const fidelity = formatFidelityTable(results);
  const table = fidelity.length > 0 ? `${formatResultsTable(results)}\n\n${fidelity}` : formatResultsTable(results);
  const out = str(flags, 'json');
  if (out === '-') {
    // stdout holds the results file alone; the table goes to stderr with the progress
    if (!bool(flags, 'quiet')) process.stderr.write(`${table}\n`);
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${table}\n`);
  if (out !== undefined) {
    writeJsonAtomic(out, results);
    process.stdout.write(`results written to ${resolve(out)}\n`);
  }
}

function cmdImport(flags: Flags): void {
  const name = str(flags, 'dataset');
  const workspace = str(flags, 'workspace') ?? (name !== undefined ? defaultWorkspacePath(name) : undefined);
  if (workspace === undefined) throw new KnowrecError('config', 'No workspace given', {}, 'pass --workspace FILE');
  const pseudonymize = bool(flags, 'pseudonymize') ? true : undefined;
  // the key: created by a pseudonymized import, else read when it exists (a re-import of a pseudonymized workspace needs it)
  const pseudonymKey = pseudonymKeyFor(flags, pseudonymize === true);
  const opened = openDataset({
    dataset: name,
    dataDir: str(flags, 'data'),
    workspace,
    reimport: true,
    pseudonymize,
    pseudonymKey,
    attributes: attributePolicyFlags(flags),
    onProgress: progressPrinter(false),
  });
  const d = opened.dataset;
  process.stdout.write(
    `workspace ${opened.workspace ?? '(none)'}\n` +
      `dataset ${d.name}: ${d.userIds.length} users, ${d.itemIds.length} items, ${d.interactions.user.length} interactions, ` +
      `${d.kg.entityIds.length} entities, ${d.kg.relationNames.length} relations, ${d.kg.head.length} triples\n`,
  );
  // the message already names the file, the count and the first lines
  for (const w of opened.report?.warnings ?? []) process.stderr.write(`warning: ${w.message}\n`);
}

function reasonLang(v: string | undefined): 'en' | 'zh' {
  if (v === undefined || v === 'en' || v === 'zh') return v ?? 'en';
  throw new KnowrecError('config', `--lang must be en or zh, got '${v}'`);
}

async function cmdFit(flags: Flags, signals: SignalScope): Promise<void> {
  signals.listen();
  const explainUsers = str(flags, 'users') !== undefined ? list(flags, 'users') : undefined;
  const explainSample = str(flags, 'sample') !== undefined ? int(flags, 'sample', 1, 1) : undefined;
  // before the workspace or dataset is opened (minutes at scale): a choice no dataset can satisfy
  checkExplainChoice({ ...(explainUsers !== undefined ? { users: explainUsers } : {}), ...(explainSample !== undefined ? { sample: explainSample } : {}) });
  const name = str(flags, 'dataset');
  const held = datasetName(flags);
  const out = str(flags, 'out') ?? (held !== undefined ? defaultModelPath(held) : undefined);
  if (out === undefined) throw new KnowrecError('config', 'fit needs --out DIR (or --dataset NAME, or --workspace FILE holding a dataset, for the default folder)');
  const r = await runFit({
    dataset: name,
    dataDir: str(flags, 'data'),
    workspace: str(flags, 'workspace'),
    reimport: bool(flags, 'reimport'),
    out,
    seed: int(flags, 'seed', 2020),
    k: int(flags, 'k', 10, 1),
    lang: reasonLang(str(flags, 'lang')),
    encoderVariant: encoderVariant(str(flags, 'encoder')),
    modelDir: str(flags, 'model-dir'),
    textModel: str(flags, 'text-model'),
    ...(explainUsers !== undefined ? { explainUsers } : {}),
    ...(explainSample !== undefined ? { explainSample } : {}),
    signal: signals.signal,
    onProgress: progressPrinter(bool(flags, 'quiet')),
  });
  const m = r.snapshot.manifest;
  process.stdout.write(
    `fitted hybrid on ${m.dataset} (seed ${m.protocol.seed}) in ${m.fit_seconds}s; ` +
      `valid ndcg@10 ${m.metrics.valid['ndcg@10'].toFixed(4)}, test ndcg@10 ${m.metrics.test['ndcg@10'].toFixed(4)}\n` +
      `explained ${explainedPhrase(usersExplainedOf(m))}\n` +
      `saved to ${r.path ?? '(nowhere)'}\n`,
  );
}

async function recommendForUser(flags: Flags, user: string): Promise<void> {
  const k = int(flags, 'k', 10, 1);
  const name = str(flags, 'dataset');
  let dir = str(flags, 'model');
  if (dir === undefined) {
    const held = datasetName(flags);
    if (held === undefined) throw new KnowrecError('config', 'recommend --user needs --model DIR, --dataset NAME or --workspace FILE');
    dir = defaultModelPath(held);
    if (!existsSync(join(dir, 'manifest.json'))) {
      const from = name !== undefined ? `--dataset ${name}` : `--workspace ${str(flags, 'workspace') ?? ''}`;
      process.stderr.write(`no fitted model in ${dir}: fitting one now (knowrec fit ${from} --out ${dir})\n`);
      // at scale the fit explains a sample of the users: this one among them
      await runFit({ dataset: name, dataDir: str(flags, 'data'), workspace: str(flags, 'workspace'), out: dir, seed: 2020, k: Math.max(k, 10), lang: reasonLang(str(flags, 'lang')), explainInclude: [user], onProgress: progressPrinter(bool(flags, 'quiet')) });
    }
  }
  const snap = loadSnapshot(dir);
  const stale = staleNote(snap.manifest);
  if (stale !== null) process.stderr.write(`note: ${stale}\n`);
  if (name !== undefined && snap.manifest.dataset !== name) {
    throw new KnowrecError('validation', `the model was fitted on '${snap.manifest.dataset}', not '${name}'`, { file: dir }, 'pass the matching --dataset or another --model');
  }
  const recs = Object.prototype.hasOwnProperty.call(snap.recommendations, user) ? snap.recommendations[user] : undefined;
  if (recs === undefined) {
    const data = str(flags, 'data');
    const fit = `knowrec fit ${name !== undefined ? `--dataset ${name}${data !== undefined ? ` --data ${data}` : ''}` : `--workspace ${str(flags, 'workspace') ?? 'FILE'}`}${str(flags, 'model') !== undefined ? ` --out ${dir}` : ''}`;
    throw notExplainedError(snap.manifest, user, fit, dir) ?? new KnowrecError('not-found', `user '${user}' is not in the model (${snap.manifest.users} users)`, { file: dir }, 'check the id, or refit after importing the user');
  }
  if (k > snap.manifest.k) {
    throw new KnowrecError('config', `the model keeps ${snap.manifest.k} items per user; -k ${k} is more`, { file: dir }, `refit with knowrec fit -k ${k}`);
  }
  const items = recs.slice(0, k).map((r) => (bool(flags, 'explain') ? r : { item: r.item, title: r.title, score: r.score }));
  if (bool(flags, 'json')) {
    process.stdout.write(`${JSON.stringify({ user, items }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`user ${user} · ${snap.manifest.dataset} · hybrid (fitted ${snap.manifest.created})\n`);
  recs.slice(0, k).forEach((r, i) => {
    process.stdout.write(`${String(i + 1).padStart(3)}. ${r.score.toFixed(3)}  ${r.title}  [item ${r.item}]\n`);
    if (bool(flags, 'explain')) {
      const e = r.explanation;
      for (const line of explanationLines(e)) process.stdout.write(`       ${line}\n`);
      for (const f of e.facts.slice(0, 2)) process.stdout.write(`       fact: ${f}\n`);
    }
  });
}

async function cmdRecommend(flags: Flags): Promise<void> {
  const user = str(flags, 'user');
  if (user !== undefined) return recommendForUser(flags, user);
  const query = str(flags, 'query');
  const items = list(flags, 'items');
  if (query === undefined && items.length === 0) {
    throw new KnowrecError('config', 'recommend needs --user ID, --query TEXT or --items ID,ID', {}, 'e.g. --user 1, --query "light-hearted animated film for children", or --items 1,50');
  }
  const k = int(flags, 'k', 10, 1);
  const opened = openDataset({ dataset: str(flags, 'dataset'), dataDir: str(flags, 'data'), workspace: str(flags, 'workspace') });
  const env = new ModelEnv({
    workspace: opened.workspace,
    variant: encoderVariant(str(flags, 'encoder')),
    modelDir: str(flags, 'model-dir'),
    textModel: str(flags, 'text-model'),
  });
  try {
    const r = await answerQuery({
      dataset: opened.dataset,
      query,
      items,
      k,
      lang: reasonLang(str(flags, 'lang')),
      text: async () => ({ encoder: await env.getEncoder(), countTokens: env.countTokens() }),
    });
    const explain = bool(flags, 'explain');
    if (r.languageHint !== undefined) process.stderr.write(`knowrec recommend: note: ${r.languageHint}\n`);
    if (bool(flags, 'json')) {
      const rows = r.items.map((h) => (explain ? h : { item: h.item, title: h.title, score: h.score }));
      const model = { text_model: r.textModel ?? null, catalog_lang: r.catalogLang ?? null, ...(r.languageHint !== undefined ? { language_hint: r.languageHint } : {}) };
      process.stdout.write(`${JSON.stringify({ query: r.query, picks: r.picks.map((p) => p.id), ...model, items: rows }, null, 2)}\n`);
      return;
    }
    if (r.textModel !== undefined) process.stdout.write(`text model: ${r.textModel}${r.catalogLang !== undefined ? ` (item sentences: ${r.catalogLang})` : ''}\n`);
    if (r.query !== null) process.stdout.write(`query: ${r.query}\n`);
    if (r.picks.length > 0) process.stdout.write(`picked: ${r.picks.map((p) => `${p.title} [item ${p.id}]`).join(', ')}\n`);
    r.items.forEach((h, i) => {
      process.stdout.write(`${String(i + 1).padStart(3)}. ${h.score.toFixed(3)}  ${h.title}  [item ${h.item}]\n`);
      if (explain) process.stdout.write(`       why: ${h.explanation.reason}\n`);
    });
  } finally {
    await env.close();
  }
}

async function cmdDemo(flags: Flags, signals: SignalScope): Promise<void> {
  const dataset = str(flags, 'dataset') ?? 'ml-100k';
  const r = await runDemo({
    dataset,
    dataDir: str(flags, 'data'),
    outDir: str(flags, 'out') ?? 'results',
    seed: int(flags, 'seed', 2020),
    users: list(flags, 'users'),
    lang: reasonLang(str(flags, 'lang')),
    cold: flags.cold !== false,
    write: (t) => process.stdout.write(t),
    onProgress: progressPrinter(bool(flags, 'quiet')),
  });
  process.stdout.write(`\nwrote ${r.files.join(', ')}\nmain job run time: ${r.seconds} s\n`);
  if (flags.serve === false) return;
  await serveWorkspace(defaultWorkspacePath(dataset), int(flags, 'port', 0, 0), signals, [], (create) => pseudonymKeyFor(flags, create));
}

async function cmdServe(flags: Flags, signals: SignalScope): Promise<void> {
  const name = str(flags, 'dataset');
  let workspace = str(flags, 'workspace');
  if (name !== undefined || str(flags, 'data') !== undefined) {
    // make sure the dataset is in the workspace before serving it
    workspace = openDataset({ dataset: name, dataDir: str(flags, 'data'), workspace, reimport: bool(flags, 'reimport') }).workspace ?? undefined;
  }
  if (workspace === undefined) throw new KnowrecError('config', 'No workspace given', {}, 'pass --workspace FILE or --dataset NAME');
  const whatIf = { model: str(flags, 'what-if-model'), tune: bool(flags, 'what-if-tune') };
  await serveWorkspace(workspace, int(flags, 'port', 0, 0), signals, dataRoots(flags), (create) => pseudonymKeyFor(flags, create), whatIf);
}

/** The folders given with --data-root, each an existing folder. */
function dataRoots(flags: Flags): string[] {
  return list(flags, 'data-root').map((d) => {
    const dir = resolve(d);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new KnowrecError('config', '--data-root must name an existing folder', { file: dir }, 'create the folder or fix the path');
    return dir;
  });
}

/**
 * Serves the workbench for a workspace on 127.0.0.1 until SIGINT, SIGTERM or SIGHUP: then the
 * bridge stops (connections closed, at most a second's wait) and the workspace is closed. The Api
 * opens workspaces and imports only under `dataRoots` (default: the current folder and the user
 * cache). KNOWREC_RENDERER_DIR serves another build of the renderer (tests).
 */
async function serveWorkspace(
  workspace: string,
  port: number,
  signals: SignalScope,
  dataRoots: readonly string[] = [],
  pseudonymKey?: (create: boolean) => PseudonymKey | undefined,
  whatIf?: { readonly model?: string; readonly tune?: boolean },
): Promise<void> {
  const staticDir = process.env.KNOWREC_RENDERER_DIR ?? join(REPO_ROOT, 'out', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new KnowrecError('not-found', 'the renderer is not built', { file: staticDir }, 'run `npm run build` first');
  }
  const path = resolve(workspace);
  const allowedRoots = dataRoots.length > 0 ? dataRoots : [process.cwd(), knowrecCacheDir()];
  signals.listen(); // before the address is printed: a signal from then on closes what was opened
  const loadDataset = (p: string): Promise<Dataset> => loadDatasetInWorker(p);
  const api = createApi({ open: (p) => Workspace.open(p), workspacePath: path, appVersion: APP_VERSION, allowedRoots, pseudonymKey, whatIf, loadDataset, recordDataHash: (p) => recordDataHashInWorker(p), loadKgIndex: loadKgIndexForApi, prewarm: true });
  const bridge = await startBridge({ api, port, staticDir, log: (line) => process.stdout.write(`${line}\n`) });
  await new Promise<void>((done) => {
    signals.onStop(() => {
      const waited = new Promise<void>((r) => setTimeout(r, 1000).unref());
      void Promise.race([bridge.close().catch(() => undefined), waited]).then(() => {
        try {
          api.close();
        } finally {
          void workersExited(5000).then(() => done());
        }
      });
    });
  });
}

async function cmdFinetune(flags: Flags, signals: SignalScope): Promise<void> {
  const name = str(flags, 'dataset');
  const opened = openDataset({ dataset: name, dataDir: str(flags, 'data'), workspace: str(flags, 'workspace'), reimport: bool(flags, 'reimport') });
  const labelsFile = str(flags, 'labels');
  const labels = labelsFile !== undefined ? readLabelsCsv(labelsFile, opened.dataset) : [];
  const params = {
    ...(str(flags, 'epochs') !== undefined ? { epochs: int(flags, 'epochs', 10, 1) } : {}),
    ...(str(flags, 'rank') !== undefined ? { rank: int(flags, 'rank', 32, 0) } : {}),
    ...(str(flags, 'lr') !== undefined ? { lr: num(flags, 'lr') } : {}),
    ...(str(flags, 'batch') !== undefined ? { batchSize: int(flags, 'batch', 256, 2) } : {}),
    ...(str(flags, 'temperature') !== undefined ? { temperature: num(flags, 'temperature') } : {}),
  };
  signals.onStop(() => process.stderr.write('cancelling after the current batch; resume with --resume (the last epoch is kept)\n'));
  signals.listen();
  const r = await runFinetune({
    dataset: opened.dataset,
    workspace: opened.workspace ?? undefined,
    labels,
    params,
    outDir: str(flags, 'out'),
    seed: int(flags, 'seed', 2020),
    resumeFrom: str(flags, 'resume'),
    encoderVariant: encoderVariant(str(flags, 'encoder')),
    modelDir: str(flags, 'model-dir'),
    textModel: str(flags, 'text-model'),
    lang: str(flags, 'lang'),
    signal: signals.signal,
    onProgress: progressPrinter(bool(flags, 'quiet')),
    onEpoch: (e) => {
      if (!bool(flags, 'quiet')) process.stderr.write(`${formatEpoch(e)}\n`);
    },
  });
  const m = r.meta.metrics;
  process.stdout.write(
    `valid ndcg@10: frozen ${r.validNdcg.semantic.toFixed(4)} → fine-tuned ${r.validNdcg.semanticFt.toFixed(4)} ` +
      `(best epoch ${m.best_epoch}, ${m.pairs} pairs, ${labels.length} labels, ${m.train_seconds} s)\n` +
      `saved to ${r.dir}\n`,
  );
}

/** Writes JSON through a temporary file and a rename, so a crash never leaves half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(resolve(path), `${JSON.stringify(value, null, 2)}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 1 : 0;
  }
  const spec = COMMANDS.find((c) => c.name === name);
  if (spec === undefined) {
    process.stderr.write(`knowrec: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  const signals = new SignalScope();
  try {
    const flags = parseFlags(spec, rest);
    if (bool(flags, 'help')) {
      process.stdout.write(`${helpText(spec)}\n`);
      return 0;
    }
    if (spec === EVALUATE) await cmdEvaluate(flags, signals);
    else if (spec === IMPORT && (str(flags, 'interactions') !== undefined || bool(flags, 'preview'))) await cmdImportOwn(flags, signals, progressPrinter(bool(flags, 'quiet')));
    else if (spec === IMPORT && isKgOnlyImport(flags)) await cmdImportKg(flags, signals);
    else if (spec === IMPORT) cmdImport(flags);
    else if (spec === SERVE) await cmdServe(flags, signals);
    else if (spec === RECOMMEND) await cmdRecommend(flags);
    else if (spec === FIT) await cmdFit(flags, signals);
    else if (spec === DEMO) await cmdDemo(flags, signals);
    else if (spec === FINETUNE) await cmdFinetune(flags, signals);
    else if (spec === FORGET_USER) cmdForgetUser(flags);
    else if (spec === MODELS) cmdModels(flags);
    return signals.exitCode() ?? 0;
  } catch (e) {
    const stopped = signals.exitCode();
    if (stopped !== null) {
      process.stderr.write(`knowrec ${name}: stopped by ${signals.received ?? 'a signal'}\n`);
      return stopped;
    }
    if (e instanceof KnowrecError) {
      process.stderr.write(`knowrec ${name}: ${e.message}\n`);
      return e.code === 'config' ? 2 : 1;
    }
    throw e;
  } finally {
    signals.release();
  }
}

/** Runs the CLI and exits with its code (70 on an internal error). bin/knowrec.js calls this. */
export function runCli(argv: readonly string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`knowrec: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(70);
    },
  );
}

if (require.main === module) runCli(process.argv.slice(2));
