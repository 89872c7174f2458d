/**
 * The KG part of an own-data import: the KG files read by readKgFiles (N-Triples, Turtle, triples
 * tables, edge lists; kg-files.ts) and items linked to entities by linkItems (link.ts) when there
 * is a links table or a "links" section in the mapping. With neither, each item links to the
 * entity whose IRI is its id (or ends in "/id", "#id", ":id"), else to the one entity whose
 * label (or name derived from its IRI) is the item's title, normalised (link.ts normalizeTitle,
 * with the year when both sides have one).
 */
import { throwIfAborted } from '../errors';
import type { Progress } from '../types';
import { readKgFiles, type KgFilesReport } from './kg-files';
import { linkItems, linkSpecFromMapping, normalizeTitle, readLinksTable, type LinkableItem, type LinkReport, type LinkSpec } from './link';
import type { RawDataset, RawLinks } from './raw';

export interface OwnKg {
  readonly raw: RawDataset;
  readonly kg: KgFilesReport;
  readonly link: LinkReport;
  /** How items were linked (what the printed mapping's "links" section says). */
  readonly spec: LinkSpec | { readonly by: 'id-or-label' };
}

const EXAMPLES = 10;

function titleKeys(title: string): string[] {
  const n = normalizeTitle(title);
  if (n.key.length === 0) return [];
  return n.year === null ? [n.key] : [`${n.key}|${n.year}`, n.key];
}

/** Links by IRI = id (or its last segment), else by a unique normalised label = title. */
export function linkByIdOrLabel(items: readonly LinkableItem[], entities: ReadonlySet<string>, names: ReadonlyMap<string, string>): { links: RawLinks; report: LinkReport } {
  const byTail = new Map<string, string>();
  const byLabel = new Map<string, string | null>();
  for (const e of entities) {
    byTail.set(e, e);
    const last = /[/#:]([^/#:]+)$/.exec(e);
    if (last !== null && !byTail.has(last[1])) byTail.set(last[1], e);
    const n = names.get(e);
    if (n === undefined) continue;
    for (const k of titleKeys(n)) byLabel.set(k, byLabel.has(k) && byLabel.get(k) !== e ? null : e); // an ambiguous label links nothing
  }
  const item: string[] = [];
  const entity: string[] = [];
  const unmatched: string[] = [];
  let ambiguous = 0;
  for (const it of items) {
    let e: string | null | undefined = byTail.get(it.id);
    for (const k of e === undefined ? titleKeys(it.title) : []) {
      e = byLabel.get(k);
      if (e !== undefined) break;
    }
    if (e === null) ambiguous++;
    if (e === undefined || e === null) {
      if (unmatched.length < EXAMPLES) unmatched.push(`${it.id}: ${it.title}`);
      continue;
    }
    item.push(it.id);
    entity.push(e);
  }
  const linked = new Set(item).size;
  const report: LinkReport = {
    by: 'title',
    file: null,
    items: items.length,
    linked,
    rate: items.length > 0 ? linked / items.length : 0,
    withFacts: linked,
    rows: items.length,
    matchedRows: linked,
    ambiguous,
    unmatchedItems: unmatched,
    unmatchedRows: [],
  };
  return { links: { file: 'items', item, entity, lines: new Int32Array(item.length) }, report };
}

export interface OwnKgOptions {
  /** A links table (item id or "Title (Year)" → entity). */
  readonly linksFile?: string;
  /** The mapping's "links" section, as given. */
  readonly links?: unknown;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/** `raw` with the triples, entity names and links of the KG files. */
export async function readOwnKg(raw: RawDataset, files: readonly string[], opts: OwnKgOptions = {}): Promise<OwnKg> {
  const kg = await readKgFiles(files, { signal: opts.signal, onProgress: opts.onProgress });
  throwIfAborted(opts.signal);
  const entities = new Set<string>();
  for (let i = 0; i < kg.triples.head.length; i++) {
    entities.add(kg.triples.head[i]);
    entities.add(kg.triples.tail[i]);
  }
  const it = raw.items;
  const items: LinkableItem[] =
    it !== undefined ? it.id.map((id, i) => ({ id, title: it.title[i], attributes: it.attributes[i] })) : [...new Set(raw.interactions.item)].map((id) => ({ id, title: '' }));
  opts.onProgress?.({ stage: 'link' });
  const byIdOrLabel = typeof opts.links === 'object' && opts.links !== null && (opts.links as { by?: unknown }).by === 'id-or-label';
  if (!byIdOrLabel && (opts.linksFile !== undefined || opts.links !== undefined)) {
    const table = opts.linksFile === undefined ? null : readLinksTable(opts.linksFile);
    const spec = linkSpecFromMapping(opts.links, table);
    const r = linkItems(items, table, spec, entities);
    return { raw: { ...raw, triples: kg.triples, entityNames: kg.entityNames, links: r.links }, kg: kg.report, link: r.report, spec };
  }
  const r = linkByIdOrLabel(items, entities, kg.entityNames);
  return { raw: { ...raw, triples: kg.triples, entityNames: kg.entityNames, links: r.links }, kg: kg.report, link: r.report, spec: { by: 'id-or-label' } };
}
