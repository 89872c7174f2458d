/**
 * Chinese wording fits what the catalog holds (issue 11): titles of works (films, books) are
 * quoted 《》 and a film history reads 用户看过; bands, people and products are quoted “” and the
 * history reads 用户选择过. The domain comes from the registry (ml-100k is films) or from the
 * KG's relations on the items; tiny catalogs built here, answers by construction.
 */
import { describe, expect, it } from 'vitest';
import { KgIndex } from '../../main/core/kg';
import { explainRecommendation, type ContributionSource } from '../../main/core/rank';
import { catalogDomain, getTemplates, itemSentence, parseTemplates, templatesForDomain, userSentence } from '../../main/core/text';
import en from '../../resources/templates/en.json';
import zh from '../../resources/templates/zh.json';
import { KnowrecError } from '../../main/core/errors';
import type { Dataset } from '../../main/core/types';

type Triple = readonly [string, string, string];

/** Two items (each its own KG entity), one user who chose both, and the given imported triples. */
function catalog(name: string, titles: readonly [string, string], relations: readonly string[], triples: readonly Triple[], ratings: readonly number[] = [1, 1]): Dataset {
  const others = [...new Set(triples.flatMap((t) => [t[0], t[2]]).filter((n) => !titles.includes(n)))];
  const names = [...titles, ...others];
  return {
    name,
    userIds: ['u0'],
    itemIds: ['1', '2'],
    users: [{ id: 'u0', attributes: {} }],
    items: titles.map((title, i) => ({ id: String(i + 1), title, text: {}, attributes: {} })),
    interactions: { user: Int32Array.of(0, 0), item: Int32Array.of(0, 1), rating: Float32Array.from(ratings), timestamp: Float64Array.of(1, 2) },
    kg: {
      entityIds: names.map((n) => `http://dbpedia.org/resource/${n.replace(/ /g, '_')}`),
      entityNames: names,
      relationNames: [...relations],
      head: Int32Array.from(triples.map((t) => names.indexOf(t[0]))),
      relation: Int32Array.from(triples.map((t) => relations.indexOf(t[1]))),
      tail: Int32Array.from(triples.map((t) => names.indexOf(t[2]))),
      derived: new Uint8Array(triples.length),
    },
    itemEntities: [Int32Array.of(0), Int32Array.of(1)],
  };
}

const FILMS = catalog('my-films', ['Heat', 'Ronin'], ['dbo:director', 'dbo:starring'], [
  ['Heat', 'dbo:director', 'Michael Mann'],
  ['Ronin', 'dbo:director', 'John Frankenheimer'],
  ['Heat', 'dbo:starring', 'Robert De Niro'],
  ['Ronin', 'dbo:starring', 'Robert De Niro'],
]);
const BANDS = catalog('lastfm', ['Morcheeba', 'Skye'], ['dbo:bandMember', 'dbo:hometown'], [
  ['Morcheeba', 'dbo:bandMember', 'Skye'],
  ['Morcheeba', 'dbo:hometown', 'London'],
]);

const fixed: ContributionSource = { contributions: () => ({ signals: { 'kg-overlap': 1 } }) };
const reason = (ds: Dataset, lang: 'en' | 'zh'): string =>
  explainRecommendation({ hybrid: fixed, user: 0, item: 1, dataset: ds, kg: new KgIndex(ds), trainHistory: () => ({ items: [0] }), lang }).reason;

describe('catalogDomain', () => {
  it('knows the registry film datasets by name, whatever their KG', () => {
    expect(catalogDomain(catalog('ml-100k', ['Toy Story (1995)', 'Heat (1995)'], [], []))).toBe('works');
    expect(catalogDomain(catalog('ml-latest-small', ['A', 'B'], [], []))).toBe('works');
  });

  it('reads films from the relations on the items: DBpedia, Freebase, rdf:type', () => {
    expect(catalogDomain(FILMS)).toBe('works');
    expect(catalogDomain(catalog('fb', ['A', 'B'], ['film.film.directed_by'], [['A', 'film.film.directed_by', 'X']]))).toBe('works');
    const typed = catalog('typed', ['A', 'B'], ['rdf:type'], [['A', 'rdf:type', 'dbo:Book'], ['B', 'rdf:type', 'dbo:Book']]);
    expect(catalogDomain(typed)).toBe('works');
  });

  it('calls bands, products and a catalog without a KG general', () => {
    expect(catalogDomain(BANDS)).toBe('general');
    expect(catalogDomain(catalog('shop', ['Tote bag', 'Watch'], [], []))).toBe('general');
    // one film relation among items mostly described otherwise is not enough (under half)
    const mostlyBands = catalog('mixed', ['A', 'B'], ['dbo:bandMember', 'dbo:director'], [
      ['A', 'dbo:bandMember', 'X'],
      ['B', 'dbo:bandMember', 'Y'],
      ['X', 'dbo:director', 'Z'],
    ]);
    expect(catalogDomain(mostlyBands)).toBe('general');
  });
});

