/**
 * Every claim of a reason is true of the data (tiny catalogs, answers by construction):
 * - "similar description" only when the two items are among each other's nearest 2% of the
 *   catalog (explain-similar.ts), never for a merely positive cosine, on any cosine scale;
 * - the collaborative phrase says what co-interaction measures, the latent one what a latent
 *   model measures, and "popular" is said only for the popularity signal;
 * - a triple joining the two items is said first, in its direction.
 */
import { describe, expect, it } from 'vitest';
import { KgIndex } from '../../main/core/kg';
import { explainRecommendation, type ContributionSource } from '../../main/core/rank';
import { isPopular } from '../../main/core/rank/explain';
import { SIMILAR_MIN_REFERENCE, similarityTest } from '../../main/core/rank/explain-similar';
import type { Dataset } from '../../main/core/types';

const fixed = (signals: Record<string, number>): ContributionSource => ({ contributions: () => ({ signals }) });

interface TinyKg {
  readonly entities: readonly string[];
  readonly relations: readonly string[];
  readonly triples: readonly (readonly [string, string, string])[];
}

/** Items with the given titles, each its own KG entity, plus the KG's other entities and triples. */
function catalog(titles: readonly string[], kg: TinyKg = { entities: [], relations: [], triples: [] }): Dataset {
  const ent = (n: string): number => (titles.includes(n) ? titles.indexOf(n) : titles.length + kg.entities.indexOf(n));
  return {
    name: 'claims',
    userIds: ['u0'],
    itemIds: titles.map((_, i) => String(i + 1)),
    users: [{ id: 'u0', attributes: {} }],
    items: titles.map((title, i) => ({ id: String(i + 1), title, text: {}, attributes: {} })),
    interactions: { user: Int32Array.of(0), item: Int32Array.of(0), rating: Float32Array.of(1), timestamp: Float64Array.of(0) },
    kg: {
      entityIds: [...titles, ...kg.entities].map((n) => `http://dbpedia.org/resource/${n.replace(/ /g, '_')}`),
      entityNames: [...titles, ...kg.entities],
      relationNames: [...kg.relations],
      head: Int32Array.from(kg.triples.map((t) => ent(t[0]))),
      relation: Int32Array.from(kg.triples.map((t) => kg.relations.indexOf(t[1]))),
      tail: Int32Array.from(kg.triples.map((t) => ent(t[2]))),
      derived: new Uint8Array(kg.triples.length),
    },
    itemEntities: titles.map((_, i) => Int32Array.of(i)),
  };
}

describe('"similar description" is claimed only relative to the catalog', () => {
  // 61 items on a quarter circle, 0.02 rad apart (every cosine is positive, > 0.38), and item 60
  // 0.005 rad from item 10: item 10's and item 60's nearest neighbour is each other; item 11 is
  // 0.02 from item 10, as item 9 is, and item 60 is nearer still
  const N = 61;
  const angle = (i: number): number => (i === 60 ? 10 * 0.02 + 0.005 : i * 0.02);
  const unit = (i: number, common = 0): Float32Array => {
    // `common` adds the same component to every item: cosines crowd towards 1, their order stays
    const v = [Math.cos(angle(i)), Math.sin(angle(i)), common];
    const n = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / n);
  };
  const vecs = Array.from({ length: N }, (_, i) => unit(i));
  const titles = Array.from({ length: N }, (_, i) => `Item ${i}`);
  const dataset = catalog(titles);
  const explain = (liked: number, vectors = vecs): ReturnType<typeof explainRecommendation> =>
    explainRecommendation({ hybrid: fixed({ semantic: 1 }), user: 0, item: 10, dataset, trainHistory: () => ({ items: [liked] }), lang: 'en', itemVectors: (i) => vectors[i] });

  it('claims it for mutual nearest items (2% of 60 reference items: one may be as close)', () => {
    const ex = explain(60);
    expect(ex.history).toEqual([{ item: '61', title: 'Item 60', relation: 'similar description', share: null }]);
    expect(ex.reason).toBe('Recommended because you chose Item 60: similar description.');
    expect(explainRecommendation({ hybrid: fixed({ semantic: 1 }), user: 0, item: 10, dataset, trainHistory: () => ({ items: [60] }), lang: 'zh', itemVectors: (i) => vecs[i] }).history[0].relation).toBe('内容描述相似');
  });

  it('never claims it for a positive cosine that two other items match or beat', () => {
    // cos(10, 11) = cos(0.02) ≈ 0.9998 > 0, yet items 9 (as close) and 60 (closer) leave 11 outside the nearest 2%
    const test = similarityTest(N, (i) => vecs[i]);
    expect(test(10, 11)).toBe(false);
    expect(test(10, 60)).toBe(true);
    expect(test(60, 10)).toBe(true);
    // both ways: item 30 is far from 10 whatever 10's neighbours are
    expect(test(10, 30)).toBe(false);
    const ex = explain(11);
    expect(ex.history).toEqual([]);
    expect(ex.reason).not.toMatch(/similar description/);
  });

  it('decides the same on a crowded cosine scale (every cosine above 0.99)', () => {
    const crowded = Array.from({ length: N }, (_, i) => unit(i, 12));
    expect(crowded[0][0] * crowded[59][0] + crowded[0][1] * crowded[59][1] + crowded[0][2] * crowded[59][2]).toBeGreaterThan(0.99);
    const test = similarityTest(N, (i) => crowded[i]);
    expect([test(10, 60), test(10, 11), test(10, 30)]).toEqual([true, false, false]);
    expect(explain(60, crowded).history[0].relation).toBe('similar description');
    expect(explain(11, crowded).history).toEqual([]);
  });

  it('claims nothing in a catalog too small to tell near from typical', () => {
    const few = Array.from({ length: SIMILAR_MIN_REFERENCE }, (_, i) => unit(i));
    // 50 items: 49 reference items for each, under the minimum of 50
    expect(similarityTest(few.length, (i) => few[i])(10, 11)).toBe(false);
  });
});

