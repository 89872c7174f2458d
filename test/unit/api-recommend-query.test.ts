/**
 * recommend in the other language, recommendQuery for a new user, and explainPath, over a
 * tiny workspace whose answers are known by construction:
 *   Toy Story (i0) and A Bug's Life (i1) share director John Lasseter and the genre Animation;
 *   Heat (i2) has Michael Mann and Crime; Casino (i3) is Crime too.
 *   u0 rated Toy Story; u1 rated Toy Story and A Bug's Life; u2 rated Heat and Casino.
 * The text encoder is a small bag-of-words hasher (no ONNX): sentences sharing words are close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchApi, createApi, type JobInfo, type Result, type ApiImpl } from '../../main/api';
import { prepareTask } from '../../main/api/prepare-task';
import type { Encoder } from '../../main/core/encode/types';
import { KgIndex } from '../../main/core/kg';
import { explainRecommendation, interactionViews } from '../../main/core/rank';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { dataHash, saveSnapshot, SNAPSHOT_FORMAT, type Snapshot } from '../../main/jobs/snapshot';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';

const DIRECTED_BY = 'film.film.directed_by';

function dataset(): Dataset {
  const items = [
    { id: 'i0', title: 'Toy Story (1995)', text: {}, attributes: { genres: ['Animation'] } },
    { id: 'i1', title: "A Bug's Life (1998)", text: {}, attributes: { genres: ['Animation'] } },
    { id: 'i2', title: 'Heat (1995)', text: {}, attributes: { genres: ['Crime'] } },
    { id: 'i3', title: 'Casino (1995)', text: {}, attributes: { genres: ['Crime'] } },
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
      user: Int32Array.of(0, 1, 1, 2, 2),
      item: Int32Array.of(0, 0, 1, 2, 3),
      rating: Float32Array.of(5, 4, 5, 4, 3),
      timestamp: Float64Array.of(1, 2, 3, 4, 5),
    },
    kg: {
      entityIds: ['m.toy', 'm.bug', 'm.heat', 'm.casino', 'm.lasseter', 'm.mann'],
      entityNames: [null, null, null, null, 'John Lasseter', 'Michael Mann'],
      relationNames: [DIRECTED_BY],
      head: Int32Array.of(0, 1, 2),
      relation: Int32Array.of(0, 0, 0),
      tail: Int32Array.of(4, 4, 5),
      derived: new Uint8Array(3),
    },
    itemEntities: [Int32Array.of(0), Int32Array.of(1), Int32Array.of(2), Int32Array.of(3)],
  };
}

/**
 * u2's explanation of A Bug's Life as a fit writes it: itemknn 70% and pop 30% of the score, Heat
 * and Casino credited (shares 0.5 and 0.2, as an attribution would give them), removing Heat drops
 * the item from rank 1 to 12; the text comes from explainRecommendation, never typed by hand.
 */
function attributedExplanation(): Snapshot['recommendations'][string][number]['explanation'] {
  const ds = dataset();
  const e = explainRecommendation({
    hybrid: { contributions: () => ({ signals: { itemknn: 0.7, pop: 0.3 } }) },
    user: 2,
    item: 1,
    dataset: ds,
    kg: new KgIndex(ds),
    trainHistory: () => ({ items: [2, 3] }),
    lang: 'en',
    coLiked: interactionViews(ds).coLiked,
    stored: { history: [{ item: 2, share: 0.5 }, { item: 3, share: 0.2 }], notAttributable: ['pop'], counterfactual: { removed: [2], rankBefore: 1, rankAfter: 12 } },
  });
  const { signals, against, history, facts, reason, lead, notAttributable, counterfactual } = e;
  return { signals, against, history, facts, reason, lead, notAttributable, counterfactual };
}

/** Words hashed into 64 dimensions, L2-normalized. */
const hashEncoder = bagOfWordsEncoder(64, /[a-z]+/g);

