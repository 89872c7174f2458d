import { describe, expect, it } from 'vitest';
import {
  API_DECLARATION,
  API_METHODS,
  apiChannel,
  dispatchApi,
  fail,
  isApiMethod,
  ok,
  toApiError,
  type Api,
  type ItemRow,
  type ListItemsRequest,
  type Page,
  type WorkspaceSummary,
} from '../../main/api';
import { apiSchemas } from '../../main/api/schemas';
import { KnowrecError } from '../../main/core/errors';
import { buildPreloadApi, preloadChannel } from '../../preload/api-proxy';
import { kgAndRecommendStubs, unusedApiMethods } from '../helpers/api-stubs';

const SUMMARY: WorkspaceSummary = {
  path: '/tmp/w.sqlite',
  dataset: 'tiny',
  users: 3,
  items: 4,
  interactions: 7,
  entities: 5,
  relations: 2,
  triples: 6,
  links: 4,
  schemaVersion: 1,
};

/** A fake Api that records the inputs it receives. */
function fakeApi(overrides: Partial<Api> = {}): { api: Api; calls: unknown[] } {
  const calls: unknown[] = [];
  const api: Api = {
    ...unusedApiMethods(),
    version: async () => ok({ app: '0.0.0', api: 1, node: process.versions.node, electron: null, platform: process.platform }),
    workspaceSummary: async () => ok(SUMMARY),
    openWorkspace: async (r) => {
      calls.push(r);
      return ok({ ...SUMMARY, path: r.path });
    },
    listItems: async (r: ListItemsRequest) => {
      calls.push(r);
      const page: Page<ItemRow> = { offset: r.offset, limit: r.limit, total: 0, rows: [] };
      return ok(page);
    },
    listUsers: async (r) => {
      calls.push(r);
      return ok({ offset: r.offset, limit: r.limit, total: 0, rows: [] });
    },
    ...kgAndRecommendStubs(calls),
    ...overrides,
  };
  return { api, calls };
}

describe('Api contract between main and preload', () => {
  it('the preload uses the same channel name as main for every method', () => {
    // one declaration: the validation record names the same methods, in the same order
    expect(Object.keys(apiSchemas)).toEqual([...API_METHODS]);
    for (const m of API_METHODS) expect(API_DECLARATION[m].doc.length).toBeGreaterThan(0);
    expect(API_METHODS).toHaveLength(46);
    for (const m of ['startImport', 'previewImport', 'startImportOwn', 'listTextModels', 'setTextModel', 'whatIf', 'whatIfModel', 'judgeExplanation', 'kgPaths', 'userHistory', 'startEvaluation', 'cancelJob', 'listRuns', 'exportReport', 'addLabel', 'forgetUser']) expect(API_METHODS).toContain(m);
    for (const m of API_METHODS) expect(preloadChannel(m)).toBe(apiChannel(m));
    expect(new Set(API_METHODS.map(apiChannel)).size).toBe(API_METHODS.length);
  });

  it('the preload exposes exactly the Api methods and forwards each input on its channel', async () => {
    const sent: [string, unknown][] = [];
    const api = buildPreloadApi(async (channel, input) => {
      sent.push([channel, input]);
      return ok(channel);
    });
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'onEvent'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    const r = await api.listItems({ offset: 5, limit: 10, query: 'toy' });
    expect(r).toEqual({ ok: true, value: 'knowrec:api:listItems' });
    await api.workspaceSummary();
    expect(sent).toEqual([
      ['knowrec:api:listItems', { offset: 5, limit: 10, query: 'toy' }],
      ['knowrec:api:workspaceSummary', undefined],
    ]);
  });
});

