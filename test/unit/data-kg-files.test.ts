import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { detectKgFormat, readKgFiles, readKgFilesSync } from '../../main/core/data/kg-files';
import { dropDisambiguator, localName, uriDisplayName } from '../../main/core/data/uri-name';
import { sniffDelimiter } from '../../main/core/data/table-sniff';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-kgfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

async function refusal(f: () => Promise<unknown>): Promise<KnowrecError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(KnowrecError);
    return e as KnowrecError;
  }
  throw new Error('expected an error');
}

const facts = (t: { head: readonly string[]; relation: readonly string[]; tail: readonly string[] }): string[] =>
  t.head.map((h, i) => `${h} ${t.relation[i]} ${t.tail[i]}`);

const R = 'http://dbpedia.org/resource/';
const O = 'http://dbpedia.org/ontology/';

describe('readable names from URIs', () => {
  it('last segment, percent-decoded, _ as space, disambiguator dropped, years kept', () => {
    expect(uriDisplayName(`${R}John_Lasseter`)).toBe('John Lasseter');
    expect(uriDisplayName(`${R}Cars_(film)`)).toBe('Cars');
    expect(uriDisplayName(`${R}Am%C3%A9lie`)).toBe('Amélie');
    expect(uriDisplayName('http://example.org/onto#Thing_One')).toBe('Thing One');
    expect(uriDisplayName('dbr:Heat_(1995_film)')).toBe('Heat');
    expect(dropDisambiguator('Heat (1995)')).toBe('Heat (1995)');
    expect(dropDisambiguator('(film)')).toBe('(film)');
    expect(localName(`${R}bad%ZZ`)).toBe('bad%ZZ');
  });
});