function snapshot(hash: string): Snapshot {
  return {
    manifest: {
      format: SNAPSHOT_FORMAT,
      dataset: 'tiny',
      data_sha256: hash,
      model: 'hybrid',
      protocol: { name: 'recbole', seed: 1, note: 'fixture' },
      k: 2,
      lang: 'en',
      users: 3,
      items: 4,
      params: {},
      metrics: { valid: {}, test: {} },
      fit_seconds: 0,
      created: '2026-01-02T03:04:05.000Z',
    },
    recommendations: {
      u0: [
        {
          item: 'i1',
          title: "A Bug's Life (1998)",
          score: 0.9,
          explanation: {
            signals: { 'kg-profile': 0.6, itemknn: 0.4 },
            against: { pop: 1 },
            history: [{ item: 'i0', title: 'Toy Story (1995)', relation: 'same director (John Lasseter)' }],
            facts: [],
            reason: 'Recommended because you chose Toy Story (1995): same director (John Lasseter).',
          },
        },
      ],
      // written with history attribution and a counterfactual: rendered by the code a fit runs
      // (explainRecommendation), with the attribution's shares and the counterfactual as inputs
      u2: [{ item: 'i1', title: "A Bug's Life (1998)", score: 0.8, explanation: attributedExplanation() }],
    },
  };
}

let dir: string;
let api: ApiImpl;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-api-query-'));
  const path = join(dir, 'w.sqlite');
  const ws = Workspace.create(path);
  ws.importDataset(dataset());
  const hash = dataHash(ws.loadDataset());
  ws.close();
  saveSnapshot(join(dir, 'model'), snapshot(hash));
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: path, appVersion: 't', modelDir: join(dir, 'model'), encoder: async () => hashEncoder });
});

