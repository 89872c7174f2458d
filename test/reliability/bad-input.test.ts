/**
 * The bad-input corpus: data files a careless export or a hostile sender could hand the importer
 * (numbers beyond float64, float32 and timestamp ranges, NaN, invalid UTF-8, stray byte-order
 * marks, terminal escape codes, 5 MB and 50 MB fields, broken headers, quotes and rows), all
 * generated here in a temp folder. Every file must be refused by the import the CLI runs, with a
 * KnowrecError that names the file and the line in at most 300 printable characters, and no
 * workspace file may be left behind: 0 silent accepts. A few go through `node bin/knowrec.js`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRegistryDataset, readNTriplesFile, ntriplesToKg } from '../../main/core/data';
import { KnowrecError } from '../../main/core/errors';
import { Workspace } from '../../main/core/store';
import { openDataset } from '../../main/jobs/dataset';
import { writeTinyDataset } from '../helpers/tiny-atomic';

const root = mkdtempSync(join(tmpdir(), 'kr-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Content = string | Buffer | (() => Buffer);

interface BadCase {
  readonly what: string;
  readonly format: 'atomic' | 'csv' | 'nt';
  /** Files of the case folder (atomic: bad.*; csv: ratings.csv and movies.csv; nt: kg.nt). */
  readonly files: Readonly<Record<string, Content>>;
  /** The file and line the message must name. */
  readonly file: string;
  readonly line: number;
}

const INTER_HEADER = 'user_id:token\titem_id:token\trating:float\ttimestamp:float';
const GOOD_INTER = `${INTER_HEADER}\nu1\ti1\t4\t100\n`;
const ITEM_HEADER = 'item_id:token\tmovie_title:token_seq\tprice:float\tvec:float_seq';
const GOOD_RATINGS = 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n';
const GOOD_MOVIES = 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n';

