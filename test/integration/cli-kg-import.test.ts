/**
 * `knowrec import --kg … --workspace W` as a person runs it (a child process): a Turtle KG and a
 * links table in a layout of their own, added beside the KG of a workspace built from a tiny
 * atomic folder; --json prints one JSON document; a bad KG file is refused with its line and
 * column and leaves the workspace as it was.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/core/store';
import { writeTinyDataset } from '../helpers/tiny-atomic';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

function knowrec(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'knowrec.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function summary(path: string): unknown {
  const ws = Workspace.open(path);
  try {
    return { ...ws.summary(), imports: ws.kgImports().length };
  } finally {
    ws.close();
  }
}

const TTL = `@prefix ex: <http://example.org/film/> .
@prefix p: <http://example.org/person/> .
@prefix o: <http://example.org/onto#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:A1 o:director p:Ann_Lee ; o:runtime "90" .
ex:A2 o:director p:Ann_Lee .
ex:B1 o:director p:Bo_Chan , p:Cy_Dee .
p:Bo_Chan rdfs:label "Bo Chan"@en .
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-cli-kg-'));
  writeTinyDataset(join(dir, 'tiny'));
  writeFileSync(join(dir, 'films.ttl'), TTL);
  // semicolon-separated, header, links by title + year ("Film a1" released 1991, see tiny-atomic)
  writeFileSync(join(dir, 'links.csv'), 'name;uri\nFilm a1 (1991);http://example.org/film/A1\nFilm a2 (1992);http://example.org/film/A2\nFilm b1 (1991);http://example.org/film/B1\n');
  writeFileSync(join(dir, 'map.json'), JSON.stringify({ links: { title: 'name', entity: 'uri' } }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('knowrec import --kg', () => {
  it('adds a Turtle KG beside the workspace KG; --json - prints one JSON document', () => {
    const ws = join(dir, 'w.sqlite');
    expect(knowrec(['import', '--data', join(dir, 'tiny'), '--dataset', 'tiny', '--workspace', ws]).code).toBe(0);
    const before = summary(ws) as { entities: number; triples: number };
    const r = knowrec(['import', '--kg', 'films.ttl', '--links', 'links.csv', '--map', 'map.json', '--workspace', ws, '--json', '-']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as { link: { linked: number; items: number; by: string }; store: { added: Record<string, number> }; kg: { triples: number } };
    expect(report.kg.triples).toBe(4);
    expect(report.link).toMatchObject({ by: 'title', linked: 3, items: 12 });
    expect(report.store.added).toMatchObject({ triples: 4, relations: 1, links: 3 });
    expect(summary(ws)).toMatchObject({ entities: before.entities + 6, triples: before.triples + 4, imports: 1 });
    expect(r.err).toContain('links by title: 3 of 12 items linked (25.0%)');
  });

  it('a bad KG file: line and column on stderr, exit 1, the workspace as it was', () => {
    const ws = join(dir, 'w2.sqlite');
    expect(knowrec(['import', '--data', join(dir, 'tiny'), '--dataset', 'tiny', '--workspace', ws]).code).toBe(0);
    const before = summary(ws);
    writeFileSync(join(dir, 'bad.ttl'), TTL.replace('ex:A2 o:director p:Ann_Lee .', 'ex:A2 o:director p:Ann Lee .'));
    const r = knowrec(['import', '--kg', 'films.ttl', '--kg', 'bad.ttl', '--workspace', ws]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.ttl, line 7, column 24: Unexpected "Lee"');
    expect(summary(ws)).toEqual(before);
  });
});
