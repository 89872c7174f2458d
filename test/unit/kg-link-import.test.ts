import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { inferLinkSpec, linkItems, linkSpecFromMapping, normalizeTitle, type LinkableItem } from '../../main/core/data/link';
import { parseSniffedTable } from '../../main/core/data/table-sniff';
import { Workspace } from '../../main/core/store';
import { importKgIntoWorkspace } from '../../main/jobs/kg-import';
import { factsOf, tinyDataset } from '../helpers/tiny-workspace';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-kglink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const R = 'http://dbpedia.org/resource/';

const items = [
  { id: 'i1', title: 'Toy Story (1995)' },
  { id: 'i2', title: 'Heat (1995)' },
  { id: 'i3', title: "A Bug's Life", attributes: { release_year: '1998' } },
  { id: 'i4', title: 'Heat (1986)' },
  { id: 'i5', title: 'Usual Suspects, The (1995)' },
];

describe('normalizeTitle', () => {
  it('lowercase, only [a-z0-9] kept, year from a trailing "(YYYY)"', () => {
    expect(normalizeTitle("A Bug's Life (1998)")).toEqual({ key: 'abugslife', year: 1998 });
    expect(normalizeTitle('Amélie')).toEqual({ key: 'amelie', year: null });
    expect(normalizeTitle('Se7en (1995) ')).toEqual({ key: 'se7en', year: 1995 });
  });
});

describe('linkItems', () => {
  it('by normalized title + year: same title, other year does not match; year from an attribute', () => {
    const t = parseSniffedTable(`1\tToy Story (1995)\t${R}Toy_Story\n2\tHEAT (1995)\t${R}Heat_(1995_film)\n3\tA Bug's Life (1998)\t<${R}A_Bug's_Life>\n4\tUsual Suspects, The (1995)\t${R}The_Usual_Suspects\n5\tNot Here (2001)\t${R}X\n`, 'm.tsv');
    const spec = inferLinkSpec(t);
    expect(spec).toEqual({ by: 'title', title: '2', entity: '3', year: true });
    const { links, report } = linkItems(items, t, spec, new Set([`${R}Toy_Story`, `${R}Heat_(1995_film)`]));
    expect(links.item.map((id, k) => `${id}→${links.entity[k]}`)).toEqual([
      `i1→${R}Toy_Story`,
      `i2→${R}Heat_(1995_film)`,
      `i3→${R}A_Bug's_Life`,
      `i5→${R}The_Usual_Suspects`,
    ]);
    expect(Array.from(links.lines)).toEqual([1, 2, 3, 4]);
    expect(report).toMatchObject({ by: 'title', items: 5, linked: 4, rate: 0.8, withFacts: 2, rows: 5, matchedRows: 4, ambiguous: 0 });
    expect(report.unmatchedItems).toEqual(['i4: Heat (1986)']);
    expect(report.unmatchedRows).toEqual(['line 5: Not Here (2001)']);
    // without the year, both Heats match
    const noYear = linkItems(items, t, { by: 'title', title: '2', entity: '3', year: false });
    expect(noYear.report.linked).toBe(5);
  });

  it('by id column (named or numbered) and by URI (item id or attribute)', () => {
    const t = parseSniffedTable('item_id,uri\ni2,http://x/heat\ni9,http://x/none\n', 'l.csv', { header: true });
    const r = linkItems(items, t, linkSpecFromMapping({ item: 'item_id', entity: '2' }, t));
    expect(r.links.item).toEqual(['i2']);
    expect(r.links.entity).toEqual(['http://x/heat']);
    expect(r.report).toMatchObject({ by: 'id', linked: 1, rate: 0.2, rows: 2, matchedRows: 1, unmatchedRows: ['line 3: i9'] });
    const withUri: LinkableItem[] = [{ id: 'a', title: 'A', attributes: { uri: 'http://x/a' } }, { id: 'b', title: 'B', attributes: {} }];
    expect(linkItems(withUri, null, linkSpecFromMapping({ by: 'uri', column: 'uri' }, null)).links.entity).toEqual(['http://x/a']);
    expect(linkItems([{ id: 'http://x/z', title: 'Z' }], null, { by: 'uri' }).report.linked).toBe(1);
  });

  it('a mapping naming a missing column is refused with the columns it has', () => {
    const t = parseSniffedTable('item_id,uri\ni2,http://x/heat\n', 'l.csv', { header: true });
    expect(() => linkItems(items, t, { by: 'id', item: 'movie', entity: 'uri' })).toThrow(/no column "movie" \(for item\); it has "item_id", "uri"/);
  });
});

