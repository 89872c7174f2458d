/**
 * `knowrec import --interactions FILE [--items FILE] [--kg FILE]... [--links FILE] [--map mapping.json]
 * [--preview] --workspace W`: an analyst's own files into a workspace. `--preview` prints the
 * first rows with the role inferred for each column and the mapping (JSON to save, edit and pass
 * back with --map), and writes nothing. `--json` prints one JSON document on stdout.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadOwnFiles, parseMapping, previewOwnFiles, type ImportMapping, type OwnFiles, type OwnPreview, type ResolvedMapping } from './core/data';
import { KnowrecError } from './core/errors';
import type { Progress } from './core/types';
import { bool, list, str, type Flags } from './cli-args';
import { pseudonymKeyFor } from './cli-privacy';
import type { SignalScope } from './cli-signals';
import { attributePolicyFlags } from './cli-privacy';
import { importInto } from './jobs/dataset';
import { saveKgIndexCache } from './jobs/kg-index-loader';
import { expandKgPaths } from './jobs/kg-import';
import { writeFileAtomic } from './core/files';

/** The mapping file given with --map, checked. */
export function readMappingFile(path: string): ImportMapping {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KnowrecError('not-found', 'no mapping file at this path', { file: path }, 'check the --map path');
    throw new KnowrecError('parse', `the mapping is not valid JSON: ${(e as Error).message}`, { file: path }, 'print one with --preview and edit it');
  }
  return parseMapping(value, path);
}

function ownFiles(flags: Flags): OwnFiles {
  const interactions = str(flags, 'interactions');
  if (interactions === undefined) throw new KnowrecError('config', 'import needs --interactions FILE (or --dataset NAME)', {}, 'e.g. knowrec import --interactions ratings.csv --items items.csv --workspace my.sqlite');
  const kg = list(flags, 'kg');
  return { interactions, items: str(flags, 'items'), links: str(flags, 'links'), kg: kg.length > 0 ? expandKgPaths(kg) : undefined };
}

/** The preview as text: per table, its columns with their roles, then the first rows. */
export function formatPreview(p: OwnPreview): string {
  const out: string[] = [];
  for (const t of p.tables) {
    const dialect = t.delimiter !== undefined ? `, delimiter ${JSON.stringify(t.delimiter)}` : '';
    out.push(`${t.role}: ${t.file} (${t.format}${dialect})`);
    const head = t.columns.map((c) => `${c.name} [${c.role}]`);
    const widths = head.map((h, i) => Math.min(32, Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length))));
    const cell = (v: string, i: number): string => (v.length > widths[i] ? `${v.slice(0, widths[i] - 1)}…` : v.padEnd(widths[i]));
    out.push(`  ${head.map(cell).join(' | ')}`);
    for (const r of t.rows) out.push(`  ${r.map((v, i) => cell((v ?? '').replace(/\s+/g, ' '), i)).join(' | ')}`);
    out.push('');
  }
  out.push('mapping (save it, edit it, pass it back with --map FILE):', JSON.stringify(p.mapping, null, 2));
  return out.join('\n');
}

function saveMapping(flags: Flags, m: ResolvedMapping): void {
  const to = str(flags, 'save-map');
  if (to !== undefined) writeFileAtomic(resolve(to), `${JSON.stringify(m, null, 2)}\n`);
}

export async function cmdImportOwn(flags: Flags, signals: SignalScope, progress: (p: Progress) => void): Promise<void> {
  const files = ownFiles(flags);
  const mapFile = str(flags, 'map');
  const mapping = mapFile === undefined ? undefined : readMappingFile(resolve(mapFile));
  const json = str(flags, 'json');
  if (bool(flags, 'preview')) {
    const p = await previewOwnFiles(files, mapping);
    saveMapping(flags, p.mapping);
    if (json === '-') process.stdout.write(`${JSON.stringify(p, null, 2)}\n`);
    else process.stdout.write(`${formatPreview(p)}\n`);
    if (json !== undefined && json !== '-') writeFileAtomic(resolve(json), `${JSON.stringify(p, null, 2)}\n`);
    return;
  }
  const workspace = str(flags, 'workspace');
  if (workspace === undefined) throw new KnowrecError('config', 'No workspace given', {}, 'pass --workspace FILE (a new file is created)');
  signals.listen();
  const loaded = await loadOwnFiles(files, { mapping, name: str(flags, 'name'), onProgress: progress, signal: signals.signal });
  saveMapping(flags, loaded.mapping);
  const pseudonymize = bool(flags, 'pseudonymize') ? true : undefined;
  const opened = importInto(resolve(workspace), loaded, {
    workspace,
    pseudonymize,
    pseudonymKey: pseudonymKeyFor(flags, pseudonymize === true),
    attributes: attributePolicyFlags(flags),
    onProgress: progress,
    signal: signals.signal,
  });
  // the KG explorer's index, built now so that the first session reads it instead of building it
  progress({ stage: 'kg', message: 'KG explorer index', code: 'kgIndex' });
  await saveKgIndexCache(resolve(workspace)).catch((e: unknown) => process.stderr.write(`knowrec: the KG index was not saved beside the workspace (the workbench builds it when it opens): ${e instanceof Error ? e.message : String(e)}\n`));
  const d = opened.dataset;
  const report = opened.report ?? loaded.report;
  const doc = { workspace: opened.workspace, report, mapping: loaded.mapping };
  if (json === '-') {
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  if (json !== undefined) writeFileAtomic(resolve(json), `${JSON.stringify(doc, null, 2)}\n`);
  const link = report.link;
  process.stdout.write(
    `workspace ${opened.workspace ?? '(none)'}\n` +
      `dataset ${d.name}: ${d.userIds.length} users, ${d.itemIds.length} items, ${d.interactions.user.length} interactions, ` +
      `${d.kg.entityIds.length} entities, ${d.kg.relationNames.length} relations, ${d.kg.head.length} triples\n` +
      (link === undefined ? '' : `linked ${link.linked} of ${link.items} items to KG entities (${(100 * link.rate).toFixed(1)}%, by ${link.by})\n`) +
      `feedback: ${report.feedback?.use ?? 'n/a'}\n` +
      `mapping used (edit and pass back with --map FILE):\n${JSON.stringify(loaded.mapping, null, 2)}\n`,
  );
  for (const w of report.warnings) process.stderr.write(`warning: ${w.message}\n`);
}
