/**
 * KG tables: a 3-column triples table (head, relation, tail; CSV/TSV/…, header optional,
 * delimiter sniffed) and an edge list (2 columns head tail; the relation is the file name
 * without its extension, e.g. `graphs/dbo:director.edgelist` → `dbo:director`). Ids written as
 * `<IRI>` lose their angle brackets. Every row must have the expected number of fields and no
 * empty id; errors name the file, line and column.
 */
import { basename, extname } from 'node:path';
import { KnowrecError } from '../errors';
import type { KgSink } from './kg-sink';
import { echo, MAX_KG_ID_BYTES, overLimit, sizeText, utf8Bytes } from './limits';
import { readSniffedTable, type SniffedTable } from './table-sniff';

const TRIPLE_HEADER = new Set([
  'head', 'subject', 's', 'h', 'source', 'src', 'from',
  'relation', 'predicate', 'property', 'p', 'r', 'rel',
  'tail', 'object', 'o', 't', 'target', 'dst', 'to',
  'head_id', 'tail_id', 'relation_id', 'head_id:token', 'relation_id:token', 'tail_id:token',
]);
const EDGE_HEADER = new Set(['head', 'tail', 'source', 'target', 'src', 'dst', 'from', 'to', 'subject', 'object', 's', 'o', 'h', 't']);

/** An id cell: trimmed, `<IRI>` unwrapped; empty or too long is an error. */
function idCell(t: SniffedTable, r: number, c: number, what: string): string {
  let v = t.rows[r][c].trim();
  if (v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1);
  const at = { file: t.file, line: t.lines[r], column: c + 1 };
  if (v.length === 0) throw new KnowrecError('parse', `the ${what} is empty`, at, `every row needs a ${what}; remove the row or fill it in`);
  if (overLimit(v, MAX_KG_ID_BYTES)) {
    throw new KnowrecError('parse', `the ${what} "${echo(v, 40)}" is ${utf8Bytes(v)} bytes long; the limit is ${sizeText(MAX_KG_ID_BYTES)}`, at, 'use shorter ids');
  }
  return v;
}

function checkWidth(t: SniffedTable, want: number, what: string): void {
  if (t.header.length !== want) {
    const d = t.delimiter === '\t' ? 'tab' : t.delimiter === ' ' ? 'space' : `"${t.delimiter}"`;
    throw new KnowrecError(
      'parse',
      `a ${what} has ${want} columns but this file has ${t.header.length} (separated by ${d})`,
      { file: t.file, line: 1, column: Math.min(t.header.length, want + 1) },
      want === 3 ? 'write head, relation, tail per row (tab- or comma-separated), or pass --kg-format' : 'write "head tail" per row; the relation is the file name',
    );
  }
}

/** Reads a head/relation/tail table into `sink`; returns the number of data rows. */
export function readTriplesTableInto(path: string, sink: KgSink): number {
  const t = readSniffedTable(path, { headerWords: TRIPLE_HEADER });
  checkWidth(t, 3, 'triples table');
  for (let r = 0; r < t.rows.length; r++) {
    sink.triple(idCell(t, r, 0, 'head'), idCell(t, r, 1, 'relation'), idCell(t, r, 2, 'tail'), t.lines[r]);
  }
  return t.rows.length;
}

/** The relation an edge list's file name stands for: `dbo:director.edgelist` → "dbo:director". */
export function edgeListRelation(path: string): string {
  const name = basename(path);
  const ext = extname(name);
  return ext.length > 0 && ext.length < name.length ? name.slice(0, -ext.length) : name;
}

/** Reads a "head tail" edge list into `sink` under its file-name relation; returns the rows. */
export function readEdgeListInto(path: string, sink: KgSink): number {
  const t = readSniffedTable(path, { headerWords: EDGE_HEADER });
  checkWidth(t, 2, 'edge list');
  const relation = edgeListRelation(path);
  for (let r = 0; r < t.rows.length; r++) sink.triple(idCell(t, r, 0, 'head'), relation, idCell(t, r, 1, 'tail'), t.lines[r]);
  return t.rows.length;
}