describe('Chinese text by domain', () => {
  it('a film catalog keeps 《》 and 用户看过; a band catalog gets “” and 用户选择过', () => {
    expect(itemSentence(FILMS, 0, { lang: 'zh' }).text).toBe('《Heat》。');
    expect(itemSentence(BANDS, 0, { lang: 'zh' }).text).toBe('“Morcheeba”。');
    const h = { items: [0, 1], ratings: [1, 1], timestamps: [1, 2] };
    expect(userSentence(FILMS, 0, h, { lang: 'zh' }).text).toBe('用户看过《Ronin》；《Heat》。');
    expect(userSentence(BANDS, 0, h, { lang: 'zh' }).text).toBe('用户选择过“Skye”；“Morcheeba”。');
    // explicit ratings: the same choice of quotes and verb
    const rated = catalog('lastfm', ['Morcheeba', 'Skye'], [], [], [5, 4]);
    expect(userSentence(rated, 0, { items: [0, 1], ratings: [5, 4], timestamps: [1, 2] }, { lang: 'zh' }).text).toBe('用户选择过“Skye”，评分4分；“Morcheeba”，评分5分。');
  });

  it('English reads the same for both: no "watched", no quotes', () => {
    const h = { items: [0, 1], ratings: [1, 1], timestamps: [1, 2] };
    expect(userSentence(FILMS, 0, h, { lang: 'en' }).text).toBe('The user interacted with Ronin, Heat.');
    expect(userSentence(BANDS, 0, h, { lang: 'en' }).text).toBe('The user interacted with Skye, Morcheeba.');
    expect(JSON.stringify(en)).not.toMatch(/watch/i);
  });

  it('the domain option overrides what the data says', () => {
    expect(itemSentence(BANDS, 0, { lang: 'zh', domain: 'works' }).text).toBe('《Morcheeba》。');
    expect(itemSentence(FILMS, 0, { lang: 'zh', domain: 'general' }).text).toBe('“Heat”。');
  });
});

describe('reasons by domain', () => {
  it('quotes films with 《》 and bands with “”, in Chinese only', () => {
    expect(reason(FILMS, 'zh')).toMatch(/^因为您选择了《Heat》：/);
    expect(reason(BANDS, 'zh')).toBe('因为您选择了“Morcheeba”：“Skye”是“Morcheeba”的乐队成员。');
    expect(reason(BANDS, 'zh')).not.toMatch(/[《》]/);
    expect(reason(BANDS, 'en')).toBe('Recommended because you chose Morcheeba: Skye is a band member of Morcheeba.');
  });
});

describe('the neutral section of a template file', () => {
  it('zh overrides exactly the title and history phrases; en needs none', () => {
    expect(Object.keys(zh.neutral).sort()).toEqual(['item.title', 'user.intro', 'user.introImplicit', 'user.item', 'user.rated']);
    expect('neutral' in en).toBe(false);
    const t = getTemplates('en');
    expect(templatesForDomain(t, 'general')).toBe(t);
  });

  it('is optional, and checked like the keys it overrides', () => {
    const base = JSON.parse(JSON.stringify(en)) as Record<string, unknown>;
    expect(() => parseTemplates(base, 'own.json')).not.toThrow();
    expect(() => parseTemplates({ ...base, neutral: { 'user.item': 'no title' } }, 'own.json')).toThrow(/neutral\.user\.item.*\{title\}/);
    expect(() => parseTemplates({ ...base, neutral: { 'item.genres': '{list}' } }, 'own.json')).toThrow(KnowrecError);
    const own = parseTemplates({ ...base, neutral: { 'item.title': '"{title}"' } }, 'own.json');
    expect(itemSentence(BANDS, 0, { templates: own }).text).toBe('"Morcheeba".');
    expect(itemSentence(FILMS, 0, { templates: own }).text).toBe('Heat.');
  });
});