describe('signal phrases state what the signal measures', () => {
  const dataset = catalog(['Toy Story', 'Heat', 'Fargo']);
  const reason = (signals: Record<string, number>, lang: 'en' | 'zh' = 'en'): string =>
    explainRecommendation({ hybrid: fixed(signals), user: 0, item: 0, dataset, trainHistory: () => ({ items: [] }), lang }).reason;

  it('co-interaction: chosen alongside items of the history (by the same users); never "popular"', () => {
    for (const s of ['itemknn', 'ease']) {
      expect(reason({ [s]: 1 })).toBe('Recommended for you: chosen alongside items in your history.');
      expect(reason({ [s]: 1 }, 'zh')).toBe('为您推荐：曾与您历史中的条目被同一用户选择。');
    }
    // a new user's co-occurrence signal is collaborative too
    const co = explainRecommendation({ hybrid: fixed({ 'co-occurrence': 1 }), user: 0, item: 0, dataset, trainHistory: () => ({ items: [] }), lang: 'en', signalKinds: { 'co-occurrence': 'cf' } });
    expect(co.reason).toBe('Recommended for you: chosen alongside items in your history.');
  });

  it('a history item chosen by the same users says how many', () => {
    const tie = (count: number, lang: 'en' | 'zh'): string =>
      explainRecommendation({ hybrid: fixed({ ease: 1 }), user: 0, item: 0, dataset, trainHistory: () => ({ items: [1, 2] }), lang, coLiked: (_a, b) => (b === 1 ? count : 0) }).history[0].relation;
    expect(tie(12, 'en')).toBe('12 users chose both');
    expect(tie(1, 'en')).toBe('1 user chose both');
    expect(tie(12, 'zh')).toBe('有12位用户同时选择了两者');
  });

  it('a latent-factor model: fits the pattern of users with similar tastes', () => {
    expect(reason({ bpr: 1 })).toBe('Recommended for you: fits the pattern of users with tastes like yours.');
    expect(reason({ bpr: 1 }, 'zh')).toBe('为您推荐：符合与您口味相近的用户的模式。');
    // with the history items its fold-in credits: named as the user's choices, never as "people who chose"
    const stored = { history: [{ item: 0, share: 0.6 }], notAttributable: [], counterfactual: null };
    const named = (lang: 'en' | 'zh'): string => explainRecommendation({ hybrid: fixed({ bpr: 1 }), user: 0, item: 1, dataset, trainHistory: () => ({ items: [0] }), lang, stored }).reason;
    expect(named('en')).toBe('Your choices of Toy Story fit the pattern of users who chose this.');
    expect(named('zh')).toBe('您对“Toy Story”的选择符合选择了它的用户的模式。');
  });

  it('says "popular" only for the popularity signal with at least 10% of the score, of an item among the most chosen 10%', () => {
    // the catalog's one interaction is with item 0 (Toy Story)
    expect(reason({ pop: 1 })).toBe('Recommended for you: popular overall.');
    expect(reason({ ease: 2, pop: 1 })).toBe('Recommended for you: chosen alongside items in your history; also popular overall.');
    // 5%: not said
    expect(reason({ ease: 19, pop: 1 })).not.toMatch(/popular/);
    expect(reason({ bpr: 19, pop: 1 }, 'zh')).not.toMatch(/欢迎/);
    // an item outside the most-chosen 10%: its count raised its score, it is not "popular"
    expect(isPopular(dataset, 1)).toBe(false);
    const rare = explainRecommendation({ hybrid: fixed({ pop: 1 }), user: 0, item: 1, dataset, trainHistory: () => ({ items: [] }), lang: 'en' });
    expect(rare.reason).toBe('Recommended for you: scored up by its interaction count.');
    // the fine-tuned semantic source is a text signal, not a collaborative one; without vectors to
    // check the history against, its share is said without claiming similar content
    expect(reason({ 'semantic-ft': 1 })).toBe('Recommended for you: scored up by the text-similarity signal.');
  });
});

