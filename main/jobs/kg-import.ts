/**
 * A KG-only import: `knowrec import --kg FILE... [--links FILE] [--map mapping.json]
 * --workspace W` adds the KG in FILE... beside the KG the workspace already holds, links the
 * workspace's items to its entities (links.ts: by id column, URI or normalized title + year)
 * and stores both in one transaction. Everything is read and checked before the workspace is
 * written; an error, a cancel or a kill leaves it as it was.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { KnowrecError, throwIfAborted } from '../core/errors';
import { readKgFiles, readKgFilesSync, type KgFiles, type KgFilesReport, type KgFormat } from '../core/data/kg-files';
import { linkItems, linkSpecFromMapping, readLinksTable, type LinkReport, type LinkSpec } from '../core/data/link';
import { findDataset, resolveDataset, type ResolveOptions } from '../core/data/registry';
import type { CsvTable } from '../core/data/csv';
import { Workspace, type KgAddResult } from '../core/store';
import type { Progress } from '../core/types';

export interface KgImportOptions {
  /** Existing workspace file holding a dataset. */
  readonly workspace: string;
  /** KG files; a folder stands for the files in it (sorted; hidden files and .md/.txt notes left out). */
  readonly kg: readonly string[];
  /** Links table (item → entity, or title → entity). */
  readonly links?: string;
  /** Mapping file (JSON); its "links" section says how to link (see link.ts). */
  readonly mapping?: string;
  /** Or the link spec itself (wins over the mapping file). */
  readonly linkSpec?: LinkSpec;
  readonly format?: KgFormat;
  /** Name recorded for this KG; default: the folder (or file) name of the first KG file. */
  readonly name?: string;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export interface KgImportReport {
  readonly workspace: string;
  readonly name: string;
  readonly kg: KgFilesReport;
  readonly link: LinkReport;
  readonly store: KgAddResult;
}

/** Reads the mapping file's "links" section (undefined when absent). */
function mappingLinks(path: string | undefined): unknown {
  if (path === undefined) return undefined;
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KnowrecError('not-found', 'file does not exist', { file: path }, 'check the --map path');
    throw new KnowrecError('parse', `the mapping is not valid JSON: ${(e as Error).message}`, { file: path }, 'fix the JSON (the import prints a mapping you can start from)');
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new KnowrecError('parse', 'the mapping must be a JSON object', { file: path });
  return (m as Record<string, unknown>).links;
}

/** The KG files: folders expanded to the data files they hold. */
export function expandKgPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      // a missing file is reported by the reader, with its path
    }
    if (!dir) {
      out.push(p);
      continue;
    }
    const files = readdirSync(p)
      .filter((f) => !f.startsWith('.') && !/\.(md|txt|json|html?)$/i.test(f))
      .sort()
      .map((f) => join(p, f))
      .filter((f) => statSync(f).isFile());
    if (files.length === 0) throw new KnowrecError('not-found', 'the folder holds no KG files', { file: p }, 'pass the KG files themselves, or a folder of .nt/.ttl/.edgelist/.tsv files');
    out.push(...files);
  }
  return out;
}

function defaultName(first: string): string {
  const abs = resolve(first);
  const dir = basename(dirname(abs));
  return dir === 'graphs' ? basename(dirname(dirname(abs))) : basename(abs, extname(abs));
}

/** Adds the KG files to the workspace (see the module comment); Turtle is streamed. */
export async function importKgIntoWorkspace(opts: KgImportOptions): Promise<KgImportReport> {
  const path = resolve(opts.workspace);
  if (!existsSync(path)) {
    throw new KnowrecError('not-found', 'no workspace file at this path', { file: path }, 'import interactions and items first (knowrec import --dataset NAME or --interactions FILE), then add the KG');
  }
  const section = mappingLinks(opts.mapping);
  const paths = expandKgPaths(opts.kg);
  const kg = await readKgFiles(paths, { format: opts.format, signal: opts.signal, onProgress: opts.onProgress });
  throwIfAborted(opts.signal);
  const table = opts.links === undefined ? null : readLinksTable(opts.links);
  const spec = opts.linkSpec ?? linkSpecFromMapping(section, table);
  const ws = Workspace.open(path);
  try {
    return addKgToWorkspace(ws, kg, table, spec, opts.name ?? defaultName(paths[0]), opts);
  } finally {
    ws.close();
  }
}