describe('KG-only import into an existing workspace', () => {
  function workspaceWithTiny(name: string): string {
    const path = join(dir, name);
    const ws = Workspace.create(path);
    ws.importDataset(tinyDataset());
    ws.close();
    return path;
  }
  const kgFile = join(dir, 'dbo:director.edgelist');
  writeFileSync(kgFile, `${R}Toy_Story ${R}John_Lasseter\n${R}Heat_(1995_film) ${R}Michael_Mann\n${R}Heat_(1995_film) ${R}Michael_Mann\n`);
  const linksFile = join(dir, 'links.tsv');
  writeFileSync(linksFile, `Toy Story (1995)\t${R}Toy_Story\nHeat (1995)\t${R}Heat_(1995_film)\nHeat (1986)\t${R}Heat_(1986_film)\n`);

  it('adds entities, relations, triples and links beside the existing KG; counts before and after', async () => {
    const path = workspaceWithTiny('add.sqlite');
    const before = Workspace.open(path);
    const b = before.summary();
    const oldFacts = factsOf(before.loadStoredDataset());
    before.close();
    expect(b).toMatchObject({ entities: 6, relations: 2, triples: 4, links: 3 });
    const r = await importKgIntoWorkspace({ workspace: path, kg: [kgFile], links: linksFile });
    expect(r.link).toMatchObject({ by: 'title', linked: 2, items: 3, withFacts: 2 });
    // the linked film entities are named by their items' titles, not by their URIs
    expect(r.store.added).toEqual({ entities: 4, relations: 1, triples: 2, links: 2, names: 2 });
    expect(r.store.duplicateTriples).toBe(1);
    expect(r.store.after).toMatchObject({ entities: 10, relations: 3, triples: 6, links: 5, users: 3, items: 3, interactions: 6 });
    const ws = Workspace.open(path);
    const ds = ws.loadStoredDataset();
    const facts = factsOf(ds);
    expect(facts).toEqual([...oldFacts, `${R}Heat_(1995_film) dbo:director ${R}Michael_Mann`, `${R}Toy_Story dbo:director ${R}John_Lasseter`].sort());
    const name = (id: string): string | null => ds.kg.entityNames[ds.kg.entityIds.indexOf(id)];
    expect(name(`${R}Heat_(1995_film)`)).toBeNull();
    expect(name(`${R}Michael_Mann`)).toBe('Michael Mann');
    expect(name('m.lasseter')).toBe('John Lasseter');
    expect(Array.from(ds.itemEntities[0], (e) => ds.kg.entityIds[e])).toEqual(['m.toy', `${R}Toy_Story`]);
    expect(ws.kgImports().map((k) => k.name)).toEqual(['dbo:director']);
    ws.close();
  });

  it('an error or a cancel leaves the workspace as it was', async () => {
    const path = workspaceWithTiny('rollback.sqlite');
    const snapshot = (): unknown => {
      const ws = Workspace.open(path);
      try {
        return { summary: ws.summary(), facts: factsOf(ws.loadStoredDataset()), imports: ws.kgImports() };
      } finally {
        ws.close();
      }
    };
    const before = snapshot();
    const bad = join(dir, 'bad.nt');
    writeFileSync(bad, `<${R}a> <http://x/p> <${R}b> .\n<${R}a> <http://x/p> "open .\n`);
    await expect(importKgIntoWorkspace({ workspace: path, kg: [kgFile, bad], links: linksFile })).rejects.toThrow(/line 2, column 46: unterminated string literal/);
    expect(snapshot()).toEqual(before);
    // cancelled while the triples are written: the transaction is rolled back
    const ctrl = new AbortController();
    const ws = Workspace.open(path);
    let e: unknown;
    try {
      ws.addKnowledgeGraph(
        { name: 'x', head: ['a', 'b'], relation: ['r', 'r'], tail: ['b', 'c'], entityNames: new Map(), links: { item: ['i1'], entity: ['a'] } },
        { signal: ctrl.signal, onProgress: (p) => p.message === 'triples' && ctrl.abort() },
      );
    } catch (err) {
      e = err;
    } finally {
      ws.close();
    }
    expect(e).toBeInstanceOf(KnowrecError);
    expect((e as KnowrecError).code).toBe('cancelled');
    expect(snapshot()).toEqual(before);
  });

  it('a workspace that does not exist is refused before anything is read', async () => {
    await expect(importKgIntoWorkspace({ workspace: join(dir, 'none.sqlite'), kg: [kgFile] })).rejects.toThrow(/no workspace file at this path/);
  });
});
