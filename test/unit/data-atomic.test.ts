import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAtomic, readAtomicFile, tokenColumn, optionalFloatColumn } from '../../main/core/data/atomic';
import { atomicItems, atomicLinks, readAtomicFolder } from '../../main/core/data/from-atomic';
import { failure } from '../helpers/failure';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('parseAtomic', () => {
  it('reads every column type with line numbers, skipping blank lines and CRLF', () => {
    const text = 'id:token\ttags:token_seq\tscore:float\tvec:float_seq\r\na\tx y\t1.5\t1 2 3\r\n\r\nb\t\t\t-2e1\n';
    const t = parseAtomic(text, 'mem.item');
    expect(t.rows).toBe(2);
    expect(Array.from(t.lines)).toEqual([2, 4]);
    expect(t.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:token', 'tags:token_seq', 'score:float', 'vec:float_seq']);
    const [id, tags, score, vec] = t.columns;
    expect(id.values).toEqual(['a', 'b']);
    expect(tags.values).toEqual([['x', 'y'], []]);
    expect(score.type === 'float' && score.values[0]).toBe(1.5);
    expect(score.type === 'float' && Number.isNaN(score.values[1])).toBe(true);
    expect(vec.type === 'float_seq' && Array.from(vec.values[0])).toEqual([1, 2, 3]);
    expect(vec.type === 'float_seq' && Array.from(vec.values[1])).toEqual([-20]);
  });

  it('splits token sequences on runs of spaces', () => {
    const t = parseAtomic('s:token_seq\na  b   c\n', 'x.item');
    expect(t.columns[0].values).toEqual([['a', 'b', 'c']]);
  });

  it('reads a file without a trailing newline and with a BOM', () => {
    const t = parseAtomic('\ufeffuser_id:token\titem_id:token\n1\t2', 'x.inter');
    expect(t.columns[0].name).toBe('user_id');
    expect(t.rows).toBe(1);
  });
});

describe('malformed atomic files name the file, line and column', () => {
  it('.inter with a non-numeric float', () => {
    const p = write('bad.inter', 'user_id:token\titem_id:token\trating:float\n1\t10\t4\n2\t11\tfive\n');
    const e = failure(() => readAtomicFile(p));
    expect(e.code).toBe('parse');
    expect(e.location).toEqual({ file: p, line: 3, column: 3 });
    expect(e.message).toContain(p);
    expect(e.message).toContain('line 3');
    expect(e.message).toContain('"rating"');
    expect(e.message).toContain('"five"');
  });

  it('.inter rejects hexadecimal and padded numbers that Number() would accept', () => {
    expect(failure(() => parseAtomic('r:float\n0x10\n', 'h.inter')).location.line).toBe(2);
    expect(failure(() => parseAtomic('r:float\n 3\n', 'h.inter')).location.line).toBe(2);
    expect(failure(() => parseAtomic('r:float\nInfinity\n', 'h.inter')).location.line).toBe(2);
  });

  it('.item with a wrong field count', () => {
    const p = write('bad.item', 'item_id:token\tmovie_title:token_seq\tclass:token_seq\n1\tToy Story\tComedy\n\n2\tHeat\n');
    const e = failure(() => readAtomicFile(p));
    expect(e.code).toBe('parse');
    expect(e.location).toEqual({ file: p, line: 4, column: 3 });
    expect(e.message).toContain('expected 3 tab-separated fields');
    expect(e.message).toContain('found 2');
  });

  it('.item with an extra field points at the first extra column', () => {
    const e = failure(() => parseAtomic('item_id:token\tt:token\n1\ta\tb\n', 'x.item'));
    expect(e.location).toEqual({ file: 'x.item', line: 2, column: 3 });
  });

  it('.kg with a bad header (no type, unknown type, duplicate name)', () => {
    const p = write('bad.kg', 'head_id:token\trelation_id\ttail_id:token\nm.1\tr\tm.2\n');
    const e = failure(() => readAtomicFile(p));
    expect(e.location).toEqual({ file: p, line: 1, column: 2 });
    expect(e.message).toContain('"relation_id" is not of the form name:type');
    const e2 = failure(() => parseAtomic('head_id:token\trelation_id:int\n', 'b.kg'));
    expect(e2.location).toEqual({ file: 'b.kg', line: 1, column: 2 });
    expect(e2.message).toContain('unknown type "int"');
    const e3 = failure(() => parseAtomic('a:token\ta:float\n', 'c.kg'));
    expect(e3.message).toContain('declared twice');
  });

  it('.link with a malformed row and with a missing column', () => {
    const p = write('bad.link', 'item_id:token\tentity_id:token\n1\tm.1\n2\tm.2\textra\n');
    const e = failure(() => readAtomicFile(p));
    expect(e.location).toEqual({ file: p, line: 3, column: 3 });
    const q = write('nocol.link', 'item_id:token\tentity:token\n1\tm.1\n');
    const e2 = failure(() => atomicLinks(readAtomicFile(q)));
    expect(e2.code).toBe('validation');
    expect(e2.location).toEqual({ file: q, line: 1 });
    expect(e2.message).toContain('no column "entity_id"');
  });

  it('a column with the wrong declared type', () => {
    const t = parseAtomic('user_id:token\titem_id:token\trating:token\n1\t2\t3\n', 'x.inter');
    const e = failure(() => optionalFloatColumn(t, 'rating'));
    expect(e.location).toEqual({ file: 'x.inter', line: 1, column: 3 });
    expect(failure(() => tokenColumn(parseAtomic('user_id:float\n1\n', 'y.inter'), 'user_id')).message).toContain('must be token');
  });

  it('a float_seq element names the element', () => {
    const e = failure(() => parseAtomic('id:token\tv:float_seq\na\t1 x 3\n', 'v.item'));
    expect(e.location).toEqual({ file: 'v.item', line: 2, column: 2 });
    expect(e.message).toContain('element 2');
  });

  it('empty files and header-only files are rejected clearly', () => {
    const p = write('empty.inter', '');
    const e = failure(() => readAtomicFile(p));
    expect(e.message).toContain(p);
    expect(e.message).toContain('the file is empty');
    const q = write('header.inter', 'user_id:token\titem_id:token\n');
    const e2 = failure(() => readAtomicFile(q));
    expect(e2.message).toContain('header but no data rows');
    expect(e2.location.file).toBe(q);
    const e3 = failure(() => readAtomicFile(join(dir, 'nope.inter')));
    expect(e3.code).toBe('not-found');
  });
});

describe('atomic items', () => {
  it('builds display titles with the year, keeps the raw title and genres', () => {
    const t = parseAtomic(
      'item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n' +
        '1\tToy Story\t1995\tAnimation Comedy\n' +
        '2\tOld Film (1950)\t1950\tDrama\n' +
        '3\tunkonwn\tunkonwn\tunknown\n',
      'm.item',
    );
    const items = atomicItems(t);
    expect(items.title).toEqual(['Toy Story (1995)', 'Old Film (1950)', 'unkonwn']);
    expect(items.attributes[0]).toEqual({ release_year: '1995', genres: ['Animation', 'Comedy'], raw_title: 'Toy Story' });
    expect(items.attributes[1]).toEqual({ release_year: '1950', genres: ['Drama'] });
    expect(items.attributes[2]).toEqual({ release_year: 'unkonwn', genres: ['unknown'] });
  });

  it('readAtomicFolder needs <name>.inter and says what the folder holds', () => {
    const sub = mkdtempSync(join(dir, 'folder-'));
    writeFileSync(join(sub, 'other.inter'), 'user_id:token\titem_id:token\n1\t2\n');
    const e = failure(() => readAtomicFolder(sub, 'mine'));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('no mine.inter');
    expect(e.message).toContain('other.inter');
    const raw = readAtomicFolder(sub, 'other');
    expect(raw.interactions.user).toEqual(['1']);
    expect(raw.items).toBeUndefined();
  });
});