/** Links the workspace's items to `kg` and stores both in one transaction. */
export function addKgToWorkspace(
  ws: Workspace,
  kg: KgFiles,
  table: CsvTable | null,
  spec: LinkSpec,
  name: string,
  opts: { readonly onProgress?: (p: Progress) => void; readonly signal?: AbortSignal } = {},
): KgImportReport {
  const items = ws.loadStoredDataset().items;
  const entities = new Set<string>();
  for (let i = 0; i < kg.triples.head.length; i++) {
    entities.add(kg.triples.head[i]);
    entities.add(kg.triples.tail[i]);
  }
  opts.onProgress?.({ stage: 'link', message: `by ${spec.by}`, code: 'linkBy', params: { by: spec.by } });
  const { links, report: link } = linkItems(items, table, spec, entities);
  // an entity linked to an item is shown with the item's title ("E.T. the Extra-Terrestrial (1982)"),
  // not with the name its URI gives it ("E.T. the Extra-Terrestrial")
  const names = new Map(kg.entityNames);
  for (const e of links.entity) if (!kg.labelled.has(e)) names.delete(e);
  const store = ws.addKnowledgeGraph(
    { name, head: kg.triples.head, relation: kg.triples.relation, tail: kg.triples.tail, entityNames: names, links },
    { report: { kg: kg.report, link }, onProgress: opts.onProgress, signal: opts.signal },
  );
  return { workspace: ws.path, name, kg: kg.report, link, store };
}

/**
 * Adds registry KG `name` (format 'kg': files, links table and link spec in its entry; files
 * found and verified like any registry dataset) to the open workspace.
 */
export function addRegistryKg(
  ws: Workspace,
  name: string,
  opts: ResolveOptions & { readonly onProgress?: (p: Progress) => void; readonly signal?: AbortSignal } = {},
): KgImportReport {
  const entry = findDataset(name, opts.registry);
  if (entry.format !== 'kg' || entry.kg === undefined) {
    throw new KnowrecError('config', `${name} is not a KG-only dataset`, {}, 'import it with knowrec import --dataset NAME into a new workspace');
  }
  opts.onProgress?.({ stage: 'resolve', message: name });
  const r = resolveDataset(name, opts);
  const layout = entry.kg;
  const kg = readKgFilesSync(
    layout.files.map((f) => join(r.dir, f)),
    { format: layout.format, signal: opts.signal, onProgress: opts.onProgress },
  );
  const table = layout.links === undefined ? null : readLinksTable(join(r.dir, layout.links));
  return addKgToWorkspace(ws, kg, table, layout.link, name, opts);
}

/**
 * Adds the registry KGs listed in `dataset`'s entry (extraKgs) that the workspace does not hold
 * yet and whose files are found; a KG whose files are missing is skipped with a progress note.
 */
export function addExtraKgs(
  ws: Workspace,
  dataset: string,
  opts: ResolveOptions & { readonly onProgress?: (p: Progress) => void; readonly signal?: AbortSignal } = {},
): KgImportReport[] {
  let extra: readonly string[] = [];
  try {
    extra = findDataset(dataset, opts.registry).extraKgs ?? [];
  } catch {
    return [];
  }
  const held = new Set(ws.kgImports().map((k) => k.name));
  const out: KgImportReport[] = [];
  for (const name of extra) {
    if (held.has(name)) continue;
    try {
      out.push(addRegistryKg(ws, name, opts));
    } catch (e) {
      if (!(e instanceof KnowrecError) || e.code !== 'not-found') throw e;
      opts.onProgress?.({ stage: 'kg', message: `${name} skipped: its files were not found (${e.message})`, code: 'kgSkipped', params: { name, reason: e.message } });
    }
  }
  return out;
}

/** The import report as lines for a terminal. */
export function formatKgImport(r: KgImportReport): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const a = r.store.added;
  const l = r.link;
  const lines = [
    `workspace ${r.workspace}`,
    `KG "${r.name}": ${r.kg.triples} triples, ${r.kg.entities} entities, ${r.kg.relations} relations read from ${r.kg.files.length} file(s) ` +
      `(${r.kg.labelled} entities named by labels, ${r.kg.derivedNames} by their URI)`,
    `added ${a.triples} triples, ${a.entities} entities, ${a.relations} relations, ${a.links} item links` +
      (r.store.duplicateTriples > 0 ? ` (${r.store.duplicateTriples} duplicate triples kept once)` : ''),
    `links by ${l.by}: ${l.linked} of ${l.items} items linked (${pct(l.rate)})` +
      (l.withFacts !== undefined ? `, ${l.withFacts} with at least one fact` : '') +
      (l.ambiguous > 0 ? `, ${l.ambiguous} ambiguous rows (first kept)` : ''),
    `workspace now: ${r.store.after.entities} entities, ${r.store.after.relations} relations, ${r.store.after.triples} triples, ${r.store.after.links} links`,
  ];
  if (l.unmatchedItems.length > 0) lines.push(`unlinked items, e.g. ${l.unmatchedItems.slice(0, 5).join('; ')}`);
  return lines.join('\n');
}
