/**
 * Bring your own data, as an analyst would: a folder of plain CSV exports (interactions with
 * their own column names and ISO dates, a catalogue with a text column and "a|b" tags) and a
 * Turtle KG, built here in a layout no other test uses, go in through `knowrec import` with no
 * conversion by hand; then `evaluate` and `recommend --explain` run on the workspace alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAnalystExport, type AnalystExport } from '../helpers/analyst-export';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let files: AnalystExport;

function knowrec(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'knowrec.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-own-'));
  files = writeAnalystExport(join(dir, 'shop'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('knowrec import (own files)', () => {
  const ws = (): string => join(dir, 'work', 'shop.sqlite');

  it('--preview prints the inferred roles and the mapping, and writes nothing', () => {
    const r = knowrec(['import', '--interactions', files.interactions, '--items', files.items, '--preview', '--json', '-', '--workspace', ws()]);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(r.out) as { mapping: unknown; tables: { role: string; columns: { name: string; role: string }[]; rows: unknown[] }[] };
    expect(p.mapping).toEqual({
      interactions: { user: 'CustomerRef', item: 'SKU', rating: 'Stars', timestamp: 'PurchasedAt', feedback: 'explicit' },
      items: { id: 'SKU', title: 'Product Name', text: ['Blurb'], lists: { Tags: '|' }, yearFromTitle: false },
    });
    expect(p.tables[1].columns.map((c) => c.role)).toEqual(['id', 'title', 'text', 'list |']);
    expect(p.tables[0].rows).toHaveLength(10);
    expect(existsSync(ws())).toBe(false);
  });

  it('a bad row fails with file, line, column and a fix, and leaves no workspace', () => {
    const bad = join(dir, 'shop', 'bad_activity.csv');
    const text = readFileSync(files.interactions, 'utf8').split('\n');
    text[7] = 'C02,G101,four,2026-10-05T10:00:00';
    writeFileSync(bad, text.join('\n'));
    const r = knowrec(['import', '--interactions', bad, '--workspace', ws()]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}, line 8, column 3: the value in column "Stars" is not a number: "C02,G101,four,2026-10-05T10:00:00" (write a number here, or leave the field empty, or map another column)`);
    expect(existsSync(join(dir, 'work')) ? readdirSync(join(dir, 'work')) : []).toEqual([]);
  });

  it('imports the CSV files and the Turtle KG through an edited mapping', () => {
    const map = join(dir, 'mapping.json');
    // the analyst saves the inferred mapping, and says the stars are a rating scale
    writeFileSync(map, JSON.stringify({ interactions: { feedback: 'explicit' }, items: { title: 'Product Name' } }));
    const r = knowrec(['import', '--interactions', files.interactions, '--items', files.items, '--kg', files.kg, '--map', map, '--name', 'shop', '--workspace', ws()]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('dataset shop: 20 users, 16 items, 120 interactions, 20 entities, 2 relations, 32 triples\nlinked 16 of 16 items to KG entities (100.0%, by title)');
    expect(r.out).toContain('feedback: "Stars" is an explicit rating');
    // the workspace, and the KG explorer's index saved beside it by the import
    expect(readdirSync(join(dir, 'work')).sort()).toEqual(['shop.sqlite', 'shop.sqlite.kgindex']);
  });

  it('the printed mapping passes back unchanged (--save-map, then --map), with --json - alone on stdout', () => {
    const saved = join(dir, 'saved.json');
    const other = join(dir, 'work2', 'again.sqlite');
    const first = knowrec(['import', '--interactions', files.interactions, '--items', files.items, '--kg', join(dir, 'shop', 'kg'), '--save-map', saved, '--workspace', other, '-q']);
    expect(first.code, first.err).toBe(0);
    const r = knowrec(['import', '--interactions', files.interactions, '--items', files.items, '--kg', join(dir, 'shop', 'kg'), '--map', saved, '--workspace', other, '--json', '-', '-q']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out) as { mapping: unknown; report: { link: { rate: number }; counts: { interactions: number } } };
    expect(doc.mapping).toEqual(JSON.parse(readFileSync(saved, 'utf8')));
    expect(doc.report.link.rate).toBe(1);
    expect(doc.report.counts.interactions).toBe(120);
  });

  it('evaluate runs with --workspace alone', () => {
    const r = knowrec(['evaluate', '--workspace', ws(), '--models', 'pop,itemknn,kg-profile', '--seed', '3', '--k', '5', '--no-tune', '--json', '-', '-q']);
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out) as { dataset: string; data: { users: number; items: number }; results: Record<string, { test: Record<string, number> }> };
    expect(res.dataset).toBe('shop');
    expect(res.data).toMatchObject({ users: 20, items: 16 });
    expect(Object.keys(res.results)).toEqual(['pop', 'itemknn', 'kg-profile']);
    for (const m of Object.values(res.results)) expect(Number.isFinite(m.test['ndcg@5'])).toBe(true);
  });

  it('recommend --explain runs with --workspace alone (fits the hybrid first)', () => {
    const r = knowrec(['recommend', '--workspace', ws(), '--user', 'C03', '-k', '2', '--explain', '--json']);
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as { user: string; items: { item: string; explanation: { reason: string } }[] };
    expect(out.user).toBe('C03');
    expect(out.items).toHaveLength(2);
    // C03 buys garden products only: the hybrid's top 2 are garden products
    expect(out.items.every((h) => h.item.startsWith('G'))).toBe(true);
    for (const h of out.items) expect(h.explanation.reason.length).toBeGreaterThan(0);
  });
});