afterEach(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('recommend in another language', () => {
  it('re-generates the reason in Chinese and keeps the signal shares', async () => {
    const en = value(await api.recommend({ user: 'u0', k: 1 }));
    expect(en.items[0].explanation.reason).toContain('Recommended because');
    const zh = value(await api.recommend({ user: 'u0', k: 1, lang: 'zh' }));
    const e = zh.items[0].explanation;
    expect(e.signals).toEqual({ 'kg-profile': 0.6, itemknn: 0.4 });
    expect(e.against).toEqual({ pop: 1 });
    expect(e.reason).toContain('因为您选择了《Toy Story (1995)》');
    expect(e.reason).toContain('同一导演');
    expect(e.history.map((h) => h.item)).toEqual(['i0']);
    // the language asked for the snapshot's own language is the stored text
    expect(value(await api.recommend({ user: 'u0', k: 1, lang: 'en' })).items[0].explanation).toEqual(en.items[0].explanation);
  });
});

describe('recommend in another language, attributed', () => {
  it('keeps the stored shares, lead and counterfactual and names the contributors in Chinese', async () => {
    const zh = value(await api.recommend({ user: 'u2', k: 1, lang: 'zh' }));
    const e = zh.items[0].explanation;
    expect(e.history.map((h) => [h.item, h.share])).toEqual([['i2', 0.5], ['i3', 0.2]]);
    expect(e.lead).toBe('itemknn');
    expect(e.notAttributable).toEqual(['pop']);
    expect(e.counterfactual).toEqual({ removed: [{ item: 'i2', title: 'Heat (1995)' }], rankBefore: 1, rankAfter: 12 });
    // A Bug's Life has 1 of the 5 interactions (Toy Story 2): not "popular" (很受欢迎), its count scored it up
    expect(e.reason).toBe('选择了《Heat (1995)》和《Casino (1995)》的用户也选择了这一项；也因其交互次数而得分更高。');
  });

  it('serves the stored English text as the code renders it today (no stale phrase)', async () => {
    const e = value(await api.recommend({ user: 'u2', k: 1 })).items[0].explanation;
    expect(e.reason).toBe('People who chose Heat (1995) and Casino (1995) also chose this; also scored up by its interaction count.');
    // no user chose both: the items are cited for their shares alone
    expect(e.history.map((h) => [h.item, h.relation, h.share])).toEqual([['i2', '', 0.5], ['i3', '', 0.2]]);
  });

  it('gives an older snapshot\'s explanation no shares, lead or counterfactual (null, never made up)', async () => {
    const e = value(await api.recommend({ user: 'u0', k: 1 })).items[0].explanation;
    expect(e.history.map((h) => h.share)).toEqual([null]);
    expect(e.lead).toBeNull();
    expect(e.counterfactual).toBeNull();
  });
});

describe('recommendQuery', () => {
  it('a free-text query ranks the matching genre first', async () => {
    const r = value(await api.recommendQuery({ query: 'animation', k: 4 }));
    expect(r.query).toBe('animation');
    expect(r.picks).toEqual([]);
    expect(new Set(r.items.slice(0, 2).map((i) => i.item))).toEqual(new Set(['i0', 'i1']));
    expect(r.items[0].score).toBeGreaterThan(r.items[3].score);
  });

  it('picks: excludes them, prefers co-liked and similar items, explains with the picks as history', async () => {
    const r = value(await api.recommendQuery({ items: ['i0'], k: 3 }));
    expect(r.picks).toEqual([{ id: 'i0', title: 'Toy Story (1995)' }]);
    expect(r.items.map((i) => i.item)).not.toContain('i0');
    expect(r.items[0].item).toBe('i1');
    const top = r.items[0].explanation;
    const total = Object.values(top.signals).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 6);
    expect(Object.keys(top.signals).sort()).toEqual(['co-occurrence', 'semantic']);
    expect(top.history.map((h) => h.item)).toEqual(['i0']);
    expect(top.reason).toContain('Toy Story (1995)');
    // Heat is neither co-liked nor similar: it scores below A Bug's Life
    const heat = r.items.find((i) => i.item === 'i2');
    expect(heat === undefined || heat.score < r.items[0].score).toBe(true);
  });

  it('answers unknown items and empty requests with typed errors', async () => {
    const unknown = await api.recommendQuery({ items: ['nope'], k: 3 });
    expect(!unknown.ok && unknown.error.code).toBe('not-found');
    const empty = await dispatchApi(api, 'recommendQuery', { query: '  ', k: 3 });
    expect(empty.status).toBe('invalid-input');
  });
});

describe('explainPath', () => {
  it('returns the KG path from the history item to the recommended item', async () => {
    const g = value(await api.explainPath({ user: 'u0', item: 'i1' }));
    expect(g.center).toEqual(['m.bug']);
    // two paths: the shared director, and the shared genre (derived from the catalog column)
    expect(g.nodes.map((n) => [n.id, n.distance]).sort()).toEqual([
      ['genre:Animation', 1],
      ['m.bug', 0],
      ['m.lasseter', 1],
      ['m.toy', 2],
    ]);
    expect(g.nodes.find((n) => n.id === 'm.toy')).toMatchObject({ kind: 'item', item: 'i0', label: 'Toy Story (1995)' });
    expect(g.edges.map((e) => [e.source, e.relation, e.target]).sort()).toEqual([
      ['m.bug', DIRECTED_BY, 'm.lasseter'],
      ['m.bug', 'has_genre', 'genre:Animation'],
      ['m.toy', DIRECTED_BY, 'm.lasseter'],
      ['m.toy', 'has_genre', 'genre:Animation'],
    ]);
    expect(g.edges.find((e) => e.relation === 'has_genre')?.derived).toBe(true);
    expect(g.relations.map((r) => [r.relation, r.count]).sort()).toEqual([
      [DIRECTED_BY, 2],
      ['has_genre', 2],
    ]);
    expect(g.hops).toBe(2);
    expect(g.truncated).toBe(false);
  });

  it('without a snapshot entry, starts from the top-rated history; caps the nodes', async () => {
    // u1 is not in the snapshot: history = Toy Story and A Bug's Life (top-rated)
    const g = value(await api.explainPath({ user: 'u1', item: 'i1' }));
    expect(g.nodes.map((n) => n.id)).toContain('m.toy');
    const capped = value(await api.explainPath({ user: 'u0', item: 'i1', cap: 2 }));
    expect(capped.truncated).toBe(true);
    expect(capped.nodes.length).toBeLessThanOrEqual(2);
  });

  it('no path: just the centre; unknown user or item: not-found', async () => {
    const g = value(await api.explainPath({ user: 'u0', item: 'i3' }));
    expect(g.edges).toEqual([]);
    expect(g.nodes.map((n) => n.id)).toEqual(['m.casino']);
    const r = await api.explainPath({ user: 'nobody', item: 'i1' });
    expect(!r.ok && r.error.code).toBe('not-found');
    const bad = await dispatchApi(api, 'explainPath', { user: 'u0', item: 'i1', cap: 1 });
    expect(bad.status).toBe('invalid-input');
  });
});

