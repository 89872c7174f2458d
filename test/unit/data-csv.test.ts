import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, readCsvFile } from '../../main/core/data/csv';
import { csvInteractions, csvItems, MOVIELENS_CSV } from '../../main/core/data/from-csv';
import { failure } from '../helpers/failure';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCsv (RFC 4180)', () => {
  it('handles quoted delimiters, doubled quotes, line breaks inside quotes and CRLF', () => {
    const text = 'id,title,genres\r\n1,"American President, The (1995)",Comedy|Drama\r\n2,"Say ""Hi""","a\r\nb"\r\n3,,\r\n';
    const t = parseCsv(text, 'm.csv');
    expect(t.header).toEqual(['id', 'title', 'genres']);
    expect(t.rows).toEqual([
      ['1', 'American President, The (1995)', 'Comedy|Drama'],
      ['2', 'Say "Hi"', 'a\r\nb'],
      ['3', '', ''],
    ]);
    // row 3 starts on line 5 because row 2 spans lines 3-4
    expect(Array.from(t.lines)).toEqual([2, 3, 5]);
  });

  it('skips blank lines, keeps an explicit "" field, reads a last line without newline', () => {
    const t = parseCsv('a\n\n""\nx', 'b.csv');
    expect(t.rows).toEqual([[''], ['x']]);
    expect(Array.from(t.lines)).toEqual([3, 4]);
  });

  it('reads TSV by file extension', () => {
    const p = join(dir, 'r.tsv');
    writeFileSync(p, 'u\ti\n1\t"a\tb"\n');
    expect(readCsvFile(p).rows).toEqual([['1', 'a\tb']]);
  });

  it('an unclosed quote names the file and the line where the quote opened', () => {
    const p = join(dir, 'unclosed.csv');
    writeFileSync(p, 'id,title\n1,ok\n2,"never closed\n3,more\n');
    const e = failure(() => readCsvFile(p));
    expect(e.code).toBe('parse');
    expect(e.location).toEqual({ file: p, line: 3, column: 2 });
    expect(e.message).toContain(p);
    expect(e.message).toContain('line 3');
    expect(e.message).toContain('unclosed double quote');
  });

  it('rejects a quote inside an unquoted field and text after a closing quote', () => {
    const e = failure(() => parseCsv('a,b\n1,x"y\n', 'q.csv'));
    expect(e.location).toEqual({ file: 'q.csv', line: 2, column: 2 });
    const e2 = failure(() => parseCsv('a,b\n"1"x,2\n', 'q.csv'));
    expect(e2.location).toEqual({ file: 'q.csv', line: 2, column: 1 });
    expect(e2.message).toContain('after the closing quote');
  });

  it('a wrong field count names line and column', () => {
    const e = failure(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'n.csv'));
    expect(e.location).toEqual({ file: 'n.csv', line: 3, column: 3 });
    expect(e.message).toContain('expected 3 fields');
    const e2 = failure(() => parseCsv('a,b\n"multi\nline",2,3\n', 'n.csv'));
    expect(e2.location.line).toBe(2);
  });

  it('rejects empty and header-only files', () => {
    const p = join(dir, 'empty.csv');
    writeFileSync(p, '\n\n');
    expect(failure(() => readCsvFile(p)).message).toContain('the file is empty');
    expect(failure(() => parseCsv('a,b\n', 'h.csv')).message).toContain('no data rows');
  });
});

describe('column mapping', () => {
  const ratings = parseCsv('userId,movieId,rating,timestamp\n1,10,4.5,100\n2,11,,200\n', 'ratings.csv');

  it('maps ratings columns; an empty rating is NaN (missing)', () => {
    const r = csvInteractions(ratings, MOVIELENS_CSV.interactions.mapping);
    expect(r.user).toEqual(['1', '2']);
    expect(r.item).toEqual(['10', '11']);
    expect(r.rating?.[0]).toBe(4.5);
    expect(Number.isNaN(r.rating?.[1])).toBe(true);
    expect(Array.from(r.timestamp ?? [])).toEqual([100, 200]);
  });

  it('implicit data: no rating mapped → rating null', () => {
    const r = csvInteractions(ratings, { user: 'userId', item: 'movieId' });
    expect(r.rating).toBeNull();
    expect(r.timestamp).toBeNull();
  });

  it('a mapped column missing from the header is a clear error', () => {
    const e = failure(() => csvInteractions(ratings, { user: 'user', item: 'movieId' }));
    expect(e.code).toBe('validation');
    expect(e.location).toEqual({ file: 'ratings.csv', line: 1 });
    expect(e.message).toContain('"user" (mapped to user)');
  });

  it('a non-numeric rating names line and column', () => {
    const bad = parseCsv('userId,movieId,rating\n1,10,4\n1,11,good\n', 'r.csv');
    const e = failure(() => csvInteractions(bad, { user: 'userId', item: 'movieId', rating: 'rating' }));
    expect(e.location).toEqual({ file: 'r.csv', line: 3, column: 3 });
  });

  it('maps MovieLens movies: year from title, genre lists, "(no genres listed)" dropped', () => {
    const movies = parseCsv(
      'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,"Babylon 5",(no genres listed)\n',
      'movies.csv',
    );
    const items = csvItems(movies, MOVIELENS_CSV.items!.mapping);
    expect(items.id).toEqual(['1', '2']);
    expect(items.title).toEqual(['Toy Story (1995)', 'Babylon 5']);
    expect(items.attributes).toEqual([{ release_year: '1995', genres: ['Adventure', 'Animation'] }, {}]);
  });
});
