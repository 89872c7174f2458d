import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importRegistryDataset } from '../../main/core/data/import';
import { findDataset } from '../../main/core/data/registry';
import { Workspace } from '../../main/core/store';

const DATA = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const present = existsSync(join(DATA, 'ml-100k', 'ml-100k.inter'));
if (!present) console.warn(`skipping ml-100k import tests: ${join(DATA, 'ml-100k')} not found (set KNOWREC_DATA_DIR)`);

describe.skipIf(!present)('import real ml-100k', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-ml100k-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registry sums equal those in SOURCE.md', () => {
    const source = readFileSync(join(DATA, 'ml-100k', 'SOURCE.md'), 'utf8');
    const sums = new Map([...source.matchAll(/^([0-9a-f]{64})\s+(\S+)$/gm)].map((m) => [m[2], m[1]]));
    const entry = findDataset('ml-100k');
    expect(sums.size).toBe(5);
    for (const f of entry.files) expect(f.sha256).toBe(sums.get(f.name));
  });

  it('imports, verifies and reloads with the published counts', () => {
    const p = join(dir, 'ws.sqlite');
    const ws = Workspace.create(p);
    const t0 = performance.now();
    const stages = new Set<string>();
    const report = importRegistryDataset(ws, 'ml-100k', { env: { KNOWREC_DATA_DIR: DATA }, onProgress: (pr) => stages.add(pr.stage) });
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeLessThan(60);
    expect([...stages]).toEqual(['resolve', 'read', 'validate', 'store']);
    expect(report.counts).toEqual({ users: 943, items: 1682, interactions: 100000, entities: 34628, relations: 24, triples: 91631, links: 1598 });
    expect(report.warnings).toEqual([]);
    expect(report.files.map((f) => f.kind).sort()).toEqual(['inter', 'item', 'kg', 'link', 'user']);
    for (const f of report.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    ws.close();

    const again = Workspace.open(p);
    expect(again.summary()).toMatchObject({ dataset: 'ml-100k', users: 943, items: 1682, interactions: 100000, triples: 91631, links: 1598, relations: 24 });
    const ds = again.loadDataset();
    again.close();
    expect(ds.interactions.user.length).toBe(100000);
    expect(ds.kg.head.length).toBe(91631);
    expect(ds.itemEntities.filter((a) => a.length > 0).length).toBe(1598);
    // rating histogram from SOURCE.md
    const hist = [0, 0, 0, 0, 0];
    for (const r of ds.interactions.rating) hist[r - 1]++;
    expect(hist).toEqual([6110, 11370, 27145, 34174, 21201]);
    const toy = ds.items[ds.itemIds.indexOf('1')];
    expect(toy.title).toBe('Toy Story (1995)');
    expect(toy.attributes).toMatchObject({ raw_title: 'Toy Story', release_year: '1995', genres: ['Animation', "Children's", 'Comedy'] });
    const directed = ds.kg.relationNames.indexOf('film.film.directed_by');
    expect(ds.kg.relation.filter((r) => r === directed).length).toBe(1727);
    expect(ds.kg.entityNames.every((n) => n === null)).toBe(true);
  });
});