describe('N-Triples', () => {
  it('reads triples, names from rdfs:label / foaf:name / skos:prefLabel, skips other literals, derives names otherwise', async () => {
    const p = file('kg.nt', [
      `<${R}Cars_(film)> <${O}director> <${R}John_Lasseter> .`,
      `<${R}Cars_(film)> <${O}starring> <${R}Owen_Wilson> .`,
      `<${R}John_Lasseter> <http://xmlns.com/foaf/0.1/name> "John A. Lasseter"@en .`,
      `<${R}Owen_Wilson> <http://www.w3.org/2004/02/skos/core#prefLabel> "Owen C. Wilson" .`,
      `<${R}Cars_(film)> <${O}runtime> "117"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
    ].join('\n'));
    const kg = await readKgFiles([p]);
    expect(facts(kg.triples)).toEqual([`${R}Cars_(film) ${O}director ${R}John_Lasseter`, `${R}Cars_(film) ${O}starring ${R}Owen_Wilson`]);
    expect(Array.from(kg.triples.lines)).toEqual([1, 2]);
    expect(kg.entityNames.get(`${R}John_Lasseter`)).toBe('John A. Lasseter');
    expect(kg.entityNames.get(`${R}Owen_Wilson`)).toBe('Owen C. Wilson');
    expect(kg.entityNames.get(`${R}Cars_(film)`)).toBe('Cars');
    expect(kg.report).toMatchObject({ triples: 2, entities: 3, relations: 2, labelled: 2, derivedNames: 1 });
    expect(kg.report.files[0]).toMatchObject({ format: 'ntriples', kind: 'nt', rows: 5, kept: 2 });
    expect(kg.report.warnings.map((w) => [w.code, w.count, w.lines])).toEqual([['literal-skipped', 1, [5]]]);
  });

  it('a bad line is refused with its exact line and column', async () => {
    const p = file('bad.nt', `<${R}a> <${O}p> <${R}b> .\n<${R}a> <${O}p> <${R}b c> .\n`);
    const e = await refusal(() => readKgFiles([p]));
    expect(e.location).toEqual({ file: p, line: 2, column: 2 + `<${R}a> <${O}p> <${R}b`.length - 1 });
    expect(e.message).toBe(`${p}, line 2, column ${e.location.column}: a space is not allowed in an IRI (percent-encode it (a space is %20))`);
  });
});

describe('Turtle (n3)', () => {
  const ttl = [
    '@prefix dbr: <http://dbpedia.org/resource/> .',
    '@prefix dbo: <http://dbpedia.org/ontology/> .',
    '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .',
    '',
    '<http://dbpedia.org/resource/Cars_(film)> dbo:director dbr:John_Lasseter ;',
    '    dbo:starring dbr:Owen_Wilson, dbr:Paul_Newman ;',
    '    dbo:budget "70000000" .',
    'dbr:John_Lasseter rdfs:label "John Lasseter"@en, "ジョン・ラセター"@ja .',
    'dbr:Paul_Newman dbo:spouse [ rdfs:label "Joanne Woodward" ] .',
  ].join('\n');

  it('reads prefixed names, lists, blank nodes and labels; predicates keep the file\'s prefixes', async () => {
    const p = file('kg.ttl', ttl);
    const kg = await readKgFiles([p]);
    const f = facts(kg.triples);
    expect(f.slice(0, 3)).toEqual([`${R}Cars_(film) dbo:director ${R}John_Lasseter`, `${R}Cars_(film) dbo:starring ${R}Owen_Wilson`, `${R}Cars_(film) dbo:starring ${R}Paul_Newman`]);
    expect(f).toHaveLength(4);
    const blank = kg.triples.tail[3];
    expect(blank.startsWith('_:')).toBe(true);
    expect(kg.entityNames.get(blank)).toBe('Joanne Woodward');
    expect(kg.entityNames.get(`${R}John_Lasseter`)).toBe('John Lasseter');
    expect(kg.entityNames.get(`${R}Owen_Wilson`)).toBe('Owen Wilson');
    expect(kg.report.files[0]).toMatchObject({ format: 'turtle', kind: 'ttl' });
    expect(kg.report.warnings.map((w) => [w.code, w.count])).toEqual([['literal-skipped', 1]]);
  });

  it('errors name the file, the line and the column, with a fix', async () => {
    const cases: [string, number, number, string][] = [
      ['dbr:Cars dbo:starring dbr:Owen bad:x .', 7, 32, 'Expected punctuation to follow'],
      ['dbr:Cars dbo:p <http://x/b c> .', 7, 16, 'Unexpected "<http://x/b"'],
      ['dbr:Cars dbo:p "open .', 7, 16, 'Unexpected ""open"'],
      ['   nope:a dbo:p dbr:c .', 7, 4, 'Undefined prefix "nope:"'],
    ];
    const head = ttl.split('\n').slice(0, 2).join('\n');
    for (const [line, l, c, msg] of cases) {
      const p = file('e.ttl', `${head}\n\n# c\n\ndbr:a dbo:p dbr:b .\n${line}\n`);
      const e = await refusal(() => readKgFiles([p]));
      expect(e.location, line).toEqual({ file: p, line: l, column: c });
      expect(e.message, line).toContain(msg);
      expect(e.hint, line).toBeDefined();
      expect(await refusal(async () => readKgFilesSync([p])).then((s) => s.location), line).toEqual({ file: p, line: l, column: c });
    }
    const p = file('eof.ttl', `${head}\ndbr:a dbo:p dbr:b .\ndbr:a dbo:p dbr:c\n\n`);
    const e = await refusal(() => readKgFiles([p]));
    expect(e.location).toEqual({ file: p, line: 4, column: 18 });
    expect(e.message).toContain('the file ends inside a statement');
  });

  it('the synchronous reader (whole file) gives the same KG as the streamed one', async () => {
    const p = file('same.ttl', ttl);
    const a = await readKgFiles([p]);
    const b = readKgFilesSync([p]);
    expect(facts(b.triples).map((f) => f.replace(/_:\S+/g, '_:b'))).toEqual(facts(a.triples).map((f) => f.replace(/_:\S+/g, '_:b')));
    expect(b.report.triples).toBe(a.report.triples);
    expect(b.entityNames.get(`${R}John_Lasseter`)).toBe('John Lasseter');
  });

  it('a cancelled read stops with "cancelled"', async () => {
    const p = file('c.ttl', ttl);
    const ctrl = new AbortController();
    ctrl.abort();
    expect((await refusal(() => readKgFiles([p], { signal: ctrl.signal }))).code).toBe('cancelled');
  });
});

describe('triples tables and edge lists', () => {
  it('a CSV triples table with a header, a TSV one without, quoted fields and <IRI> cells', async () => {
    const a = file('a.csv', 'head,relation,tail\nm1,directed_by,"Lasseter, John"\n<http://x/m2>,genre,Comedy\n');
    const b = file('b.tsv', 'm3\tdirected_by\tMann\n');
    const kg = await readKgFiles([a, b]);
    expect(facts(kg.triples)).toEqual(['m1 directed_by Lasseter, John', 'http://x/m2 genre Comedy', 'm3 directed_by Mann']);
    expect(Array.from(kg.triples.lines)).toEqual([2, 3, 1]);
    expect(kg.report.files.map((f) => f.format)).toEqual(['triples', 'triples']);
    // plain ids get no derived name; a URI does
    expect(kg.entityNames.has('m1')).toBe(false);
    expect(kg.entityNames.get('http://x/m2')).toBe('m2');
  });

  it('a short row is refused at its line', async () => {
    const p = file('bad.tsv', 'a\tr\tb\nc\tr\n');
    const e = await refusal(() => readKgFiles([p]));
    expect(e.location.line).toBe(2);
    expect(e.message).toContain('expected 3 fields');
    const q = file('empty-id.csv', 'h,r,t\nx,r,y\nx, ,y\n');
    const f = await refusal(() => readKgFiles([q]));
    expect(f.location).toEqual({ file: q, line: 3, column: 2 });
    expect(f.message).toContain('the relation is empty');
  });

  it('edge lists: relation = file name without extension', async () => {
    const p = file('graphs/dbo:director.edgelist', `${R}Cars_(film) ${R}John_Lasseter\n${R}Heat_(1995_film) ${R}Michael_Mann\n`);
    const kg = await readKgFiles([p]);
    expect(facts(kg.triples)).toEqual([`${R}Cars_(film) dbo:director ${R}John_Lasseter`, `${R}Heat_(1995_film) dbo:director ${R}Michael_Mann`]);
    expect(kg.entityNames.get(`${R}Heat_(1995_film)`)).toBe('Heat');
    const bad = file('graphs/dbo:writer.edgelist', `${R}A ${R}B\n${R}A ${R}B ${R}C\n`);
    const e = await refusal(() => readKgFiles([bad]));
    expect(e.location).toMatchObject({ file: bad, line: 2 });
    expect(e.message).toContain('expected 2 fields');
  });

  it('detects formats from extensions and content', () => {
    expect(detectKgFormat('x.nt', '')).toBe('ntriples');
    expect(detectKgFormat('x.ttl', '')).toBe('turtle');
    expect(detectKgFormat('x.data', '@prefix a: <http://a/> .\na:x a:p a:y .\n')).toBe('turtle');
    expect(detectKgFormat('x.data', '<http://a/x> <http://a/p> <http://a/y> .\n')).toBe('ntriples');
    expect(detectKgFormat('x.csv', 'a,b\nc,d\n')).toBe('edgelist');
    expect(detectKgFormat('x.txt', 'a\tr\tb\nc\tr\td\n')).toBe('triples');
    expect(sniffDelimiter('a;b;c\nd;e;f\n')).toBe(';');
    expect(sniffDelimiter('a b\nc d\n')).toBe(' ');
  });
});