describe('dispatchApi', () => {
  it('calls the method with validated input and returns its Result', async () => {
    const { api, calls } = fakeApi();
    const d = await dispatchApi(api, 'listItems', { offset: 10, limit: 20, query: 'star' });
    expect(d.status).toBe('done');
    expect(d.result).toEqual({ ok: true, value: { offset: 10, limit: 20, total: 0, rows: [] } });
    expect(calls).toEqual([{ offset: 10, limit: 20, query: 'star' }]);
    expect(await dispatchApi(api, 'workspaceSummary', undefined)).toEqual({ status: 'done', result: ok(SUMMARY) });
    expect((await dispatchApi(api, 'workspaceSummary', {})).status).toBe('done');
    expect((await dispatchApi(api, 'workspaceSummary', null)).status).toBe('done');
  });

  it('passes KG and recommend requests through, trimmed', async () => {
    const { api, calls } = fakeApi();
    const d = await dispatchApi(api, 'kgSubgraph', { item: ' 1 ', hops: 2, cap: 50, relations: ['genre'] });
    expect(d.status).toBe('done');
    expect(d.result.ok && d.result.value).toMatchObject({ hops: 2, cap: 50 });
    await dispatchApi(api, 'recommend', { user: ' 7', k: 3 });
    await dispatchApi(api, 'kgSearch', { query: ' toy ', limit: 5 });
    expect(calls).toEqual([{ item: '1', hops: 2, cap: 50, relations: ['genre'] }, { user: '7', k: 3 }, { query: 'toy', limit: 5 }]);
  });

  it('trims the workspace path before the call', async () => {
    const { api, calls } = fakeApi();
    await dispatchApi(api, 'openWorkspace', { path: '  /data/w.sqlite ' });
    expect(calls).toEqual([{ path: '/data/w.sqlite' }]);
  });

  it('refuses unknown methods, including names inherited from Object', async () => {
    const { api } = fakeApi();
    for (const name of ['nope', '__proto__', 'constructor', 'toString', '']) {
      expect(isApiMethod(name)).toBe(false);
      const d = await dispatchApi(api, name, undefined);
      expect(d.status).toBe('unknown-method');
      expect(d.result.ok).toBe(false);
      if (!d.result.ok) {
        expect(d.result.error.code).toBe('not-found');
        expect(d.result.error.hint).toContain('listItems');
      }
    }
  });

  it('rejects invalid input with a message naming the field and never calls the method', async () => {
    const { api, calls } = fakeApi();
    const cases: [string, unknown, string][] = [
      ['listItems', { offset: 0, limit: 0 }, 'limit'],
      ['listItems', { offset: -1, limit: 10 }, 'offset'],
      ['listItems', { offset: 1.5, limit: 10 }, 'offset'],
      ['listItems', { offset: '0', limit: 10 }, 'offset'],
      ['listItems', { offset: 0, limit: 501 }, 'limit'],
      ['listItems', { offset: 0, limit: 10, extra: true }, 'extra'],
      ['listItems', undefined, 'listItems'],
      ['listUsers', { offset: 0 }, 'limit'],
      ['openWorkspace', { path: '   ' }, 'path'],
      ['openWorkspace', 'just-a-string', 'openWorkspace'],
      ['version', { unexpected: 1 }, 'unexpected'],
      ['kgSearch', { query: '  ', limit: 5 }, 'query'],
      ['kgSearch', { query: 'toy', limit: 101 }, 'limit'],
      ['kgSubgraph', { hops: 1, cap: 10 }, 'exactly one of item or entity'],
      ['kgSubgraph', { item: '1', entity: 'm.0', hops: 1, cap: 10 }, 'exactly one of item or entity'],
      ['kgSubgraph', { item: '1', hops: 4, cap: 10 }, 'hops'],
      ['kgSubgraph', { item: '1', hops: 1, cap: 2001 }, 'cap'],
      ['kgSubgraph', { item: '1', hops: 1, cap: 10, relations: 'genre' }, 'relations'],
      ['kgItem', { item: '' }, 'item'],
      ['recommend', { user: '1', k: 0 }, 'k'],
      ['recommend', { user: 1, k: 5 }, 'user'],
    ];
    for (const [method, input, mention] of cases) {
      const d = await dispatchApi(api, method, input);
      expect(d.status, `${method} ${JSON.stringify(input)}`).toBe('invalid-input');
      expect(d.result.ok).toBe(false);
      if (!d.result.ok) {
        expect(d.result.error.code).toBe('config');
        expect(d.result.error.message).toContain(mention);
        expect(d.result.error.hint).toBeTruthy();
      }
    }
    expect(calls).toEqual([]);
  });

  it('turns exceptions inside a method into error Results', async () => {
    const { api } = fakeApi({
      workspaceSummary: async () => {
        throw new KnowrecError('not-found', 'no workspace file at this path', { file: '/x.sqlite' }, 'check the path');
      },
      version: async () => {
        throw new TypeError('boom');
      },
    });
    const a = await dispatchApi(api, 'workspaceSummary', undefined);
    expect(a).toEqual({
      status: 'done',
      result: { ok: false, error: { code: 'not-found', message: '/x.sqlite: no workspace file at this path', hint: 'check the path' } },
    });
    const b = await dispatchApi(api, 'version', undefined);
    expect(b.status).toBe('done');
    expect(b.result.ok).toBe(false);
    if (!b.result.ok) {
      expect(b.result.error.code).toBe('internal');
      expect(b.result.error.message).toContain('boom');
    }
  });
});

describe('Result helpers', () => {
  it('toApiError keeps code, location and hint of a KnowrecError without repeating the hint', () => {
    const e = new KnowrecError('parse', 'bad number', { file: 'a.inter', line: 3, column: 2 }, 'fix the rating column');
    expect(toApiError(e)).toEqual({ code: 'parse', message: 'a.inter, line 3, column 2: bad number', hint: 'fix the rating column' });
    expect(toApiError(new KnowrecError('config', 'plain'))).toEqual({ code: 'config', message: 'plain' });
    expect(toApiError('weird').code).toBe('internal');
  });

  it('fail omits an absent hint', () => {
    expect(fail('config', 'm')).toEqual({ ok: false, error: { code: 'config', message: 'm' } });
    expect(fail('config', 'm', 'h')).toEqual({ ok: false, error: { code: 'config', message: 'm', hint: 'h' } });
  });
});
