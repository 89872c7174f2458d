import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOwnFiles, previewOwnFiles } from '../../main/core/data/own-import';
import { parseMapping, resolveMapping, sniffSeparator } from '../../main/core/data/mapping';
import { TableReader } from '../../main/core/data/tables';
import { linkByIdOrLabel } from '../../main/core/data/own-kg';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-own-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** Semicolon-delimited, with quoted fields holding the delimiter and doubled quotes. */
const PLAYS = file('plays.csv', 'listener;track;plays;when\n"u1";"t;1";12;2020-01-02 00:00:00\nu2;t2;3;2020-01-03 00:00:00\nu1;"t""2";40;2020-01-04 00:00:00\n');
const TRACKS = file(
  'tracks.csv',
  'track;name;styles;about\n"t;1";First Song;rock|pop;A long description of the first song, with commas, in prose form.\nt2;Second;jazz;Another description that is long enough to be free text here.\n"t""2";Third;pop|jazz|folk;The third song is described in one sentence of plain prose too.\n',
);

async function writeParquet(path: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`COPY (SELECT * FROM (VALUES ('a', 'x', 5.0, 100), ('b', 'x', 3.0, 200), ('a', 'y', 1.0, 300)) t(customer_id, product_id, stars, ts)) TO '${path}' (FORMAT parquet)`);
  con.closeSync();
  db.closeSync();
}

