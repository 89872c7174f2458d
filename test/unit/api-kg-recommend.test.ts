/**
 * The KG explorer and recommendation methods through dispatchApi, over a real workspace file
 * holding a tiny dataset whose answers are known by construction:
 *   Toy Story (1995) and A Bug's Life (1998) share director John Lasseter; Heat (1995) has
 *   Michael Mann. Genres are catalog columns (derived triples). u0 rated Toy Story twice over
 *   (two interactions), u1 rated Heat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatchApi, createApi, type ItemCard, type KgHit, type KgSubgraph, type Recommendations, type Result, type ApiImpl } from '../../main/api';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { dataHash, defaultModelPath, saveSnapshot, SNAPSHOT_FORMAT, type Snapshot } from '../../main/jobs/snapshot';

const DIRECTED_BY = 'film.film.directed_by';

function tinyDataset(): Dataset {
  const items = [
    { id: 'i0', title: 'Toy Story (1995)', text: {}, attributes: { genres: ['Animation', 'Comedy'] } },
    { id: 'i1', title: "A Bug's Life (1998)", text: {}, attributes: { genres: ['Animation'] } },
    { id: 'i2', title: 'Heat (1995)', text: {}, attributes: { genres: ['Action'] } },
  ];
  return {
    name: 'tiny',
    userIds: ['u0', 'u1', 'u2'],
    itemIds: items.map((i) => i.id),
    users: [
      { id: 'u0', attributes: {} },
      { id: 'u1', attributes: {} },
      { id: 'u2', attributes: {} },
    ],
    items,
    interactions: {
      user: Int32Array.of(0, 0, 1),
      item: Int32Array.of(0, 0, 2),
      rating: Float32Array.of(5, 4, 3),
      timestamp: Float64Array.of(1, 2, 3),
    },
    kg: {
      entityIds: ['m.toy', 'm.bug', 'm.heat', 'm.lasseter', 'm.mann'],
      entityNames: [null, null, null, 'John Lasseter', 'Michael Mann'],
      relationNames: [DIRECTED_BY],
      head: Int32Array.of(0, 1, 2),
      relation: Int32Array.of(0, 0, 0),
      tail: Int32Array.of(3, 3, 4),
      derived: new Uint8Array(3),
    },
    itemEntities: [Int32Array.of(0), Int32Array.of(1), Int32Array.of(2)],
  };
}

function explanation(reason: string, rankAfter = 3) {
  return {
    signals: { 'kg-profile': 0.75, ease: 0.25 },
    against: { pop: 1 },
    history: [{ item: 'i0', title: 'Toy Story (1995)', relation: 'same director', share: 0.6 }],
    facts: ['directed by John Lasseter'],
    reason,
    lead: 'kg-profile',
    notAttributable: ['pop'],
    counterfactual: { removed: [{ item: 'i0', title: 'Toy Story (1995)' }], rankBefore: 1, rankAfter },
  };
}

function snapshot(hash: string, reason: string, rankAfter = 3): Snapshot {
  return {
    manifest: {
      format: SNAPSHOT_FORMAT,
      dataset: 'tiny',
      data_sha256: hash,
      model: 'hybrid',
      protocol: { name: 'recbole', seed: 1, note: 'test fixture' },
      k: 2,
      lang: 'en',
      users: 3,
      items: 3,
      params: {},
      metrics: { valid: {}, test: {} },
      fit_seconds: 0,
      created: '2026-01-02T03:04:05.000Z',
    },
    recommendations: {
      u0: [
        { item: 'i1', title: "A Bug's Life (1998)", score: 0.9, explanation: explanation(reason, rankAfter) },
        { item: 'i2', title: 'Heat (1995)', score: 0.1, explanation: explanation('second') },
      ],
    },
  };
}

let dir: string;
let wsPath: string;
let hash: string;
let api: ApiImpl;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-api-kg-'));
  wsPath = join(dir, 'w.sqlite');
  const ws = Workspace.create(wsPath);
  ws.importDataset(tinyDataset());
  hash = dataHash(ws.loadDataset());
  ws.close();
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 't', modelDir: join(dir, 'model') });
});

afterEach(() => {
  api.close();
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, input: unknown): Promise<Result<T>> {
  const d = await dispatchApi(api, method, input);
  expect(d.status, JSON.stringify(d.result)).toBe('done');
  return d.result as Result<T>;
}

async function value<T>(method: string, input: unknown): Promise<T> {
  const r = await call<T>(method, input);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
  return r.value;
}

describe('kgSearch', () => {
  it('finds items by title with their entity and item ids, and named entities', async () => {
    const hits = await value<KgHit[]>('kgSearch', { query: 'toy', limit: 10 });
    expect(hits[0]).toEqual({ kind: 'item', entity: 'm.toy', item: 'i0', label: 'Toy Story (1995)' });
    const people = await value<KgHit[]>('kgSearch', { query: 'lasseter', limit: 10 });
    expect(people).toEqual([{ kind: 'entity', entity: 'm.lasseter', item: null, label: 'John Lasseter' }]);
    expect(await value<KgHit[]>('kgSearch', { query: 'zzz', limit: 10 })).toEqual([]);
  });
});

describe('kgSubgraph', () => {
  it('one hop from an item: its director and genres, with the relations around it', async () => {
    const g = await value<KgSubgraph>('kgSubgraph', { item: 'i0', hops: 1, cap: 200 });
    expect(g.center).toEqual(['m.toy']);
    const labels = g.nodes.map((n) => n.label).sort();
    expect(labels).toContain('John Lasseter');
    expect(labels).toContain('Toy Story (1995)');
    expect(labels).not.toContain('Heat (1995)');
    expect(g.nodes).toHaveLength(4); // the film, its director, Animation, Comedy
    expect(g.totalNeighbours).toBe(3);
    expect(g.truncated).toBe(false);
    expect(g.edges.filter((e) => e.relation === DIRECTED_BY)).toEqual([
      { source: 'm.toy', target: 'm.lasseter', relation: DIRECTED_BY, label: expect.stringMatching(/direct/i), derived: false },
    ]);
    const counts = Object.fromEntries(g.relations.map((r) => [r.relation, r.count]));
    expect(counts[DIRECTED_BY]).toBe(1);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('two hops along the director reach the other film of the same director, not Heat', async () => {
    const g = await value<KgSubgraph>('kgSubgraph', { item: 'i0', hops: 2, cap: 200, relations: [DIRECTED_BY] });
    expect(g.nodes.map((n) => [n.id, n.distance, n.item])).toEqual([
      ['m.toy', 0, 'i0'],
      ['m.lasseter', 1, null],
      ['m.bug', 2, 'i1'],
    ]);
    expect(g.edges.every((e) => e.relation === DIRECTED_BY)).toBe(true);
    // the filter choices still list every relation around the centre
    expect(g.relations.length).toBeGreaterThan(1);
  });

  it('caps the nodes, says so, and counts what was left out', async () => {
    const g = await value<KgSubgraph>('kgSubgraph', { entity: 'm.lasseter', hops: 1, cap: 2 });
    expect(g.nodes).toHaveLength(2);
    expect(g.nodes[0].id).toBe('m.lasseter');
    expect(g.totalNeighbours).toBe(2);
    expect(g.truncated).toBe(true);
    const more = await value<KgSubgraph>('kgSubgraph', { entity: 'm.lasseter', hops: 1, cap: 3 });
    expect(more.truncated).toBe(false);
    expect(more.nodes.map((n) => n.label).sort()).toEqual(["A Bug's Life (1998)", 'John Lasseter', 'Toy Story (1995)']);
  });

  it('answers unknown items, entities and relations with errors a person can act on', async () => {
    const a = await call('kgSubgraph', { item: 'nope', hops: 1, cap: 10 });
    expect(!a.ok && a.error.code).toBe('not-found');
    expect(!a.ok && a.error.message).toContain('nope');
    const b = await call('kgSubgraph', { entity: 'm.nope', hops: 1, cap: 10 });
    expect(!b.ok && b.error.code).toBe('not-found');
    const c = await call('kgSubgraph', { item: 'i0', hops: 1, cap: 10, relations: ['made.up'] });
    expect(!c.ok && c.error.code).toBe('config');
    expect(!c.ok && c.error.message).toContain('made.up');
  });
});

describe('kgItem', () => {
  it('returns the card: readable title, attributes, interaction count and facts with named ends', async () => {
    const card = await value<ItemCard>('kgItem', { item: 'i0' });
    expect(card.id).toBe('i0');
    expect(card.title).toBe('Toy Story (1995)');
    expect(card.attributes.genres).toEqual(['Animation', 'Comedy']);
    expect(card.interactions).toBe(2);
    const director = card.facts.filter((f) => f.relation === DIRECTED_BY);
    expect(director).toEqual([
      { relation: DIRECTED_BY, label: expect.stringMatching(/direct/i), direction: 'out', entity: 'm.lasseter', entityLabel: 'John Lasseter', entityItem: null, derived: false },
    ]);
    expect(card.facts.filter((f) => f.derived)).toHaveLength(2);
    expect((await value<ItemCard>('kgItem', { item: 'i1' })).interactions).toBe(0);
  });
});

describe('recommend', () => {
  it('without a fitted model, says to run knowrec fit for the dataset', async () => {
    const r = await call('recommend', { user: 'u0', k: 5 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('not-found');
      expect(r.error.message).toContain(join(dir, 'model'));
      expect(r.error.hint).toContain('knowrec fit --dataset tiny');
    }
  });

  it('reads top-k with scores and explanations from the snapshot, and notices a refit', async () => {
    saveSnapshot(join(dir, 'model'), snapshot(hash, 'first fit'));
    const r = await value<Recommendations>('recommend', { user: 'u0', k: 1 });
    expect(r.user).toBe('u0');
    expect(r.items.map((i) => [i.item, i.score])).toEqual([['i1', 0.9]]);
    expect(r.items[0].explanation).toEqual(explanation('first fit'));
    // a snapshot without users_explained (written before issue 11) explains every user
    const explained = { mode: 'all', count: 3, of: 3, seed: null, reason: 'default', refit: `knowrec fit --workspace ${wsPath} --out ${join(dir, 'model')} -k 2 --lang en --seed 1` };
    expect(r.model).toEqual({ dir: join(dir, 'model'), dataset: 'tiny', created: '2026-01-02T03:04:05.000Z', k: 2, explained, dataMatches: true });
    expect((await value<Recommendations>('recommend', { user: 'u0', k: 10 })).items).toHaveLength(2);

    await new Promise((r) => setTimeout(r, 20));
    saveSnapshot(join(dir, 'model'), snapshot('other-data', 'second fit'));
    const again = await value<Recommendations>('recommend', { user: 'u0', k: 1 });
    expect(again.items[0].explanation.reason).toBe('second fit');
    expect(again.model.dataMatches).toBe(false);
  });

  it("re-generated in the other language, the reason's 'still rank' holds for the fit's list length (k 2), not a default", async () => {
    // without Toy Story the item ranks 3rd: out of the fit's top 2, so the reason says nothing of it
    saveSnapshot(join(dir, 'model'), snapshot(hash, 'first fit', 3));
    const out = await value<Recommendations>('recommend', { user: 'u0', k: 1, lang: 'zh' });
    expect(out.items[0].explanation.reason).toContain('Toy Story (1995)');
    expect(out.items[0].explanation.reason).not.toContain('即使没有');
    // 2nd without it: still in the list, and the reason says so
    saveSnapshot(join(dir, 'model'), snapshot(hash, 'first fit', 2));
    const kept = await value<Recommendations>('recommend', { user: 'u0', k: 1, lang: 'zh' });
    expect(kept.items[0].explanation.reason).toMatch(/即使没有《.+》，它仍会排在第2位。$/);
  });

  it('tells unknown users from users the model does not cover', async () => {
    saveSnapshot(join(dir, 'model'), snapshot(hash, 'x'));
    const unknown = await call('recommend', { user: 'nobody', k: 3 });
    expect(!unknown.ok && unknown.error.code).toBe('not-found');
    expect(!unknown.ok && unknown.error.message).toContain('no user with id "nobody"');
    const uncovered = await call('recommend', { user: 'u2', k: 3 });
    expect(!uncovered.ok && uncovered.error.code).toBe('not-found');
    expect(!uncovered.ok && uncovered.error.message).toContain('no recommendations for user "u2"');
    const proto = await call('recommend', { user: '__proto__', k: 3 });
    expect(proto.ok).toBe(false);
  });

  it('defaults to the dataset model folder in the user cache', async () => {
    vi.stubEnv('XDG_CACHE_HOME', join(dir, 'cache'));
    const byDefault = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 't' });
    try {
      expect(defaultModelPath('tiny')).toBe(join(dir, 'cache', 'knowrec', 'models', 'tiny'));
      const missing = await byDefault.recommend({ user: 'u0', k: 1 });
      expect(!missing.ok && missing.error.hint).toContain('run `knowrec fit --dataset tiny` first, then ask again');
      saveSnapshot(defaultModelPath('tiny'), snapshot(hash, 'cached'));
      const r = await byDefault.recommend({ user: 'u0', k: 1 });
      expect(r.ok && r.value.items[0].explanation.reason).toBe('cached');
    } finally {
      byDefault.close();
    }
  });
});
