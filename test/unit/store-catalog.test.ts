/**
 * The views' paged reads straight from the workspace tables (main/core/store/catalog.ts): the
 * same pages, matches and histories as the reads over the loaded dataset, on tiny built data.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createApi } from '../../main/api';
import { userHistoryOf } from '../../main/api/methods/workspace';
import { CatalogQueries } from '../../main/core/store/catalog';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { failure } from '../helpers/failure';
import { tempFiles, tinyDataset } from '../helpers/tiny-workspace';

const files = tempFiles('knowrec-catalog-');
afterAll(files.cleanup);

/** tinyDataset with eight more items whose titles test the matching: accents, the Kelvin sign, Han, an ASCII look-alike. */
function catalogDataset(): Dataset {
  const base = tinyDataset('catalog');
  const extra = ['Émile (2001)', 'Ｋelvin', '\u212Aing Kong', '星际穿越 Interstellar', 'Amélie', 'Toy Soldiers', 'tab\there', 'KING RALPH'];
  const items = [...base.items, ...extra.map((title, k) => ({ id: `x${k}`, title, text: {}, attributes: {} }))];
  return {
    ...base,
    itemIds: items.map((it) => it.id),
    items,
    // carol: two ties on rating 5 (t 500 twice): catalog order then stored order decide
    interactions: {
      user: Int32Array.of(0, 0, 1, 1, 2, 2, 2, 2),
      item: Int32Array.of(0, 2, 1, 0, 2, 1, 5, 4),
      rating: Float32Array.of(5, 4, 3, 1, 5, 2, 5, 5),
      timestamp: Float64Array.of(100, 200, 300, 400, 500, 600, 500, 500),
    },
    itemEntities: items.map((_, i) => base.itemEntities[i] ?? new Int32Array(0)),
  };
}

/** What the Api answered before the store's reads: a filter over the loaded dataset. */
function itemsOverDataset(ds: Dataset, query: string): string[] {
  const needle = query.trim().toLowerCase();
  return ds.items.filter((it) => needle === '' || it.id.toLowerCase().includes(needle) || it.title.toLowerCase().includes(needle)).map((it) => it.id);
}

function stored(ds: Dataset): Workspace {
  const ws = Workspace.create(files.fresh());
  ws.importDataset(ds);
  return ws;
}

