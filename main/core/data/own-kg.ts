/**
 * The KG part of an own-data import: Turtle / N-Triples files parsed with n3 (entity-to-entity
 * statements become triples, rdfs:label literals name entities), and, when no links table was
 * given, items linked to entities by id (IRI or its last segment) or by normalised title.
 * Interim: the KG file readers and the linker of the `kgimport` branch (kg-files.ts, link.ts)
 * replace this module's readers when it is merged.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Parser } from 'n3';
import { KnowrecError, throwIfAborted } from '../errors';
import { echo } from './limits';
import { RDFS_LABEL } from './ntriples';
import type { RawDataset, RawLinks } from './raw';

/** Lower case, accents, punctuation and a trailing "(1995)" or ", The" removed. */
export function normaliseTitle(t: string): string {
  return t
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\(\d{4}\)\s*$/, '')
    .toLowerCase()
    .replace(/,\s*(the|a|an)\s*$/, '')
    .replace(/^(the|a|an)\s+/, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function parseRdf(file: string, head: string[], relation: string[], tail: string[], lines: number[], names: Map<string, string>): void {
  const ext = extname(file).toLowerCase();
  const format = ext === '.nt' || ext === '.ntriples' ? 'N-Triples' : 'Turtle';
  let quads;
  try {
    quads = new Parser({ format }).parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const line = /on line (\d+)/.exec(msg);
    throw new KnowrecError('parse', `not valid ${format}: ${echo(msg.replace(/ on line \d+\.?/, ''), 120)}`, { file, line: line === null ? undefined : Number(line[1]) }, `fix the statement (${format} syntax)`);
  }
  for (const q of quads) {
    if (q.object.termType === 'Literal') {
      if (q.predicate.value === RDFS_LABEL && !names.has(q.subject.value)) names.set(q.subject.value, q.object.value);
      continue;
    }
    head.push(q.subject.value);
    relation.push(q.predicate.value);
    tail.push(q.object.value);
    lines.push(0);
  }
}

/** Links each item to the entity whose IRI is its id (or ends with "/id", "#id"), else whose label is its title. */
export function linkByIdOrTitle(ids: readonly string[], titles: readonly string[], entities: Iterable<string>, names: ReadonlyMap<string, string>, file: string): RawLinks {
  const byTail = new Map<string, string>();
  const byLabel = new Map<string, string | null>();
  for (const e of entities) {
    byTail.set(e, e);
    const last = /[/#:]([^/#:]+)$/.exec(e);
    if (last !== null && !byTail.has(last[1])) byTail.set(last[1], e);
    const n = names.get(e);
    if (n !== undefined) {
      const k = normaliseTitle(n);
      byLabel.set(k, byLabel.has(k) ? null : e); // an ambiguous label links nothing
    }
  }
  const item: string[] = [];
  const entity: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const e = byTail.get(ids[i]) ?? (titles[i] !== '' ? byLabel.get(normaliseTitle(titles[i])) : undefined);
    if (e === undefined || e === null) continue;
    item.push(ids[i]);
    entity.push(e);
  }
  return { file, item, entity, lines: new Int32Array(item.length) };
}

/** `raw` with the triples (and, without a links table, links) of the KG files. */
export async function readOwnKg(raw: RawDataset, files: readonly string[], signal?: AbortSignal): Promise<RawDataset> {
  const head: string[] = [];
  const relation: string[] = [];
  const tail: string[] = [];
  const lines: number[] = [];
  const names = new Map<string, string>();
  for (const f of files) {
    throwIfAborted(signal);
    parseRdf(f, head, relation, tail, lines, names);
    await Promise.resolve();
  }
  const triples = { file: files[0], head, relation, tail, lines: Int32Array.from(lines) };
  let links = raw.links;
  if (links === undefined && raw.items !== undefined) {
    links = linkByIdOrTitle(raw.items.id, raw.items.title, new Set([...head, ...tail, ...names.keys()]), names, files[0]);
  }
  return { ...raw, triples, links, entityNames: names };
}
