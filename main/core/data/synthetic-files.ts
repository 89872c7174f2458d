/**
 * The synthetic dataset (synthetic.ts) as an analyst would export it, and read back with the
 * readers that exist today:
 *   ratings.csv  user_id,item_id,rating,timestamp
 *   items.csv    item_id,title,description,genres   (genres "|"-separated, fields quoted as needed)
 *   links.csv    item_id,entity_uri
 *   kg.nt        N-Triples: relation triples between URIs, plus rdfs:label literals
 * The layout is not tied to any reader: once `knowrec import` takes an analyst's own files, these
 * go through it unchanged; until then readAnalystFolder maps them with readCsvDataset + the
 * N-Triples reader.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvDataset, type CsvDatasetSpec } from './from-csv';
import { readCsvFile, stringColumn, mapColumns } from './csv';
import { ntriplesToKg, readNTriplesFile, RDFS_LABEL } from './ntriples';
import type { RawDataset } from './raw';
import type { SyntheticData } from './synthetic';

export const ANALYST_FILES = { ratings: 'ratings.csv', items: 'items.csv', links: 'links.csv', kg: 'kg.nt' } as const;

/** How readAnalystFolder maps the CSV columns (the mapping an import would infer). */
export const ANALYST_CSV: CsvDatasetSpec = {
  interactions: { file: ANALYST_FILES.ratings, mapping: { user: 'user_id', item: 'item_id', rating: 'rating', timestamp: 'timestamp' } },
  items: { file: ANALYST_FILES.items, mapping: { id: 'item_id', title: 'title', text: ['description'], lists: { genres: { attribute: 'genres', separator: '|' } } } },
};

/** Buffered line writer (synchronous, 1 MiB chunks). */
class LineWriter {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  line(s: string): void {
    this.buf.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length > 0) writeSync(this.fd, `${this.buf.join('\n')}\n`);
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A CSV field, quoted when it holds a comma, quote or line break. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const ntLiteral = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Writes the four files into `dir` (made if missing); returns their paths. */
export function writeAnalystFolder(d: SyntheticData, dir: string): Record<keyof typeof ANALYST_FILES, string> {
  mkdirSync(dir, { recursive: true });
  const paths = {
    ratings: join(dir, ANALYST_FILES.ratings),
    items: join(dir, ANALYST_FILES.items),
    links: join(dir, ANALYST_FILES.links),
    kg: join(dir, ANALYST_FILES.kg),
  };
  const r = new LineWriter(paths.ratings);
  r.line('user_id,item_id,rating,timestamp');
  for (let p = 0; p < d.user.length; p++) r.line(`${d.userIds[d.user[p]]},${d.items[d.item[p]].id},${d.rating[p]},${d.timestamp[p]}`);
  r.close();
  const it = new LineWriter(paths.items);
  it.line('item_id,title,description,genres');
  for (const x of d.items) it.line([x.id, x.title, x.description, x.genres.join('|')].map(csvField).join(','));
  it.close();
  const l = new LineWriter(paths.links);
  l.line('item_id,entity_uri');
  d.items.forEach((x, i) => l.line(`${x.id},${d.entityUris[i]}`));
  l.close();
  const kg = new LineWriter(paths.kg);
  for (let t = 0; t < d.head.length; t++) kg.line(`<${d.entityUris[d.head[t]]}> <${d.relationUris[d.relation[t]]}> <${d.entityUris[d.tail[t]]}> .`);
  d.entityLabels.forEach((label, e) => {
    if (label !== '') kg.line(`<${d.entityUris[e]}> <${RDFS_LABEL}> ${ntLiteral(label)} .`);
  });
  kg.close();
  return paths;
}

/** Reads a folder laid out as writeAnalystFolder writes it into raw tables (validate next). */
export function readAnalystFolder(dir: string, name: string): RawDataset {
  const base = readCsvDataset(dir, name, ANALYST_CSV);
  const kgFile = join(dir, ANALYST_FILES.kg);
  const kg = ntriplesToKg(readNTriplesFile(kgFile), kgFile);
  const links = readCsvFile(join(dir, ANALYST_FILES.links));
  const cols = mapColumns(links, { item: 'item_id', entity: 'entity_uri' }, ['item', 'entity']);
  return {
    ...base,
    triples: kg.triples,
    links: { file: links.file, item: stringColumn(links, cols.item), entity: stringColumn(links, cols.entity), lines: links.lines },
    entityNames: kg.names,
  };
}
