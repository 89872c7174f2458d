/**
 * Explanations of hybrid recommendations.
 *
 * The worked example: items 1 {高价, 科技}, 3 {低价, 时尚, 原创}, 4 {高价, 时尚, 原创},
 * 5 {低价, 食品}, 6 {中价, 运动}. A user bought 1 (rating 5) and 3 (rating 4). Other users'
 * histories are every pair of items whose remaining item sharing most attributes is unique
 * (that item is their validation item), so the fusion learns to trust attribute overlap; item 6
 * is the most bought, so popularity alone would recommend 6. Item 4 shares 时尚 and 原创 with 3
 * and 高价 with 1: it must come first, and its explanation must say so.
 */
import { describe, expect, it } from 'vitest';
import { KgIndex } from '../../main/core/kg';
import { rowIndices, rowValues } from '../../main/core/matrix';
import { buildFitContext } from '../../main/core/models/context';
import { createScorer } from '../../main/core/models/registry';
import { coInteractionCounter, explainRecommendation, HybridScorer, signalShares } from '../../main/core/rank';
import type { ContributionSource } from '../../main/core/rank';
import { containsRawMid } from '../../main/core/text';
import { topK } from '../../main/core/topk';
import type { Csr, Dataset, FitContext, Interactions, Scorer } from '../../main/core/types';

const ITEMS: readonly { id: string; title: string; facts: readonly [string, string][] }[] = [
  { id: '1', title: '智能手表', facts: [['价格', '高价'], ['品类', '科技']] },
  { id: '3', title: '帆布托特包', facts: [['价格', '低价'], ['风格', '时尚'], ['标签', '原创']] },
  { id: '4', title: '设计师手袋', facts: [['价格', '高价'], ['风格', '时尚'], ['标签', '原创']] },
  { id: '5', title: '零食礼盒', facts: [['价格', '低价'], ['品类', '食品']] },
  { id: '6', title: '保温水壶', facts: [['价格', '中价'], ['品类', '运动']] },
];
const LABELS = ['高价', '科技', '低价', '时尚', '原创', '食品', '中价', '运动'];
const RELATIONS = ['价格', '品类', '风格', '标签'];
const idx = (id: string): number => ITEMS.findIndex((it) => it.id === id);