/** Text and raw bytes joined into one buffer. */
function bytes(...parts: (string | readonly number[])[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

/** An .inter file: the good row on line 2, then `rows` from line 3. */
function inter(...rows: string[]): string {
  return `${GOOD_INTER}${rows.map((r) => `${r}\n`).join('')}`;
}

function atomic(what: string, files: Readonly<Record<string, Content>>, file: string, line: number): BadCase {
  return { what, format: 'atomic', files: { 'bad.inter': GOOD_INTER, ...files }, file, line };
}

function item(what: string, row: string | Buffer, line = 3): BadCase {
  const text = typeof row === 'string' ? `${ITEM_HEADER}\ni1\tToy Story\t1\t1 2\n${row}\n` : bytes(`${ITEM_HEADER}\ni1\tToy Story\t1\t1 2\n`, [...row], '\n');
  return atomic(what, { 'bad.inter': inter('u2\ti2\t3\t200'), 'bad.item': text }, 'bad.item', line);
}

function csv(what: string, files: Readonly<Record<string, Content>>, file: string, line: number): BadCase {
  return { what, format: 'csv', files: { 'ratings.csv': GOOD_RATINGS, 'movies.csv': GOOD_MOVIES, ...files }, file, line };
}

function nt(what: string, content: Content, line = 2): BadCase {
  return { what, format: 'nt', files: { 'kg.nt': content }, file: 'kg.nt', line };
}

const NT_OK = '<http://x.org/a> <http://x.org/p> <http://x.org/b> .\n';
const MB = 1024 * 1024;

const CORPUS: readonly BadCase[] = [
  // numbers
  atomic('rating 1e999 (beyond float64)', { 'bad.inter': inter('u2\ti2\t1e999\t200') }, 'bad.inter', 3),
  atomic('rating -1e999', { 'bad.inter': inter('u2\ti2\t-1e999\t200') }, 'bad.inter', 3),
  atomic('rating 1e39 (beyond float32)', { 'bad.inter': inter('u2\ti2\t1e39\t200') }, 'bad.inter', 3),
  atomic('rating -1e308 (beyond float32)', { 'bad.inter': inter('u2\ti2\t-1e308\t200') }, 'bad.inter', 3),
  atomic('rating 3.5e38 (just beyond float32)', { 'bad.inter': inter('u2\ti2\t3.5e38\t200') }, 'bad.inter', 3),
  atomic('timestamp 1e400', { 'bad.inter': inter('u2\ti2\t3\t1e400') }, 'bad.inter', 3),
  atomic('timestamp 1e300 (beyond 2^53)', { 'bad.inter': inter('u2\ti2\t3\t1e300') }, 'bad.inter', 3),
  atomic('timestamp -1e308', { 'bad.inter': inter('u2\ti2\t3\t-1e308') }, 'bad.inter', 3),
  atomic('timestamp 2^53 + 1', { 'bad.inter': inter('u2\ti2\t3\t9007199254740993') }, 'bad.inter', 3),
  atomic('rating NaN', { 'bad.inter': inter('u2\ti2\tNaN\t200') }, 'bad.inter', 3),
  atomic('rating Infinity', { 'bad.inter': inter('u2\ti2\tInfinity\t200') }, 'bad.inter', 3),
  atomic('timestamp -Infinity', { 'bad.inter': inter('u2\ti2\t3\t-Infinity') }, 'bad.inter', 3),
  atomic('rating of spaces only', { 'bad.inter': inter('u2\ti2\t  \t200') }, 'bad.inter', 3),
  atomic('rating in hexadecimal', { 'bad.inter': inter('u2\ti2\t0x10\t200') }, 'bad.inter', 3),
  item('item float attribute 1e999', 'i2\tHeat\t1e999\t1'),
  item('item float_seq element 1e999', 'i2\tHeat\t1\t1 1e999 2'),
  item('item float_seq element Infinity', 'i2\tHeat\t1\tInfinity'),
  atomic('user float attribute NaN', { 'bad.user': 'user_id:token\tage:float\nu1\t20\nu2\tNaN\n' }, 'bad.user', 3),
  // required fields left empty
  atomic('empty user id', { 'bad.inter': inter('\ti2\t3\t200') }, 'bad.inter', 3),
  atomic('empty item id', { 'bad.inter': inter('u2\t\t3\t200') }, 'bad.inter', 3),
  atomic('empty KG head id', { 'bad.kg': 'head_id:token\trelation_id:token\ttail_id:token\nm.1\tr\tm.2\n\tr\tm.3\n' }, 'bad.kg', 3),
  atomic('empty link entity id', { 'bad.link': 'item_id:token\tentity_id:token\ni1\tm.1\ni1\t\n' }, 'bad.link', 3),
  // bytes and characters
  atomic('invalid UTF-8 in user ids (\\xff9 and \\xfe9 would merge)', { 'bad.inter': bytes(GOOD_INTER, [0xff], '9\ti1\t3\t200\n', [0xfe], '9\ti1\t2\t300\n') }, 'bad.inter', 3),
  item('invalid UTF-8 in a title', bytes('i2\tCaf', [0xe9], ' Society\t1\t1')),
  atomic('overlong UTF-8 in a KG id', { 'bad.kg': bytes('head_id:token\trelation_id:token\ttail_id:token\nm.1\tr\tm.', [0xc0, 0xaf], '\n') }, 'bad.kg', 2),
  atomic('UTF-8-encoded surrogate in an id', { 'bad.inter': bytes(GOOD_INTER, 'u', [0xed, 0xa0, 0x80], '\ti2\t3\t200\n') }, 'bad.inter', 3),
  atomic('UTF-8 sequence cut off at the end of the file', { 'bad.inter': bytes(GOOD_INTER, 'u2\ti', [0xe2, 0x82]) }, 'bad.inter', 3),
  atomic('byte-order mark in the middle', { 'bad.inter': bytes(GOOD_INTER, [0xef, 0xbb, 0xbf], 'u2\ti2\t3\t200\n') }, 'bad.inter', 3),
  atomic('ESC codes in the header', { 'bad.inter': `user_id:token\x1b[31m\x1b]0;pwned\x07\titem_id:token\nu1\ti1\n` }, 'bad.inter', 1),
  item('ESC codes in a title', 'i2\t\x1b[2J\x1b[HHeat\t1\t1'),
  atomic('NUL byte in an id', { 'bad.inter': inter('u\u00002\ti2\t3\t200') }, 'bad.inter', 3),
  atomic('C1 control (CSI) in an id', { 'bad.inter': inter('u\u009b2\ti2\t3\t200') }, 'bad.inter', 3),
  // sizes
  atomic('5 MB header field', { 'bad.inter': () => bytes(`user_id:token\titem_id:token\t${'x'.repeat(5 * MB)}:token\nu1\ti1\ta\n`) }, 'bad.inter', 1),
  item('5 MB title', `i2\t${'T'.repeat(5 * MB)}\t1\t1`),
  item('5 KB title (over the 4 KB title limit)', `i2\t${'T'.repeat(5 * 1024)}\t1\t1`),
  atomic('50 MB title', { 'bad.inter': inter('u2\ti2\t3\t200'), 'bad.item': () => bytes(`${ITEM_HEADER}\ni1\tToy Story\t1\t1 2\ni2\t`, 'é'.repeat(25 * MB), '\t1\t1\n') }, 'bad.item', 3),
  atomic('300-byte user id', { 'bad.inter': inter(`${'u'.repeat(300)}\ti2\t3\t200`) }, 'bad.inter', 3),
  atomic('2 KB KG entity id', { 'bad.kg': `head_id:token\trelation_id:token\ttail_id:token\nm.1\tr\tm.2\nm.1\tr\t${'e'.repeat(2048)}\n` }, 'bad.kg', 3),
  // structure
  atomic('column declared twice', { 'bad.inter': 'user_id:token\titem_id:token\tuser_id:token\nu1\ti1\tu1\n' }, 'bad.inter', 1),
  atomic('too few fields', { 'bad.inter': inter('u2\ti2\t3') }, 'bad.inter', 3),
  atomic('too many fields', { 'bad.inter': inter('u2\ti2\t3\t200\textra') }, 'bad.inter', 3),
  atomic('header field without a type', { 'bad.inter': 'user_id\titem_id:token\nu1\ti1\n' }, 'bad.inter', 1),
  atomic('header field with an unknown type', { 'bad.inter': 'user_id:int\titem_id:token\nu1\ti1\n' }, 'bad.inter', 1),
  atomic('header only', { 'bad.inter': `${INTER_HEADER}\n` }, 'bad.inter', 2),
  atomic('empty file', { 'bad.inter': '' }, 'bad.inter', 1),
  atomic('item id twice in the item file', { 'bad.item': 'item_id:token\ttitle:token\ni1\tA\ni1\tB\n' }, 'bad.item', 3),
  atomic('rating declared as token', { 'bad.inter': 'user_id:token\titem_id:token\trating:token\nu1\ti1\tfive\n' }, 'bad.inter', 1),
  atomic('no item_id column', { 'bad.inter': 'user_id:token\titem:token\nu1\ti1\n' }, 'bad.inter', 1),
  // CSV (the MovieLens layout of ml-latest-small)
  csv('unclosed quote', { 'ratings.csv': `${GOOD_RATINGS}2,"1,4.0,964982703\n3,1,4.0,964982703\n` }, 'ratings.csv', 3),
  csv('text after a closing quote', { 'ratings.csv': `${GOOD_RATINGS}"2"x,1,4.0,964982703\n` }, 'ratings.csv', 3),
  csv('rating 1e999', { 'ratings.csv': `${GOOD_RATINGS}2,1,1e999,964982703\n` }, 'ratings.csv', 3),
  csv('rating 1e39', { 'ratings.csv': `${GOOD_RATINGS}2,1,1e39,964982703\n` }, 'ratings.csv', 3),
  csv('timestamp 1e400', { 'ratings.csv': `${GOOD_RATINGS}2,1,4.0,1e400\n` }, 'ratings.csv', 3),
  csv('rating NaN', { 'ratings.csv': `${GOOD_RATINGS}2,1,NaN,964982703\n` }, 'ratings.csv', 3),
  csv('negative user id', { 'ratings.csv': `${GOOD_RATINGS}-2,1,4.0,964982703\n` }, 'ratings.csv', 3),
  csv('decimal movie id', { 'ratings.csv': `${GOOD_RATINGS}2,1.5,4.0,964982703\n` }, 'ratings.csv', 3),
  csv('empty user id', { 'ratings.csv': `${GOOD_RATINGS},1,4.0,964982703\n` }, 'ratings.csv', 3),
  csv('duplicate header', { 'ratings.csv': 'userId,movieId,rating,rating\n1,1,4.0,3.0\n' }, 'ratings.csv', 1),
  csv('wrong field count', { 'ratings.csv': `${GOOD_RATINGS}2,1,4.0\n` }, 'ratings.csv', 3),
  csv('invalid UTF-8 in a title', { 'movies.csv': bytes(GOOD_MOVIES, '2,Am', [0xe9], 'lie (2001),Comedy\n') }, 'movies.csv', 3),
  csv('5 KB title', { 'movies.csv': `${GOOD_MOVIES}2,${'T'.repeat(5 * 1024)},Comedy\n` }, 'movies.csv', 3),
  csv('ESC codes in a header', { 'ratings.csv': `userId\x1b[31m,movieId,rating,timestamp\n1,1,4.0,964982703\n` }, 'ratings.csv', 1),
  // N-Triples
  nt('unterminated IRI', `${NT_OK}<http://x.org/a> <http://x.org/p> <http://x.org/b .\n`),
  nt('relative IRI', `${NT_OK}<a> <http://x.org/p> <http://x.org/b> .\n`),
  nt('invalid UTF-8 in an IRI', bytes(NT_OK, '<http://x.org/', [0xff], '> <http://x.org/p> <http://x.org/b> .\n')),
  nt('escape to ESC in a label', `${NT_OK}<http://x.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "\\u001B[31mred" .\n`),
  nt('escape to a lone surrogate', `${NT_OK}<http://x.org/\\uD800> <http://x.org/p> <http://x.org/b> .\n`),
  nt('2 KB IRI', `${NT_OK}<http://x.org/${'a'.repeat(2048)}> <http://x.org/p> <http://x.org/b> .\n`),
  nt('raw ESC in a literal', `${NT_OK}<http://x.org/a> <http://x.org/p> "\x1b[2Jx" .\n`),
];

/** True when `s` holds a C0 or C1 control character (a message is one line: no tab or line end either). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

function writeCase(dir: string, c: BadCase): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), typeof content === 'function' ? content() : content);
}

/** Imports the case as the CLI does; returns the error (null: silently accepted). */
function importCase(dir: string, c: BadCase, workspace: string): unknown {
  try {
    if (c.format === 'atomic') openDataset({ dataset: 'bad', dataDir: dir, workspace, reimport: true });
    else if (c.format === 'csv') loadRegistryDataset('ml-latest-small', { dataDir: dir, verify: false });
    else ntriplesToKg(readNTriplesFile(join(dir, 'kg.nt')), 'kg.nt');
    return null;
  } catch (e) {
    return e;
  }
}

/** What is wrong with the refusal (empty: a good refusal). */
function problems(e: unknown, path: string, line: number): string[] {
  if (e === null) return ['silently accepted'];
  if (!(e instanceof KnowrecError)) return [`not a KnowrecError: ${String(e).slice(0, 200)}`];
  return messageProblems(e.message, path, line);
}

/** The message must start with "<path>, line <line>", be at most 300 characters and printable. */
function messageProblems(m: string, path: string, line: number): string[] {
  const out: string[] = [];
  if (!m.startsWith(`${path}, line ${line}`)) out.push(`does not start with "${path}, line ${line}": ${m.slice(0, 300)}`);
  if (m.length > 300) out.push(`message is ${m.length} characters long`);
  if (hasControl(m)) out.push(`control character in ${JSON.stringify(m.slice(0, 300))}`);
  return out;
}

describe('the bad-input corpus', () => {
  it(`refuses all ${CORPUS.length} bad files with a short message naming file and line, and leaves no workspace`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
    let silentAccepts = 0;
    const failures: string[] = [];
    CORPUS.forEach((c, k) => {
      const dir = join(root, `c${k}`);
      const workspace = join(dir, 'ws.sqlite');
      writeCase(dir, c);
      const e = importCase(dir, c, workspace);
      if (e === null) silentAccepts++;
      for (const p of problems(e, join(dir, c.file), c.line)) failures.push(`${c.what}: ${p}`);
      const left = readdirSync(dir).filter((f) => f.startsWith('ws.sqlite'));
      if (left.length > 0) failures.push(`${c.what}: left ${left.join(', ')} behind`);
      rmSync(dir, { recursive: true, force: true }); // the 50 MB file goes at once
    });
    expect(failures).toEqual([]);
    expect(silentAccepts, '0 silent accepts').toBe(0);
  });

  it('a registry import refused on a checksum creates no workspace and leaves an existing one as it was', () => {
    const dir = join(root, 'registry');
    writeCase(dir, csv('files of another release', {}, 'ratings.csv', 0));
    const fresh = join(dir, 'new', 'ws.sqlite');
    let err: unknown = null;
    try {
      openDataset({ dataset: 'ml-latest-small', dataDir: dir, workspace: fresh, reimport: true });
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(KnowrecError);
    expect((err as KnowrecError).code).toBe('checksum');
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(join(dir, 'new'))).toBe(false);

    // an existing workspace keeps its dataset through a refused registry import and a refused folder import
    writeTinyDataset(join(dir, 'tiny'));
    const ws = join(dir, 'ws.sqlite');
    openDataset({ dataset: 'tiny', dataDir: join(dir, 'tiny'), workspace: ws });
    const before = summaryOf(ws);
    expect(() => openDataset({ dataset: 'ml-latest-small', dataDir: dir, workspace: ws, reimport: true })).toThrow(/SHA-256 mismatch/);
    writeCase(join(dir, 'bad'), CORPUS[0]);
    expect(() => openDataset({ dataset: 'bad', dataDir: join(dir, 'bad'), workspace: ws, reimport: true })).toThrow(/beyond the float64 range/);
    expect(summaryOf(ws)).toEqual(before);
  });

  it('an import cancelled while storing removes the workspace it created', () => {
    const dir = join(root, 'cancel');
    writeTinyDataset(join(dir, 'tiny'));
    const ws = join(dir, 'ws.sqlite');
    const ac = new AbortController();
    const onProgress = (p: { stage: string }): void => {
      if (p.stage === 'store') ac.abort();
    };
    expect(() => openDataset({ dataset: 'tiny', dataDir: join(dir, 'tiny'), workspace: ws, signal: ac.signal, onProgress })).toThrow(/cancelled/);
    expect(readdirSync(dir).filter((f) => f.startsWith('ws.sqlite'))).toEqual([]);
  });
});

function summaryOf(path: string): unknown {
  const ws = Workspace.open(path);
  try {
    return { summary: ws.summary(), report: ws.importReport() };
  } finally {
    ws.close();
  }
}

function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env, XDG_CACHE_HOME: join(root, 'cache'), KNOWREC_DATA_DIR: '' };
    execFile(process.execPath, [join(__dirname, '..', '..', 'bin', 'knowrec.js'), ...args], { env, maxBuffer: 64 * MB }, (err, _out, stderr) => {
      done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stderr });
    });
  });
}