describe('a triple joining the two items is said first, in its direction', () => {
  // Morcheeba —bandMember→ Skye, Skye —associatedBand→ Morcheeba (associatedBand has more
  // triples: less specific), Skye —birthPlace→ London, Morcheeba —hometown→ London
  const titles = ['Skye', 'Morcheeba', 'Tricky', 'Nite', 'Beak'];
  const dataset = catalog(titles, {
    entities: ['London', 'Crew'],
    relations: ['dbo:bandMember', 'dbo:associatedBand', 'dbo:birthPlace', 'dbo:hometown'],
    triples: [
      ['Morcheeba', 'dbo:bandMember', 'Skye'],
      ['Skye', 'dbo:associatedBand', 'Morcheeba'],
      ['Skye', 'dbo:birthPlace', 'London'],
      ['Morcheeba', 'dbo:hometown', 'London'],
      ['Tricky', 'dbo:associatedBand', 'Crew'],
      ['Nite', 'dbo:associatedBand', 'Crew'],
      ['Beak', 'dbo:associatedBand', 'Crew'],
    ],
  });
  const kg = new KgIndex(dataset);
  const explain = (candidate: string, liked: string, lang: 'en' | 'zh'): ReturnType<typeof explainRecommendation> =>
    explainRecommendation({ hybrid: fixed({ 'kg-overlap': 1 }), user: 0, item: titles.indexOf(candidate), dataset, kg, trainHistory: () => ({ items: [titles.indexOf(liked)] }), lang });

  it('names the member as the member, whichever item is the candidate', () => {
    const en = explain('Skye', 'Morcheeba', 'en');
    expect(en.history[0].relation).toBe('Skye is a band member of Morcheeba, both tied to London (birth place of Skye, hometown of Morcheeba)');
    expect(en.reason).toBe('Recommended because you chose Morcheeba: Skye is a band member of Morcheeba, both tied to London (birth place of Skye, hometown of Morcheeba).');
    // the first fact quoted is the triple the reason says
    expect(en.facts[0]).toBe('Morcheeba —has band member→ Skye');
    expect(explain('Morcheeba', 'Skye', 'en').history[0].relation).toMatch(/^Skye is a band member of Morcheeba, /);
    const zh = explain('Skye', 'Morcheeba', 'zh');
    expect(zh.history[0].relation).toMatch(/^“Skye”是“Morcheeba”的乐队成员，/);
    expect(explain('Morcheeba', 'Skye', 'zh').reason).toMatch(/^因为您选择了“Skye”：“Skye”是“Morcheeba”的乐队成员/);
  });

  it('says the other direction of another relation exactly', () => {
    // only Skye —associatedBand→ Morcheeba left: Morcheeba is the associated band
    const noMember = catalog(titles, {
      entities: [],
      relations: ['dbo:associatedBand'],
      triples: [['Skye', 'dbo:associatedBand', 'Morcheeba']],
    });
    const ex = explainRecommendation({ hybrid: fixed({ 'kg-overlap': 1 }), user: 0, item: 0, dataset: noMember, kg: new KgIndex(noMember), trainHistory: () => ({ items: [1] }), lang: 'en' });
    expect(ex.history[0].relation).toBe('Morcheeba is an associated band of Skye');
    const zh = explainRecommendation({ hybrid: fixed({ 'kg-overlap': 1 }), user: 0, item: 0, dataset: noMember, kg: new KgIndex(noMember), trainHistory: () => ({ items: [1] }), lang: 'zh' });
    expect(zh.history[0].relation).toBe('“Morcheeba”是“Skye”的相关乐队');
  });
});