function inter(rows: readonly (readonly [number, number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: Float32Array.from(rows.map((r) => r[2])),
    timestamp: Float64Array.from(rows.map((_, i) => 1_000_000 + i)),
  };
}

function shopDataset(nUsers: number, interactions: Interactions): Dataset {
  const entityIds = [...ITEMS.map((it) => `item:${it.id}`), ...LABELS.map((l) => `tag:${l}`)];
  const entityNames = [...ITEMS.map(() => null), ...LABELS];
  const head: number[] = [];
  const rel: number[] = [];
  const tail: number[] = [];
  ITEMS.forEach((it, i) => {
    for (const [r, l] of it.facts) {
      head.push(i);
      rel.push(RELATIONS.indexOf(r));
      tail.push(ITEMS.length + LABELS.indexOf(l));
    }
  });
  const userIds = Array.from({ length: nUsers }, (_, u) => `u${u}`);
  return {
    name: 'shop',
    userIds,
    itemIds: ITEMS.map((it) => it.id),
    users: userIds.map((id) => ({ id, attributes: {} })),
    items: ITEMS.map((it) => ({ id: it.id, title: it.title, text: {}, attributes: {} })),
    interactions,
    kg: {
      entityIds,
      entityNames,
      relationNames: RELATIONS,
      head: Int32Array.from(head),
      relation: Int32Array.from(rel),
      tail: Int32Array.from(tail),
      derived: new Uint8Array(head.length),
    },
    itemEntities: ITEMS.map((_, i) => Int32Array.of(i)),
  };
}

/**
 * A KG-profile-like source built from KgIndex: Σ over the item's attributes of the rating-weighted
 * number of the user's training items having them; explain() gives one term per attribute.
 */
class AttributeProfileScorer implements Scorer {
  readonly name = 'kg-profile';
  private train: Csr | null = null;
  constructor(private readonly kg: KgIndex) {}
  async fit(ctx: FitContext): Promise<void> {
    this.train = ctx.trainCsr;
  }
  private profile(user: number): Map<number, { mass: number; via: number[] }> {
    if (this.train === null) throw new Error('not fitted');
    const p = new Map<number, { mass: number; via: number[] }>();
    const items = rowIndices(this.train, user);
    const ratings = rowValues(this.train, user);
    items.forEach((h, j) => {
      for (const f of this.kg.itemFacts(h)) {
        const e = p.get(f.entity) ?? { mass: 0, via: [] };
        e.mass += ratings[j] / 5;
        e.via.push(h);
        p.set(f.entity, e);
      }
    });
    return p;
  }
  score(user: number): Float32Array {
    const p = this.profile(user);
    return Float32Array.from(ITEMS, (_, i) => this.kg.itemFacts(i).reduce((s, f) => s + (p.get(f.entity)?.mass ?? 0), 0));
  }
  /** Each history item's part: its rating weight for every attribute it shares with the item. */
  attribute(user: number, item: number): { item: number; weight: number }[] {
    if (this.train === null) throw new Error('not fitted');
    const mine = new Set(this.kg.itemFacts(item).map((f) => f.entity));
    const ratings = rowValues(this.train, user);
    return Array.from(rowIndices(this.train, user), (h, j) => ({
      item: h,
      weight: this.kg.itemFacts(h).filter((f) => mine.has(f.entity)).length * (ratings[j] / 5),
    })).filter((c) => c.weight > 0).sort((a, b) => b.weight - a.weight);
  }
  scoreWithout(): null {
    return null;
  }
  explain(user: number, item: number): { entity: number; lift: number; viaItems: { item: number }[] }[] {
    const p = this.profile(user);
    return this.kg.itemFacts(item).map((f) => ({
      entity: f.entity,
      lift: p.get(f.entity)?.mass ?? 0,
      viaItems: (p.get(f.entity)?.via ?? []).map((h) => ({ item: h })),
    }));
  }
  params(): Readonly<Record<string, number | string | boolean>> {
    return {};
  }
}

async function workedExample(): Promise<{
  hybrid: HybridScorer;
  ctx: FitContext;
  dataset: Dataset;
  kg: KgIndex;
  profile: AttributeProfileScorer;
  pop: Scorer;
}> {
  const train: [number, number, number][] = [[0, idx('1'), 5], [0, idx('3'), 4]];
  const valid: [number, number, number][] = [];
  // [history, the remaining item sharing most attributes with it, copies]
  const patterns: [string, string, string, number][] = [
    ['1', '4', '3', 4],
    ['1', '6', '4', 4],
    ['3', '5', '4', 4],
    ['3', '6', '4', 4],
    ['4', '5', '3', 4],
    ['4', '6', '3', 4],
    ['5', '6', '3', 8],
  ];
  let u = 1;
  for (const [a, b, answer, copies] of patterns) {
    for (let c = 0; c < copies; c++, u++) {
      train.push([u, idx(a), 5], [u, idx(b), 4]);
      valid.push([u, idx(answer), 5]);
    }
  }
  const dataset = shopDataset(u, inter([...train, ...valid]));
  const kg = new KgIndex(dataset);
  const ctx = buildFitContext({ nUsers: u, nItems: ITEMS.length, train: inter(train), valid: inter(valid), seed: 2020, dataset });
  const profile = new AttributeProfileScorer(kg);
  const pop = createScorer('pop');
  await profile.fit(ctx);
  await pop.fit(ctx);
  const hybrid = new HybridScorer({ sources: [{ name: 'kg-profile', scorer: profile }, { name: 'pop', scorer: pop }], kg, seed: 2020 });
  await hybrid.fit(ctx);
  return { hybrid, ctx, dataset, kg, profile, pop };
}

function history(ctx: FitContext): (user: number) => { items: Int32Array; ratings: Float32Array } {
  return (user) => ({ items: rowIndices(ctx.trainCsr, user), ratings: rowValues(ctx.trainCsr, user) });
}

function expectShares(shares: Readonly<Record<string, number>>, mustHaveAny: boolean): void {
  const values = Object.values(shares);
  if (mustHaveAny) expect(values.length).toBeGreaterThan(0);
  for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
  if (values.length > 0) expect(Math.abs(values.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-6);
}

describe('the worked example (items 1, 3, 4, 5, 6)', () => {
  it('popularity alone would recommend 6; the hybrid ranks 4 first with seen items excluded', async () => {
    const { hybrid, ctx, pop } = await workedExample();
    const seen = new Uint8Array(ITEMS.length);
    for (const i of rowIndices(ctx.trainCsr, 0)) seen[i] = 1;
    expect(ITEMS[topK(pop.score(0), 1, seen)[0]].id).toBe('6');
    expect(ITEMS[topK(hybrid.score(0), 1, seen)[0]].id).toBe('4');
  });

  it('explains 4 in Chinese: 时尚 and 原创 through item 3, 高价 through item 1', async () => {
    const { hybrid, ctx, dataset, kg, profile } = await workedExample();
    const ex = explainRecommendation({ hybrid, user: 0, item: idx('4'), dataset, kg, trainHistory: history(ctx), lang: 'zh', kgProfile: profile });
    expect(ex.history.map((h) => h.item)).toEqual(['3', '1']);
    expect(ex.history[0].title).toBe('帆布托特包');
    expect(ex.history[0].relation).toMatch(/时尚/);
    expect(ex.history[0].relation).toMatch(/原创/);
    expect(ex.history[0].relation).not.toMatch(/高价/);
    // a tie through a relation the reason has no word of its own for names the relation and the entity
    expect(ex.history[1].relation).toBe('共同的价格（高价）');
    expect(ex.reason).toMatch(/^因为您选择了“帆布托特包”：(共同的风格（时尚）、共同的标签（原创）|共同的标签（原创）、共同的风格（时尚）)；“智能手表”：共同的价格（高价）/);
    expect(ex.reason.endsWith('。')).toBe(true);
    expect(ex.facts.some((f) => f.includes('帆布托特包') && f.includes('时尚') && f.includes('设计师手袋'))).toBe(true);
    expect(ex.facts.some((f) => f.includes('智能手表') && f.includes('高价') && f.includes('设计师手袋'))).toBe(true);
    expectShares(ex.signals, true);
    expectShares(ex.against, false);
    expect(ex.signals['kg-profile'] + (ex.signals['kg-overlap'] ?? 0)).toBeGreaterThan(ex.signals.pop ?? 0);
  });

  it('explains the same recommendation in English', async () => {
    const { hybrid, ctx, dataset, kg } = await workedExample();
    const ex = explainRecommendation({ hybrid, user: 0, item: idx('4'), dataset, kg, trainHistory: history(ctx), lang: 'en' });
    expect(ex.reason).toMatch(/^Recommended because you chose 帆布托特包: (shared 风格 \(时尚\), shared 标签 \(原创\)|shared 标签 \(原创\), shared 风格 \(时尚\)); 智能手表: shared 价格 \(高价\)/);
    expect(ex.reason.endsWith('.')).toBe(true);
  });

  it('gives shares of the positive and negative contributions for every candidate', async () => {
    const { hybrid, ctx, dataset, kg } = await workedExample();
    let sawAgainst = false;
    for (let u = 0; u < ctx.nUsers; u += 5) {
      for (const item of hybrid.candidates(u)) {
        const ex = explainRecommendation({ hybrid, user: u, item, dataset, kg, trainHistory: history(ctx), lang: 'en' });
        const c = hybrid.contributions(u, item);
        const anyPositive = Object.values(c.signals).some((v) => v > 0);
        expectShares(ex.signals, anyPositive);
        expectShares(ex.against, false);
        if (Object.keys(ex.against).length > 0) sawAgainst = true;
        expect(ex.history.length + ex.facts.length).toBeGreaterThan(0);
        expect(ex.reason.length).toBeGreaterThan(0);
      }
    }
    expect(sawAgainst).toBe(true);
  });
});

describe('signalShares', () => {
  it('splits positive and negative contributions into shares', () => {
    const s = signalShares({ ease: 3, pop: -1, 'kg-overlap': 1, bpr: 0, semantic: -3 });
    expect(s.signals).toEqual({ ease: 0.75, 'kg-overlap': 0.25 });
    expect(s.against).toEqual({ pop: 0.25, semantic: 0.75 });
  });

  it('still gives shares summing to 1 when no signal is positive', () => {
    // all below the average candidate: credit what held the item back least
    const s = signalShares({ ease: -1, pop: -3, semantic: -2 });
    expect(s.against).toEqual({ ease: 1 / 6, pop: 0.5, semantic: 1 / 3 });
    expect(s.signals).toEqual({ ease: 2 / 3, semantic: 1 / 3 });
    expect(signalShares({ ease: -1 }).signals).toEqual({ ease: 1 });
    expect(signalShares({ ease: 0, pop: 0 }).signals).toEqual({ ease: 0.5, pop: 0.5 });
  });
});

/** Contributions fixed by hand: explain's own logic, independent of any fitted fusion. */
function fixed(signals: Record<string, number>): ContributionSource {
  return { contributions: () => ({ signals }) };
}

function filmDataset(): Dataset {
  // 0 Toy Story and 1 A Bug's Life share a director known only by a Freebase MID; 2 has its own.
  const titles = ['Toy Story', "Bug's Life, A", 'Heat'];
  const years = [1995, 1998, 1995];
  const entityIds = ['m.0toy', 'm.0bug', 'm.0heat', 'm.0dir1', 'm.0dir2'];
  return {
    name: 'films',
    userIds: ['u0', 'u1'],
    itemIds: ['1', '2', '3'],
    users: [{ id: 'u0', attributes: {} }, { id: 'u1', attributes: {} }],
    items: titles.map((title, i) => ({ id: String(i + 1), title, text: {}, attributes: { release_year: years[i], class: ['Comedy'] } })),
    interactions: inter([[0, 0, 5], [1, 2, 4]]),
    kg: {
      entityIds,
      entityNames: entityIds.map(() => null),
      relationNames: ['film.film.directed_by'],
      head: Int32Array.of(0, 1, 2),
      relation: Int32Array.of(0, 0, 0),
      tail: Int32Array.of(3, 3, 4),
      derived: new Uint8Array(3),
    },
    itemEntities: [Int32Array.of(0), Int32Array.of(1), Int32Array.of(2)],
  };
}

describe('explanations on films with unnamed (MID) directors', () => {
  const dataset = filmDataset();
  const kg = new KgIndex(dataset);
  const trainHistory = (u: number): { items: number[]; ratings: number[] } => (u === 0 ? { items: [0], ratings: [5] } : { items: [2], ratings: [4] });

  it('names the shared director by relation, never by MID, and ends with the strongest other signal', () => {
    const ex = explainRecommendation({
      hybrid: fixed({ 'kg-overlap': 2, ease: 1.5, pop: -0.5 }),
      user: 0,
      item: 1,
      dataset,
      kg,
      trainHistory,
      lang: 'en',
    });
    // fixed contributions cannot be attributed: the item the candidate relates to most, with no share
    expect(ex.history[0]).toEqual({ item: '1', title: 'Toy Story (1995)', relation: 'same director, same genre (Comedy), same decade (1990s)', share: null });
    expect(ex.lead).toBe('kg-overlap');
    expect(ex.counterfactual).toBeNull();
    expect(ex.reason).toBe('Recommended because you chose Toy Story (1995): same director, same genre (Comedy), same decade (1990s); also chosen alongside items in your history.');
    // the director has no name of its own (a MID): the reason may say "same director", but no fact
    // cites the path through it (it could only say "director of Toy Story"); the named genre path is cited
    expect(ex.facts.length).toBeGreaterThan(0);
    expect(ex.facts.some((f) => f.includes('directed by'))).toBe(false);
    expect(ex.facts[0]).toMatch(/^Toy Story \(1995\) —has genre→ Comedy ←has genre— A Bug's Life \(1998\)$/);
    for (const text of [ex.reason, ...ex.facts, ...ex.history.map((h) => h.relation)]) expect(containsRawMid(text)).toBe(false);
    expect(ex.signals).toEqual({ 'kg-overlap': 2 / 3.5, ease: 1.5 / 3.5 });
    expect(ex.against).toEqual({ pop: 1 });

    const zh = explainRecommendation({ hybrid: fixed({ 'kg-overlap': 2, ease: 1 }), user: 0, item: 1, dataset, kg, trainHistory, lang: 'zh' });
    expect(zh.reason).toBe('因为您选择了《Toy Story (1995)》：同一导演、同一类型（Comedy）、同一年代（1990s）；也曾与您历史中的条目被同一用户选择。');
    expect(zh.facts.length).toBeGreaterThan(0);
    expect(zh.facts.some((f) => f.includes('导演'))).toBe(false);
  });

  it('falls back to co-interaction, then a fact about the signal; a 3-item catalog is too small to call descriptions similar', () => {
    const vec = [Float32Array.of(1, 0), Float32Array.of(0.6, 0.8), Float32Array.of(0, 1)];
    // user 1's history is Heat (2), the nearest vector to item 1 (cosine 0.8); no KG here. With 3 items no
    // cosine can be told from a typical one (explain-similar.ts): nothing ties Heat in, so nothing is cited
    const bySim = explainRecommendation({ hybrid: fixed({ ease: 1 }), user: 1, item: 1, dataset, trainHistory, lang: 'en', itemVectors: (i) => vec[i] });
    expect(bySim.history).toEqual([]);
    expect(bySim.reason).toBe('Recommended for you: chosen alongside items in your history.');

    const train = buildFitContext({ nUsers: 2, nItems: 3, train: inter([[0, 0, 5], [0, 2, 5], [1, 2, 4]]) }).trainCsr;
    const byCo = explainRecommendation({ hybrid: fixed({ pop: 1 }), user: 1, item: 0, dataset, trainHistory, lang: 'en', coLiked: coInteractionCounter(train) });
    // user 0 chose both Toy Story (0) and Heat (2): one user, said as one
    expect(byCo.history).toEqual([{ item: '3', title: 'Heat', relation: '1 user chose both', share: null }]);
    expect(byCo.reason).toBe('Recommended for you: popular overall; Heat: 1 user chose both.');

    const bare = explainRecommendation({ hybrid: fixed({ bpr: 2, pop: 1 }), user: 1, item: 0, dataset, trainHistory, lang: 'zh' });
    expect(bare.history).toEqual([]);
    expect(bare.facts).toEqual(['《Toy Story》：符合与您口味相近的用户的模式']);
    // bpr (a latent-factor model) leads (2/3); popularity (1/3) follows
    expect(bare.reason).toBe('为您推荐：符合与您口味相近的用户的模式；也很受欢迎。');
  });

  it('leads with a collaborative signal as "people who chose …", with KG ties of the cited items as support', () => {
    const stored = { history: [{ item: 0, share: 0.5 }, { item: 2, share: 0.25 }], notAttributable: ['pop'], counterfactual: { removed: [0], rankBefore: 2, rankAfter: 40 } };
    const en = explainRecommendation({ hybrid: fixed({ ease: 3, 'kg-overlap': 0.5, pop: 0.9, 'history-length': 0.1 }), user: 0, item: 1, dataset, kg, trainHistory, lang: 'en', stored });
    expect(en.lead).toBe('ease');
    expect(en.history.map((h) => [h.item, h.share])).toEqual([['1', 0.5], ['3', 0.25]]);
    // history-length has 2%: never said; popularity has 20%: said last, not as "popular overall" (A Bug's Life has no interaction)
    expect(en.reason).toBe('People who chose Toy Story (1995) and Heat (1995) also chose this; Toy Story (1995): same director, same genre (Comedy), same decade (1990s); also scored up by its interaction count.');
    expect(en.counterfactual).toEqual({ removed: [{ item: '1', title: 'Toy Story (1995)' }], rankBefore: 2, rankAfter: 40 });
    expect(en.notAttributable).toEqual(['pop']);
    const zh = explainRecommendation({ hybrid: fixed({ ease: 3, pop: 0.9 }), user: 0, item: 1, dataset, kg, trainHistory, lang: 'zh', stored });
    expect(zh.reason).toMatch(/^选择了《Toy Story \(1995\)》和《Heat \(1995\)》的用户也选择了这一项；《Toy Story \(1995\)》：同一导演/);
  });

  it('never leads with a signal under 10%', () => {
    const ex = explainRecommendation({ hybrid: fixed({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1, i: 1, j: 1, k: 1 }), user: 1, item: 0, dataset, trainHistory, lang: 'en' });
    expect(ex.lead).toBeNull();
    expect(ex.reason).toBe('Recommended for you by several signals together, none of them dominant.');
  });

  it('rejects unknown items and languages', () => {
    expect(() => explainRecommendation({ hybrid: fixed({}), user: 0, item: 9, dataset, kg, trainHistory, lang: 'en' })).toThrow(/outside/);
    expect(() =>
      explainRecommendation({ hybrid: fixed({}), user: 0, item: 1, dataset, kg, trainHistory, lang: 'fr' as unknown as 'en' }),
    ).toThrow(/'en' or 'zh'/);
  });
});
