import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../main/core/data/csv';
import { importRegistryDataset } from '../../main/core/data/import';
import { Workspace } from '../../main/core/store';

const DATA = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const present = existsSync(join(DATA, 'ml-latest-small', 'ratings.csv'));
if (!present) console.warn(`skipping ml-latest-small tests: ${join(DATA, 'ml-latest-small')} not found (set KNOWREC_DATA_DIR)`);

describe.skipIf(!present)('read real ml-latest-small CSVs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-mlls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads ratings.csv and movies.csv (CRLF, quoted titles)', () => {
    const ratings = readCsvFile(join(DATA, 'ml-latest-small', 'ratings.csv'));
    expect(ratings.header).toEqual(['userId', 'movieId', 'rating', 'timestamp']);
    expect(ratings.rows.length).toBe(100836);
    expect(ratings.rows[0]).toEqual(['1', '1', '4.0', '964982703']);
    const movies = readCsvFile(join(DATA, 'ml-latest-small', 'movies.csv'));
    expect(movies.rows.length).toBe(9742);
    const ap = movies.rows.find((r) => r[0] === '11');
    expect(ap?.[1]).toBe('American President, The (1995)');
  });

  it('imports through the registry with the published counts', () => {
    const ws = Workspace.create(join(dir, 'ws.sqlite'));
    const report = importRegistryDataset(ws, 'ml-latest-small', { env: { KNOWREC_DATA_DIR: DATA } });
    expect(report.counts).toMatchObject({ users: 610, items: 9742, interactions: 100836, triples: 0 });
    expect(report.warnings).toEqual([]);
    const ds = ws.loadDataset();
    ws.close();
    let high = 0;
    for (const r of ds.interactions.rating) if (r >= 4) high++;
    expect(high).toBe(48580);
    const rated = new Set(ds.interactions.item);
    expect(rated.size).toBe(9724);
    const toy = ds.items[ds.itemIds.indexOf('1')];
    expect(toy.title).toBe('Toy Story (1995)');
    expect(toy.attributes.genres).toEqual(['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy']);
    const withGenres = ds.items.filter((it) => Array.isArray(it.attributes.genres)).length;
    expect(withGenres).toBe(9708);
  });
});
