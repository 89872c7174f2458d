/**
 * One path for new users: the CLI (`knowrec recommend --query/--items`, main/jobs/query.ts) and the
 * Api (recommendQuery) both rank through main/core/rank/new-user.ts and answer the same list, for
 * a query, for picked items, for both, and for picks when the encoder cannot start.
 * The text encoder is the bag-of-words stand-in (test/helpers/hash-encoder.ts).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, type ApiImpl, type RecommendQueryRequest, type Result } from '../../main/api';
import { KgIndex } from '../../main/core/kg';
import { interactionViews, recommendForNewUser } from '../../main/core/rank';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { answerQuery } from '../../main/jobs/query';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';
import { tempFiles, tinyDataset } from '../helpers/tiny-workspace';

const encoder = bagOfWordsEncoder(64);
const files = tempFiles('knowrec-new-user-');
let api: ApiImpl;
let dataset: Dataset;
let broken: boolean;

beforeEach(() => {
  const path = files.fresh();
  const ws = Workspace.create(path);
  ws.importDataset(tinyDataset());
  dataset = ws.loadDataset();
  ws.close();
  broken = false;
  api = createApi({
    open: (p) => Workspace.open(p),
    workspacePath: path,
    appVersion: 't',
    encoder: async () => {
      if (broken) throw new Error('no prepared model');
      return encoder;
    },
  });
});

afterEach(() => api.close());
afterAll(() => files.cleanup());

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const cli = (r: RecommendQueryRequest) =>
  answerQuery({
    dataset,
    query: r.query,
    items: r.items,
    k: r.k,
    lang: r.lang,
    text: async () => {
      if (broken) throw new Error('no prepared model');
      return { encoder };
    },
  });

describe('new users: the CLI and the Api answer the same list', () => {
  const cases: [string, RecommendQueryRequest][] = [
    ['a free-text query', { query: 'toy story', k: 3 }],
    ['picked items', { items: ['i1'], k: 2 }],
    ['a query and picks, in Chinese', { query: 'heat', items: ['i3', 'i1'], k: 2, lang: 'zh' }],
  ];
  for (const [what, request] of cases) {
    it(what, async () => {
      const fromApi = value(await api.recommendQuery(request));
      const fromCli = await cli(request);
      expect(fromCli).toEqual(fromApi);
      const picked = new Set(request.items ?? []);
      expect(fromApi.items.length).toBe(Math.min(request.k, dataset.itemIds.length - picked.size));
      for (const it of fromApi.items) expect(picked.has(it.item)).toBe(false);
    });
  }

  it('picks without an encoder: co-occurrence alone on both sides', async () => {
    broken = true;
    const fromApi = value(await api.recommendQuery({ items: ['i1'], k: 2 }));
    expect(await cli({ items: ['i1'], k: 2 })).toEqual(fromApi);
    for (const it of fromApi.items) expect(Object.keys(it.explanation.signals)).toEqual(['co-occurrence']);
    // a query needs the encoder
    const r = await api.recommendQuery({ query: 'toy', k: 2 });
    expect(r.ok).toBe(false);
    await expect(cli({ query: 'toy', k: 2 })).rejects.toThrow('no prepared model');
  });

  it('unknown picks and empty requests fail the same way', async () => {
    const r = await api.recommendQuery({ items: ['nope'], k: 2 });
    expect(!r.ok && r.error.code).toBe('not-found');
    await expect(cli({ items: ['nope'], k: 2 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(cli({ query: '  ', k: 2 })).rejects.toMatchObject({ code: 'config' });
  });
});

describe('recommendForNewUser', () => {
  it('a query alone ranks by text (scores 0..1, best first); picks add co-occurrence', async () => {
    const kg = new KgIndex(tinyDataset());
    const base = { dataset: tinyDataset(), kg, k: 3, lang: 'en' as const, text: async () => ({ encoder }) };
    const q = await recommendForNewUser({ ...base, query: 'toy story', items: [] });
    expect(q.items[0].item).toBe('i1');
    expect(q.items[0].score).toBe(1);
    for (let j = 1; j < q.items.length; j++) expect(q.items[j].score).toBeLessThanOrEqual(q.items[j - 1].score);
    expect(Object.keys(q.items[0].explanation.signals)).toEqual(['semantic']);
    const p = await recommendForNewUser({ ...base, query: null, items: ['i1'], interactions: interactionViews(tinyDataset()) });
    expect(p.picks).toEqual([{ id: 'i1', title: 'Toy Story (1995)' }]);
    expect(p.items.map((i) => i.item)).not.toContain('i1');
    expect(p.items[0].explanation.history.map((h) => h.item)).toEqual(['i1']);
  });
});