describe('knowrec import (child process) on bad files', () => {
  it('exits non-zero with one short, printable line naming the file and line, and writes no workspace', async () => {
    const picked = ['rating 1e999 (beyond float64)', 'invalid UTF-8 in user ids (\\xff9 and \\xfe9 would merge)', 'ESC codes in the header', '5 MB header field'];
    const cases = picked.map((what) => CORPUS.find((c) => c.what === what)!);
    const runs = cases.map((c, k) => {
      const dir = join(root, `cli${k}`);
      writeCase(dir, c);
      const ws = join(dir, 'out', 'ws.sqlite');
      return cli(['import', '--dataset', 'bad', '--data', dir, '--workspace', ws]).then((r) => ({ c, dir, ws, r }));
    });
    const sums = join(root, 'cli-sums');
    writeCase(sums, csv('sums', {}, 'ratings.csv', 0));
    const registry = cli(['import', '--dataset', 'ml-latest-small', '--data', sums, '--workspace', join(sums, 'ws.sqlite')]);
    for (const { c, dir, ws, r } of await Promise.all(runs)) {
      expect(r.code, c.what).not.toBe(0);
      const line = r.stderr.split('\n').find((l) => l.startsWith('knowrec import: '));
      expect(line, `${c.what}: ${r.stderr.slice(0, 500)}`).toBeDefined();
      expect(messageProblems(line!.slice('knowrec import: '.length), join(dir, c.file), c.line), c.what).toEqual([]);
      expect(hasControl(r.stderr.replace(/\n/g, '')), c.what).toBe(false);
      expect(existsSync(ws), c.what).toBe(false);
      expect(existsSync(join(dir, 'out')), c.what).toBe(false);
    }
    const reg = await registry;
    expect(reg.code).not.toBe(0);
    expect(reg.stderr).toContain('SHA-256 mismatch for ratings.csv');
    expect(existsSync(join(sums, 'ws.sqlite'))).toBe(false);
  });
  it('a kept import prints each warning once: file, count, rule and first line', async () => {
    const dir = join(root, 'cli-dup');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'dup.inter'), 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t10\t4\t100\n1\t10\t5\t200\n2\t11\t3\t50\n');
    const r = await cli(['import', '--dataset', 'dup', '--data', dir, '--workspace', join(dir, 'ws.sqlite')]);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual([`warning: ${join(dir, 'dup.inter')}: 1 duplicate (user, item) rows; the latest by timestamp was kept, the others dropped (first at line 2).`]);
  });
});