describe('CatalogQueries', () => {
  it('pages items in catalog order and matches queries as toLowerCase does, ASCII or not', () => {
    const ds = catalogDataset();
    const ws = stored(ds);
    expect(ws.itemPage(0, 4)).toEqual({ total: 11, rows: ds.items.slice(0, 4).map((it) => ({ id: it.id, title: it.title })) });
    expect(ws.itemPage(9, 5).rows.map((r) => r.id)).toEqual(['x6', 'x7']);
    expect(ws.itemPage(20, 5)).toEqual({ total: 11, rows: [] });
    for (const q of ['toy', ' TOY ', 'é', 'É', 'emile', 'k', 'king', 'ｋ', '星际', 'interstellar', 'X1', '\t', 'ing', '', 'nothing']) {
      const expected = itemsOverDataset(ds, q);
      const page = ws.itemPage(0, 50, q);
      expect({ q, ids: page.rows.map((r) => r.id), total: page.total }).toEqual({ q, ids: expected, total: expected.length });
    }
    // by construction: the Kelvin sign lowercases to 'k', so 'king' finds both Kings; 'é' only the accented titles
    expect(ws.itemPage(0, 50, 'king').rows.map((r) => r.id)).toEqual(['x2', 'x7']);
    expect(ws.itemPage(0, 50, 'é').rows.map((r) => r.id)).toEqual(['x0', 'x4']);
    // a later page of the matches, and its total
    expect(ws.itemPage(1, 1, 'toy')).toEqual({ total: 2, rows: [{ id: 'x5', title: 'Toy Soldiers' }] });
    ws.close();
  });

  it('pages users with their attributes', () => {
    const ws = stored(tinyDataset());
    expect(ws.userPage(1, 5)).toEqual({ total: 3, rows: [{ id: 'bob', attributes: { age: '21' } }, { id: 'carol', attributes: { age: '22' } }] });
    expect(ws.userPage(3, 5)).toEqual({ total: 3, rows: [] });
    ws.close();
  });

  it("gives a user's history as the loaded dataset does: rating, then newest, then catalog order", () => {
    const ds = catalogDataset();
    const ws = stored(ds);
    for (const user of ['alice', 'bob', 'carol']) {
      for (const limit of [1, 2, 10]) expect(ws.userHistory(user, limit)).toEqual(userHistoryOf(ds, user, limit));
    }
    // carol: i3 (5, t 500), x2 (5, t 500), x1 (5, t 500) tie on rating and time: catalog order
    expect(ws.userHistory('carol', 3)?.items.map((x) => x.item)).toEqual(['i3', 'x1', 'x2']);
    expect(ws.userHistory('zed', 5)).toBeNull();
    ws.close();
  });

  it('says to import first on an empty workspace', () => {
    const ws = Workspace.create(files.fresh());
    expect(failure(() => ws.itemPage(0, 5)).code).toBe('not-found');
    expect(failure(() => ws.userPage(0, 5)).hint).toContain('import');
    expect(failure(() => ws.userHistory('alice', 5)).code).toBe('not-found');
    ws.close();
  });

  it('keeps the counts until this or another connection changes the file', () => {
    const ws = stored(tinyDataset());
    expect(ws.summary()).toMatchObject({ users: 3, items: 3, interactions: 6, triples: 4 });
    ws.users.forget('bob');
    expect(ws.summary()).toMatchObject({ users: 2, interactions: 4 });
    const other = new Database(ws.path);
    other.prepare('DELETE FROM interactions WHERE user_idx = 0').run();
    other.close();
    expect(ws.summary()).toMatchObject({ users: 2, interactions: 2 });
    // nothing changed: the kept counts are answered, not counted again (same object)
    const db = new Database(ws.path);
    const queries = new CatalogQueries(db);
    const first = queries.counts();
    expect(queries.counts()).toBe(first);
    const writer = new Database(ws.path);
    const removed = writer.prepare('DELETE FROM interactions WHERE user_idx = 1').run().changes;
    writer.close();
    expect(removed).toBeGreaterThan(0);
    const after = queries.counts();
    expect(after).not.toBe(first);
    expect(after.interactions).toBe(first.interactions - removed);
    db.close();
    ws.close();
  });
});

describe('the Api over the store', () => {
  it('prewarm: a small workspace has its dataset read and KG index built once it opened, without a call needing them', async () => {
    const ds = catalogDataset();
    const ws = stored(ds);
    let loads = 0;
    const open = (): Workspace => {
      const load = ws.loadDataset.bind(ws);
      ws.loadDataset = () => {
        loads++;
        return load();
      };
      return ws;
    };
    const api = createApi({ open, workspacePath: ws.path, appVersion: '1', prewarm: true });
    expect((await api.workspaceSummary()).ok).toBe(true);
    expect(loads).toBe(0);
    for (let t = 0; t < 100 && loads === 0; t++) await new Promise((r) => setTimeout(r, 20));
    expect(loads).toBe(1);
    // the KG explorer's first call finds it loaded: no second read
    expect((await api.kgSearch({ query: 'King', limit: 5 })).ok).toBe(true);
    expect(loads).toBe(1);
    api.close();
  });

  it('answers listItems, listUsers and userHistory without loading the dataset', async () => {
    const ds = catalogDataset();
    const ws = stored(ds);
    let loads = 0;
    const api = createApi({
      open: () => {
        const load = ws.loadDataset.bind(ws);
        ws.loadDataset = () => {
          loads++;
          return load();
        };
        return ws;
      },
      workspacePath: ws.path,
      appVersion: '1',
    });
    expect(await api.listItems({ offset: 0, limit: 50, query: 'KING' })).toEqual({
      ok: true,
      value: { offset: 0, limit: 50, total: 2, rows: [{ id: 'x2', title: '\u212Aing Kong' }, { id: 'x7', title: 'KING RALPH' }] },
    });
    expect(await api.listUsers({ offset: 0, limit: 1 })).toEqual({ ok: true, value: { offset: 0, limit: 1, total: 3, rows: [{ id: 'alice', attributes: { age: '20' } }] } });
    expect(await api.userHistory({ user: 'alice', limit: 5 })).toEqual({ ok: true, value: userHistoryOf(ds, 'alice', 5) });
    const missing = await api.userHistory({ user: 'zed', limit: 5 });
    expect(missing.ok || missing.error.code).toBe('not-found');
    expect(loads).toBe(0);
    api.close();
  });
});