describe('TableReader (DuckDB)', () => {
  let db: TableReader;
  beforeAll(async () => {
    db = await TableReader.open();
  });
  afterAll(() => db.close());

  it('sniffs a semicolon CSV with quoted fields and reads columns with their lines', async () => {
    const s = await db.sample(PLAYS, 10);
    expect(s.delimiter).toBe(';');
    expect(s.columns.map((c) => c.name)).toEqual(['listener', 'track', 'plays', 'when']);
    const t = await db.read(PLAYS, [
      { name: 'track', as: 'string' },
      { name: 'plays', as: 'number' },
      { name: 'when', as: 'time' },
    ]);
    expect(t.columns[0]).toEqual(['t;1', 't2', 't"2']);
    expect(Array.from(t.columns[1] as Float64Array)).toEqual([12, 3, 40]);
    expect(Array.from(t.columns[2] as Float64Array)).toEqual([Date.UTC(2020, 0, 2) / 1000, Date.UTC(2020, 0, 3) / 1000, Date.UTC(2020, 0, 4) / 1000]);
    expect(Array.from(t.lines)).toEqual([2, 3, 4]);
    expect(t.positions).toEqual([2, 3, 4]);
  });

  it('reports a rejected row as file, line, column with a fix', async () => {
    const bad = file('bad.csv', 'user,item,rating\n1,10,4\n2,11,4.5\n3,12,lots\n4,13,2\n');
    await expect(db.read(bad, [{ name: 'user', as: 'string' }, { name: 'rating', as: 'number' }])).rejects.toThrow(
      `${bad}, line 4, column 3: the value in column "rating" is not a number: "3,12,lots" (write a number here, or leave the field empty, or map another column)`,
    );
  });

  it('reports a row with a missing field', async () => {
    const bad = file('short.csv', 'user,item,rating\n1,10,4\n2,11\n');
    await expect(db.read(bad, [{ name: 'user', as: 'string' }])).rejects.toThrow(`${bad}, line 3, column 3: DuckDB could not read the row (missing columns)`);
  });

  it('refuses bad files with the file, line and column', async () => {
    const unclosed = file('unclosed.csv', 'u,i,r\n1,2,3\n1,"unclosed,4\n2,3,5\n');
    await expect(db.sample(unclosed, 10)).rejects.toThrow(`${unclosed}, line 3, column 2: DuckDB could not read the row (unquoted value)`);
    const utf8 = join(dir, 'latin1.csv');
    writeFileSync(utf8, Buffer.concat([Buffer.from('u,i,r\n1,2,3\n1,'), Buffer.from([0xff, 0xfe]), Buffer.from(',4\n')]));
    await expect(db.read(utf8, [{ name: 'i', as: 'string' }])).rejects.toThrow(`${utf8}, line 3, column 2: DuckDB could not read the row (invalid encoding)`);
    const big = file('big.csv', `u,i,r\n1,2,3\n1,${'x'.repeat(100_000)},4\n`);
    await expect(db.read(big, [{ name: 'i', as: 'string' }])).rejects.toThrow(`${big}, line 3, column 2: the value in column "i" is 100000 bytes long; the limit is 64 KB`);
    const empty = file('empty.csv', '');
    await expect(db.sample(empty)).rejects.toThrow(`${empty}: the file is empty`);
  });

  it('reads a Parquet file written by DuckDB (rows as lines)', async () => {
    const p = join(dir, 'r.parquet');
    await writeParquet(p);
    const t = await db.read(p, [
      { name: 'customer_id', as: 'string' },
      { name: 'stars', as: 'number' },
      { name: 'ts', as: 'time' },
    ]);
    expect(t.columns[0]).toEqual(['a', 'b', 'a']);
    expect(Array.from(t.columns[1] as Float64Array)).toEqual([5, 3, 1]);
    expect(Array.from(t.columns[2] as Float64Array)).toEqual([100, 200, 300]);
    expect(Array.from(t.lines)).toEqual([1, 2, 3]);
  });

  it('reads JSON Lines with list values, and names the line of malformed JSON', async () => {
    const j = file('items.jsonl', '{"id": "i1", "title": "One", "tags": ["a", "b"]}\n{"id": "i2", "title": "Two", "tags": ["c"]}\n');
    const t = await db.read(j, [{ name: 'id', as: 'string' }, { name: 'tags', as: 'string' }]);
    expect(t.columns[0]).toEqual(['i1', 'i2']);
    expect(t.columns[1]).toEqual(['a\u001fb', 'c']);
    const bad = file('bad.jsonl', '{"u": "1", "i": "2"}\n{"u": "1" "i": "3"}\n{"u": "2", "i": "4"}\n');
    await expect(db.read(bad, [{ name: 'u', as: 'string' }])).rejects.toThrow(/bad\.jsonl, line 2: .*\(each line must be one JSON object/);
  });
});

describe('mapping', () => {
  it('infers roles from headers and values, implicit feedback for counts', async () => {
    const db = await TableReader.open();
    try {
      const m = resolveMapping({ interactions: await db.sample(PLAYS, 100), items: await db.sample(TRACKS, 100) });
      expect(m.interactions).toEqual({ user: 'listener', item: 'track', rating: 'plays', timestamp: 'when', feedback: 'implicit' });
      expect(m.items).toEqual({ id: 'track', title: 'name', text: ['about'], lists: { styles: '|' }, yearFromTitle: false });
    } finally {
      db.close();
    }
  });

  it('sniffs list separators but not prose commas', () => {
    expect(sniffSeparator(['Comedy|Drama', 'Action', 'Drama|War'])).toBe('|');
    expect(sniffSeparator(['a;b;c', 'd;e'])).toBe(';');
    expect(sniffSeparator(['A story, told slowly over many long winter evenings, by the fire', 'Nothing here'])).toBeNull();
    expect(sniffSeparator(['http://www.last.fm/music/Moonspell', 'http://www.last.fm/music/Grendel', 'https://example.org/a/b'])).toBeNull();
  });

  it('rejects unknown keys and bad values in a mapping file', () => {
    expect(() => parseMapping({ interactions: { usr: 'a' } }, 'm.json')).toThrow('m.json: mapping: unknown key "usr" in interactions (known keys: user, item, rating, timestamp, feedback)');
    expect(() => parseMapping({ items: { text: 'description' } })).toThrow('mapping: items.text must be a list of column names');
    expect(parseMapping({ interactions: { rating: null }, items: { lists: { g: '|' } } })).toEqual({ interactions: { rating: null }, items: { lists: { g: '|' } } });
  });

  it('links items by IRI = id, IRI tail = id, or a unique label = title (with the year when both have one)', () => {
    const items = [
      { id: 'http://x/a', title: 'Alpha' },
      { id: 'b', title: 'Beta' },
      { id: 'c', title: 'Gamma, The (1999)' },
      { id: 'd', title: 'Delta' },
      { id: 'e', title: 'Nowhere' },
    ];
    const entities = new Set(['http://x/a', 'http://y/b', 'http://z/g1', 'http://z/d1', 'http://z/d2']);
    const names = new Map([
      ['http://z/g1', 'Gamma, The (1999)'],
      ['http://z/d1', 'Delta'],
      ['http://z/d2', 'delta'],
    ]);
    const r = linkByIdOrLabel(items, entities, names);
    expect(r.links.item).toEqual(['http://x/a', 'b', 'c']);
    expect(r.links.entity).toEqual(['http://x/a', 'http://y/b', 'http://z/g1']);
    // "Delta" names two entities: ambiguous, not linked
    expect(r.report).toMatchObject({ items: 5, linked: 3, rate: 0.6, ambiguous: 1, unmatchedItems: ['d: Delta', 'e: Nowhere'] });
  });
});

describe('own files → dataset', () => {
  it('previews the first rows with roles and writes nothing', async () => {
    const p = await previewOwnFiles({ interactions: PLAYS, items: TRACKS }, undefined, 2);
    expect(p.tables.map((t) => t.role)).toEqual(['interactions', 'items']);
    expect(p.tables[0].columns.map((c) => c.role)).toEqual(['user', 'item', 'weight (implicit)', 'timestamp']);
    expect(p.tables[0].rows).toEqual([
      ['u1', 't;1', '12', '2020-01-02 00:00:00'],
      ['u2', 't2', '3', '2020-01-03 00:00:00'],
    ]);
    expect(p.tables[1].columns.map((c) => c.role)).toEqual(['id', 'title', 'list |', 'text']);
  });

  it('imports through a given mapping: explicit override, ids, titles, lists, text', async () => {
    const r = await loadOwnFiles({ interactions: PLAYS, items: TRACKS }, { name: 'music', mapping: { interactions: { feedback: 'explicit' } } });
    const d = r.dataset;
    expect(d.name).toBe('music');
    expect(d.userIds).toEqual(['u1', 'u2']);
    expect(d.itemIds).toEqual(['t;1', 't2', 't"2']);
    expect(Array.from(d.interactions.rating)).toEqual([12, 3, 40]);
    expect(d.items[0].title).toBe('First Song');
    expect(d.items[2].attributes.styles).toEqual(['pop', 'jazz', 'folk']);
    expect(d.items[1].text.about).toBe('Another description that is long enough to be free text here.');
    expect(r.report.feedback?.kind).toBe('explicit');
    expect(r.mapping.interactions.feedback).toBe('explicit');
  });

  it('says how an implicit count is used', async () => {
    const r = await loadOwnFiles({ interactions: PLAYS });
    expect(r.report.feedback).toEqual({
      column: 'plays',
      kind: 'implicit',
      use: '"plays" is an implicit count or weight (plays, clicks): every row is a positive interaction and the count is kept as its weight; it is not a rating scale',
    });
  });

  it('reads a tab-separated export whose quotes are text, and says so in the report', async () => {
    // line 3's title starts with a quote that does not quote the field (artist names as exported)
    const items = file('artists.dat', 'id\tname\turl\n1\tMALICE MIZER\thttp://example.org/music/MALICE+MIZER/images/portrait-large\n2\t"Weird Al" Yankovic\thttp://example.org/music/%22Weird+Al%22/images/portrait-large\n3\tBjörk\thttp://example.org/music/Bj%C3%B6rk/images/portrait-large\n');
    const plays = file('user_artists.dat', 'userID\tartistID\tweight\n7\t1\t120\n7\t2\t30\n8\t3\t5\n');
    const r = await loadOwnFiles({ interactions: plays, items });
    expect(r.dataset.items.map((i) => i.title)).toEqual(['MALICE MIZER', '"Weird Al" Yankovic', 'Björk']);
    expect(r.mapping.items?.lists).toEqual({});
    expect(r.mapping.items?.text).toEqual([]);
    const w = r.report.warnings.find((x) => x.code === 'quotes-as-text');
    expect(w).toMatchObject({ file: items, count: 1, lines: [3] });
    expect(w?.message).toContain('read without quoting');
  });

  it('finds a text quote past the sniffed sample while reading, and reads the file again', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `u${i % 50}\ti${i}\t${i === 25_000 ? '"live" set' : 'studio'}`);
    const f = file('late-quote.tsv', `user\titem\tnote\n${rows.join('\n')}\n`);
    const db = await TableReader.open();
    try {
      const t = await db.read(f, [{ name: 'item', as: 'string' }, { name: 'note', as: 'string' }]);
      expect((t.columns[1] as string[])[25_000]).toBe('"live" set');
      expect(t.lines[25_000]).toBe(25_002);
      expect(db.quotesReadAsText()).toEqual([{ file: f, rows: 1, lines: [25_002] }]);
    } finally {
      db.close();
    }
  });

  it('a comma-separated file with a stray quote still fails with its line', async () => {
    const bad = file('stray.csv', 'id,name\n1,Plain\n2,"Weird Al" Yankovic\n');
    await expect(loadOwnFiles({ interactions: file('stray-plays.csv', 'user,item\n1,1\n'), items: bad })).rejects.toThrow(/stray\.csv, line 3/);
  });

  it('a header without rows is refused', async () => {
    const h = file('header-only.csv', 'user,item,rating\n');
    await expect(loadOwnFiles({ interactions: h })).rejects.toThrow(`${h}: the file has a header but no data rows`);
  });

  it('an empty id fails with its line', async () => {
    const bad = file('empty-id.csv', 'user,item\n1,10\n,11\n');
    await expect(loadOwnFiles({ interactions: bad })).rejects.toThrow(/empty-id\.csv, line 3/);
  });
});
