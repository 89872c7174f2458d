/**
 * Reading a KG from an analyst's files: N-Triples, Turtle, a 3-column triples table, or edge
 * lists (one relation per file), any mix, in one call. The format comes from the extension
 * (.nt, .ttl/.turtle, .edgelist, .csv/.tsv/.txt by column count) or from the first lines.
 * Entities get readable names: a label literal (rdfs:label, foaf:name, skos:prefLabel,
 * schema:name) when the files have one, else the local part of the URI (uri-name.ts:
 * percent-decoded, `_` → space, a trailing "(film)" disambiguator dropped). Opaque ids that are
 * not URIs (Freebase MIDs, plain numbers) get no derived name.
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { KnowrecError, throwIfAborted } from '../errors';
import type { Progress } from '../types';
import { readEdgeListInto, readTriplesTableInto } from './kg-tables';
import { readNTriplesInto, readTurtleInto, readTurtleTextInto } from './kg-rdf';
import { KgSink } from './kg-sink';
import type { RawTriples } from './raw';
import { ReportBuilder, type FileKind, type FileReport, type ImportWarning } from './report';
import { sniffDelimiter, unquoted } from './table-sniff';
import { readTextFile } from './text-file';
import { hasReadableLocalName, uriDisplayName } from './uri-name';

export type KgFormat = 'auto' | 'ntriples' | 'turtle' | 'triples' | 'edgelist';
export const KG_FORMATS: readonly KgFormat[] = ['auto', 'ntriples', 'turtle', 'triples', 'edgelist'];

export interface KgFilesOptions {
  /** One format for every file; default 'auto' (per file, see detectKgFormat). */
  readonly format?: KgFormat;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface KgFilesReport {
  readonly files: readonly (FileReport & { readonly format: Exclude<KgFormat, 'auto'> })[];
  readonly warnings: readonly ImportWarning[];
  /** Triples read (before duplicates are dropped by the store). */
  readonly triples: number;
  readonly entities: number;
  readonly relations: number;
  /** Entities named by a label literal in the files. */
  readonly labelled: number;
  /** Entities named from their URI (no label). */
  readonly derivedNames: number;
}

export interface KgFiles {
  readonly triples: RawTriples;
  /** Readable name of every entity that has one (labels first, else derived from the URI). */
  readonly entityNames: Map<string, string>;
  /** Entities whose name is a label from the files (the others' names come from their URI). */
  readonly labelled: ReadonlySet<string>;
  readonly report: KgFilesReport;
}

const KIND: Record<Exclude<KgFormat, 'auto'>, FileKind> = { ntriples: 'nt', turtle: 'ttl', triples: 'kg', edgelist: 'edgelist' };

/**
 * The format of `path`: by extension (.nt → ntriples; .ttl/.turtle → turtle; .edgelist →
 * edgelist; .kg → triples), else by content: `@prefix`/`PREFIX`/`@base` → turtle; lines of
 * `<…> <…> … .` → ntriples; a table of 2 columns → edgelist, of 3 → triples.
 */
export function detectKgFormat(path: string, head?: string): Exclude<KgFormat, 'auto'> {
  const ext = extname(path).toLowerCase();
  if (ext === '.nt' || ext === '.ntriples') return 'ntriples';
  if (ext === '.ttl' || ext === '.turtle') return 'turtle';
  if (ext === '.edgelist') return 'edgelist';
  if (ext === '.kg') return 'triples';
  const text = head ?? readTextFile(path).slice(0, 64 * 1024);
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0 && !l.trimStart().startsWith('#')).slice(0, 20);
  if (lines.some((l) => /^\s*(@prefix|@base|PREFIX|BASE)\b/i.test(l))) return 'turtle';
  if (lines.length > 0 && lines.every((l) => /^\s*(<[^>]*>|_:\S+)\s+<[^>]*>\s+.*\.\s*$/.test(l))) return 'ntriples';
  const d = sniffDelimiter(text);
  const width = lines.length > 0 ? unquoted(lines[0].trim()).split(d === ' ' ? /\s+/ : d).length : 0;
  if (width === 2) return 'edgelist';
  if (width === 3) return 'triples';
  throw new KnowrecError(
    'parse',
    `cannot tell the KG format: the first line has ${width} column${width === 1 ? '' : 's'}`,
    { file: path, line: 1 },
    'use .nt (N-Triples), .ttl (Turtle), a head/relation/tail table, or a "head tail" .edgelist named after its relation; or pass --kg-format',
  );
}

