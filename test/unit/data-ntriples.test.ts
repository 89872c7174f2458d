import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ntriplesToKg, parseNTriples, readNTriplesFile, RDFS_LABEL } from '../../main/core/data/ntriples';
import { validateDataset } from '../../main/core/data/validate';
import { failure } from '../helpers/failure';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-nt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EX = 'http://example.org/';

describe('parseNTriples', () => {
  it('reads IRIs, blank nodes, literals with language and datatype, comments and blank lines', () => {
    const text = [
      '# a comment',
      `<${EX}toy_story> <${EX}director> <${EX}lasseter> .`,
      '',
      `_:b1 <${EX}p> _:b-2.x . # trailing comment`,
      `<${EX}toy_story> <${RDFS_LABEL}> "Toy Story"@en-US .`,
      `<${EX}toy_story> <${EX}year> "1995"^^<http://www.w3.org/2001/XMLSchema#gYear> .`,
      `\t<${EX}a>\t<${EX}b>\t"plain"\t.\t`,
    ].join('\r\n');
    const ts = parseNTriples(text, 'm.nt');
    expect(ts).toHaveLength(5);
    expect(ts[0]).toEqual({ subject: { kind: 'iri', value: `${EX}toy_story` }, predicate: `${EX}director`, object: { kind: 'iri', value: `${EX}lasseter` }, line: 2 });
    expect(ts[1].subject).toEqual({ kind: 'bnode', value: '_:b1' });
    expect(ts[1].object).toEqual({ kind: 'bnode', value: '_:b-2.x' });
    expect(ts[2].object).toEqual({ kind: 'literal', value: 'Toy Story', lang: 'en-us' });
    expect(ts[3].object).toEqual({ kind: 'literal', value: '1995', datatype: 'http://www.w3.org/2001/XMLSchema#gYear' });
    expect(ts[4].object).toEqual({ kind: 'literal', value: 'plain' });
    expect(ts.map((t) => t.line)).toEqual([2, 4, 5, 6, 7]);
  });

  it('decodes string escapes and \\u / \\U escapes in literals and IRIs', () => {
    const text = `<${EX}caf\\u00E9> <${EX}p> "line\\nbreak \\"q\\" tab\\t back\\\\ \\u00e9 \\U0001F600" .\n`;
    const [t] = parseNTriples(text, 'e.nt');
    expect(t.subject.value).toBe(`${EX}café`);
    expect(t.object.value).toBe('line\nbreak "q" tab\t back\\ é 😀');
  });
});

describe('malformed N-Triples name the file, line and column', () => {
  it('bad IRI: a space inside', () => {
    const p = join(dir, 'bad.nt');
    writeFileSync(p, `<${EX}a> <${EX}p> <${EX}b> .\n<${EX}bad iri> <${EX}p> <${EX}c> .\n`);
    const e = failure(() => readNTriplesFile(p));
    expect(e.code).toBe('parse');
    expect(e.location).toEqual({ file: p, line: 2, column: 1 + 1 + `${EX}bad`.length });
    expect(e.message).toContain(p);
    expect(e.message).toContain('line 2');
    expect(e.message).toContain('a space is not allowed in an IRI');
  });

  it('relative IRI, unterminated IRI, unterminated literal, bad escape, missing dot, literal subject', () => {
    const cases: [string, string, number][] = [
      ['<a> <http://x/p> <http://x/o> .', 'relative IRI', 1],
      ['<http://x/s> <http://x/p> <http://x/o .', 'unterminated IRI', 27],
      ['<http://x/s> <http://x/p> "open .', 'unterminated string literal', 27],
      ['<http://x/s> <http://x/p> "a\\qb" .', 'invalid escape', 29],
      ['<http://x/s> <http://x/p> <http://x/o>', 'expected "." to end the statement but found the line end', 39],
      ['<http://x/s> <http://x/p>', 'the statement ends early', 26],
      ['<http://x/s> <http://x/p> <http://x/o> . junk', 'after the end of the statement', 42],
      ['"lit" <http://x/p> <http://x/o> .', 'expected a subject', 1],
      ['<http://x/s> _:b <http://x/o> .', 'expected a predicate IRI', 14],
      ['<http://x/s> <http://x/p> "x"@ .', 'invalid language tag', 31],
    ];
    for (const [line, msg, column] of cases) {
      const e = failure(() => parseNTriples(`# header\n${line}\n`, 'c.nt'));
      expect(e.message, line).toContain(msg);
      expect(e.location, line).toEqual({ file: 'c.nt', line: 2, column });
    }
  });
});

describe('ntriplesToKg', () => {
  const text = [
    `<${EX}ts> <${EX}director> <${EX}jl> .`,
    `<${EX}abl> <${EX}director> <${EX}jl> .`,
    `<${EX}jl> <${RDFS_LABEL}> "ジョン"@ja .`,
    `<${EX}jl> <${RDFS_LABEL}> "John Lasseter"@en .`,
    `<${EX}jl> <${RDFS_LABEL}> "J. Lasseter" .`,
    `<${EX}ts> <${RDFS_LABEL}> "Toy Story" .`,
    `<${EX}ts> <${EX}runtime> "81"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
  ].join('\n');

  it('keeps entity-to-entity facts, names entities from rdfs:label (English preferred) and skips other literals', () => {
    const kg = ntriplesToKg(parseNTriples(text, 'kg.nt'), 'kg.nt');
    expect(kg.triples.head).toEqual([`${EX}ts`, `${EX}abl`]);
    expect(kg.triples.tail).toEqual([`${EX}jl`, `${EX}jl`]);
    expect(Array.from(kg.triples.lines)).toEqual([1, 2]);
    expect(kg.names.get(`${EX}jl`)).toBe('John Lasseter');
    expect(kg.names.get(`${EX}ts`)).toBe('Toy Story');
    expect(kg.skippedLiteralLines).toEqual([7]);
  });

  it('labels become entity names in a validated dataset', () => {
    const kg = ntriplesToKg(parseNTriples(text, 'kg.nt'), 'kg.nt');
    const { dataset } = validateDataset({
      name: 't',
      source: dir,
      interactions: { file: 'x.inter', user: ['u'], item: ['i'], rating: null, timestamp: null, lines: Int32Array.of(2) },
      triples: kg.triples,
      links: { file: 'x.link', item: ['i'], entity: [`${EX}ts`], lines: Int32Array.of(2) },
      entityNames: kg.names,
    });
    const names = new Map(dataset.kg.entityIds.map((id, e) => [id, dataset.kg.entityNames[e]]));
    expect(names.get(`${EX}jl`)).toBe('John Lasseter');
    expect(names.get(`${EX}abl`)).toBeNull();
    expect(dataset.kg.entityIds[dataset.itemEntities[0][0]]).toBe(`${EX}ts`);
  });
});