describe('recommendQuery: the first query tells its preparation', () => {
  it("encodes the catalog once, told as 'prepare' job events (running with progress, then done); later queries send none", async () => {
    // the hash encoder, reporting after every item sentence as the ONNX encoder does after each batch
    const reporting: Encoder = {
      ...hashEncoder,
      encode: async (texts, options) => {
        const out = await hashEncoder.encode(texts, options);
        texts.forEach((_, i) => options?.onProgress?.(i + 1, texts.length));
        return out;
      },
    };
    const path = join(dir, 'w.sqlite');
    api.close();
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: path, appVersion: 't', modelDir: join(dir, 'model'), encoder: async () => reporting });
    const seen: JobInfo[] = [];
    api.onEvent((e) => {
      if (e.type === 'job') seen.push(e.job);
    });
    value(await api.recommendQuery({ query: 'animation', k: 2 }));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.map((j) => j.id)).size).toBe(1);
    expect(seen.every((j) => j.kind === 'prepare' && !j.resumable)).toBe(true);
    // from the first moment (before the data and the text model are loaded), then the encoding
    expect(seen[0].state).toBe('running');
    expect(seen[0].message).toBe('text search: loading the data and the text model');
    expect(seen.some((j) => j.state === 'running' && j.message.includes('encoding 4 item sentences'))).toBe(true);
    expect(seen.filter((j) => j.state === 'done')).toHaveLength(1);
    const last = seen[seen.length - 1];
    expect(last.state).toBe('done');
    expect(last.progress).toBe(1);
    // not a runner job: getJob does not know it
    expect((await api.getJob({ id: last.id })).ok).toBe(false);
    const before = seen.length;
    value(await api.recommendQuery({ query: 'crime', k: 2 }));
    expect(seen.length).toBe(before);
  });

  it('sends running progress at most every 250 ms, 0 %, 100 % and state changes always, nothing after done', () => {
    let t = 0;
    const sent: JobInfo[] = [];
    const task = prepareTask((e) => e.type === 'job' && sent.push(e.job), 'working', () => new Date(t));
    t = 100;
    task.update(0.1, 'a'); // within 250 ms of the start: held back
    t = 300;
    task.update(0.2, 'b');
    t = 350;
    task.update(1, 'c'); // the end of the work goes out at once
    t = 360;
    task.done('ready');
    task.update(0.5, 'late'); // after done: ignored
    task.done('again');
    expect(sent.map((j) => [j.state, j.progress, j.message])).toEqual([
      ['running', 0, 'working'],
      ['running', 0.2, 'b'],
      ['running', 1, 'c'],
      ['done', 1, 'ready'],
    ]);
    expect(sent[3].created).toBe(new Date(0).toISOString());
    expect(sent[3].updated).toBe(new Date(360).toISOString());
  });
});