/** Reads every file into one KG (see the module comment); Turtle is streamed from disk. */
export async function readKgFiles(paths: readonly string[], opts: KgFilesOptions = {}): Promise<KgFiles> {
  const r = new KgReader(paths, opts);
  for (const path of paths) {
    const format = r.next(path);
    r.done(path, format, format === 'turtle' ? await readTurtleInto(path, r.sink, { signal: opts.signal, bytes: fileSize(path) }) : r.readSync(path, format));
  }
  return r.finish();
}

/** readKgFiles without streaming (each Turtle file is read whole), for synchronous callers. */
export function readKgFilesSync(paths: readonly string[], opts: KgFilesOptions = {}): KgFiles {
  const r = new KgReader(paths, opts);
  for (const path of paths) {
    const format = r.next(path);
    r.done(path, format, r.readSync(path, format));
  }
  return r.finish();
}

class KgReader {
  readonly builder: ReportBuilder;
  readonly sink: KgSink;
  private readonly files: (FileReport & { format: Exclude<KgFormat, 'auto'> })[] = [];
  private before = 0;

  constructor(
    private readonly paths: readonly string[],
    private readonly opts: KgFilesOptions,
  ) {
    if (paths.length === 0) throw new KnowrecError('config', 'no KG file given', {}, 'pass one or more --kg FILE');
    this.builder = new ReportBuilder('kg', paths.length === 1 ? paths[0] : `${paths.length} files`);
    this.sink = new KgSink(this.builder);
  }

  next(path: string): Exclude<KgFormat, 'auto'> {
    throwIfAborted(this.opts.signal);
    this.opts.onProgress?.({ stage: 'read', fraction: this.files.length / this.paths.length, message: path });
    this.before = this.sink.size;
    return this.opts.format === undefined || this.opts.format === 'auto' ? detectKgFormat(path) : this.opts.format;
  }

  readSync(path: string, format: Exclude<KgFormat, 'auto'>): number {
    if (format === 'ntriples') return readNTriplesInto(path, this.sink);
    if (format === 'turtle') return readTurtleTextInto(path, this.sink);
    if (format === 'triples') return readTriplesTableInto(path, this.sink);
    return readEdgeListInto(path, this.sink);
  }

  done(path: string, format: Exclude<KgFormat, 'auto'>, rows: number): void {
    this.files.push({ file: path, kind: KIND[format], rows, kept: this.sink.size - this.before, format });
  }

  finish(): KgFiles {
    throwIfAborted(this.opts.signal);
    return finish(this.sink, this.builder, this.files, this.paths);
  }
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function finish(sink: KgSink, builder: ReportBuilder, files: KgFilesReport['files'], paths: readonly string[]): KgFiles {
  const entities = new Set<string>();
  for (let i = 0; i < sink.size; i++) {
    entities.add(sink.head[i]);
    entities.add(sink.tail[i]);
  }
  const names = new Map<string, string>();
  const labelledIds = new Set<string>();
  let labelled = 0;
  let derived = 0;
  for (const e of entities) {
    const label = sink.names.get(e);
    if (label !== undefined && label.trim().length > 0) {
      names.set(e, label.trim());
      labelledIds.add(e);
      labelled++;
    } else if (hasReadableLocalName(e)) {
      names.set(e, uriDisplayName(e));
      derived++;
    }
  }
  const built = builder.build({ users: 0, items: 0, interactions: 0, entities: entities.size, relations: 0, triples: sink.size, links: 0 });
  const triples: RawTriples = {
    file: paths.length === 1 ? paths[0] : paths.join(', '),
    head: sink.head,
    relation: sink.relation,
    tail: sink.tail,
    lines: Int32Array.from(sink.lines),
  };
  return {
    triples,
    entityNames: names,
    labelled: labelledIds,
    report: {
      files,
      warnings: built.warnings,
      triples: sink.size,
      entities: entities.size,
      relations: new Set(sink.relation).size,
      labelled,
      derivedNames: derived,
    },
  };
}
