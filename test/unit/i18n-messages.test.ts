/**
 * One language at a time: the page's message tables (renderer/src/i18n) and the report's
 * (main/jobs/report-messages.ts) have the same keys in English and Chinese, the same
 * placeholders in every message, and no message left in English; the i18n helpers translate
 * job stages, durations and ordinals; the report in Chinese carries no English heading.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { en } from '../../renderer/src/i18n/en';
import { zh } from '../../renderer/src/i18n/zh';
import { durationIn, entityLabelIn, initI18n, jobLineIn, jobMessageIn, ordinalIn, typeName } from '../../renderer/src/i18n';
import { REPORT_WORDS } from '../../main/jobs/report-messages';
import type { MessagePart } from '../../main/api/contract';
import { renderReport } from '../../main/jobs/report';

type Tree = { readonly [k: string]: string | Tree };

function leaves(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of leaves(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string, re: RegExp): string[] => [...s.matchAll(re)].map((m) => m[1]).sort();
/** Messages that read the same in both languages: symbols, ordinals' shared form, and the names of statistical tests (Wilcoxon, Holm). */
const SAME_IN_BOTH = new Set(['eval.columns.k', 'ordinal.one', 'ordinal.two', 'ordinal.few', 'eval.pTitle']);

describe('message tables', () => {
  const e = leaves(en);
  const z = leaves(zh as unknown as Tree);

  it('zh has exactly the keys of en, each with the same placeholders', () => {
    expect([...z.keys()].sort()).toEqual([...e.keys()].sort());
    for (const [k, v] of e) expect(placeholders(z.get(k) ?? '', /\{\{(\w+)\}\}/g), k).toEqual(placeholders(v, /\{\{(\w+)\}\}/g));
  });

  it('every Chinese message is written in Chinese (has CJK characters), apart from symbols', () => {
    const latinOnly = [...z].filter(([k, v]) => !SAME_IN_BOTH.has(k) && !/[\u4e00-\u9fff]/.test(v) && /[A-Za-z]{3,}/.test(v.replace(/\{\{\w+\}\}/g, '')));
    expect(latinOnly).toEqual([]);
  });

  it('the report has the same keys and placeholders in both languages', () => {
    const re = /\{(\w+)\}/g;
    expect(Object.keys(REPORT_WORDS.zh).sort()).toEqual(Object.keys(REPORT_WORDS.en).sort());
    for (const [k, v] of Object.entries(REPORT_WORDS.en)) expect(placeholders(REPORT_WORDS.zh[k as keyof typeof REPORT_WORDS.en], re), k).toEqual(placeholders(v, re));
  });
});

describe('i18n helpers', () => {
  beforeAll(() => {
    initI18n('zh');
  });
  afterAll(async () => {
    await i18next.changeLanguage('en');
  });

  it('translate job stages and keep what is data (file and model names, figures)', () => {
    const t = i18next.t;
    expect(jobMessageIn(t, 'writing to the workspace: ratings.csv')).toBe('写入工作区: ratings.csv');
    expect(jobMessageIn(t, 'model: ease')).toBe('模型: ease');
    expect(jobMessageIn(t, 'encoding items')).toBe('正在编码物品');
    expect(jobMessageIn(t, 'epoch 3/10 loss 0.1234')).toBe('第 3/10 轮 训练损失 0.1234');
    expect(jobMessageIn(t, 'something new')).toBe('something new');
  });

  it('write a job line from its parts: stages by name, codes with their values, unknown codes in English', () => {
    const t = i18next.t;
    const line: { message: string; parts: MessagePart[] } = {
      message: 'seed 2020 (1/2): semantic: encoding items',
      parts: [
        { code: 'seed', params: { seed: 2020, i: 1, n: 2 }, text: 'seed 2020 (1/2)' },
        { code: 'stage', params: { name: 'semantic' }, text: 'semantic' },
        { code: 'encodingItems', text: 'encoding items', params: { pct: '40%' } },
      ],
    };
    expect(jobLineIn(t, 'zh', line)).toBe('随机种子 2020（1/2）：语义模型：正在编码物品 40%');
    expect(jobLineIn(t, 'en', line)).toBe(line.message);
    const store: { message: string; parts: MessagePart[] } = { message: 'writing to the workspace: triples', parts: [{ code: 'stage', params: { name: 'store' }, text: 'writing to the workspace' }, { code: 'table', params: { table: 'triples' }, text: 'triples' }] };
    expect(jobLineIn(t, 'zh', store)).toBe('写入工作区：三元组');
    // a code the table does not know, and a model name as a stage: the English text (through jobMessageIn)
    expect(jobLineIn(t, 'zh', { message: 'ease: warp drive', parts: [{ code: 'stage', params: { name: 'ease' }, text: 'ease' }, { code: 'warpDrive', text: 'warp drive' }] })).toBe('ease：warp drive');
    // no parts (an older job): the message as jobMessageIn reads it
    expect(jobLineIn(t, 'zh', { message: 'model: ease' })).toBe('模型: ease');
  });

  it('write entity descriptions from their parts, names unchanged', () => {
    const actor = { relation: 'film.actor.film', entityIsHead: true, role: 'actor in', of: 'Toy Story (1995)' };
    expect(entityLabelIn('zh', 'actor in Toy Story (1995)', actor)).toBe('Toy Story (1995) 的演员');
    // on a graph node the role comes first, so that cutting the label keeps it
    expect(entityLabelIn('zh', 'actor in Toy Story (1995)', actor, 'short')).toBe('演员 · Toy Story (1995)');
    expect(entityLabelIn('en', 'actor in Toy Story (1995)', actor)).toBe('actor in Toy Story (1995)');
    expect(entityLabelIn('zh', 'with sequel Heat (1995)', { relation: 'film.film.sequel', entityIsHead: true, role: 'with sequel', of: 'Heat (1995)' })).toBe('续集为 Heat (1995) 的条目');
    // a role the table lacks: the relation's name when the entity is its tail, else the English label
    expect(entityLabelIn('zh', 'shot of Fargo (1996)', { relation: 'film.film.cinematography', entityIsHead: false, role: 'shot of', of: 'Fargo (1996)' })).toBe('Fargo (1996) 的摄影指导');
    expect(entityLabelIn('zh', 'with employer Pixar', { relation: 'people.person.employer', entityIsHead: true, role: 'with employer', of: 'Pixar' })).toBe('with employer Pixar');
    expect(entityLabelIn('zh', 'Pixar')).toBe('Pixar');
  });

  it('translate durations, ordinals and node types', async () => {
    const t = i18next.t;
    expect(durationIn(t, 'about 3 min left')).toBe('约剩 3 分钟');
    expect(durationIn(t, '1 min 4 s')).toBe('1 分 4 秒');
    expect(ordinalIn(t, 2)).toBe('第 2 位');
    expect(typeName(t, 'director')).toBe('导演');
    expect(typeName(t, 'spaceship')).toBe('Spaceship');
    await i18next.changeLanguage('en');
    expect(ordinalIn(i18next.t, 22)).toBe('22nd');
    expect(ordinalIn(i18next.t, 13)).toBe('13th');
    expect(durationIn(i18next.t, 'about 3 min left')).toBe('about 3 min left');
  });
});

describe('the report in Chinese', () => {
  it('names its parts, signals and ordinals in Chinese and marks the page zh-CN', () => {
    const html = renderReport({
      title: 't',
      runs: [],
      lang: 'zh',
      explained: [
        {
          user: '1',
          k: 10,
          items: [
            {
              item: 'x',
              title: 'Fargo',
              score: 0.5,
              explanation: { signals: { ease: 1 }, against: {}, facts: [], reason: '理由', history: [{ item: 'a', title: 'Heat', relation: 'co-liked', share: 0.4 }], counterfactual: { removed: [{ item: 'a', title: 'Heat' }], rankBefore: 2, rankAfter: 14 } },
            },
          ],
        },
      ],
    });
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('为什么推荐这些物品');
    expect(html).toContain('如果没有 Heat，它将排在第 14 位，而不是第 2 位。');
    expect(html).toContain('共现模式（EASE）');
    for (const english of ['Why these items were recommended', 'Legend', 'Fidelity:', 'Related history', 'score 0.500', 'Generated by']) expect(html).not.toContain(english);
  });
});

describe('the label queue reason in Chinese', () => {
  it('translates each known part, signals by display name, and keeps unknown parts', async () => {
    initI18n('zh');
    await i18next.changeLanguage('zh');
    const { whyIn } = await import('../../renderer/src/i18n');
    const { signalName } = await import('../../main/api/display-names');
    const sig = (k: string): string => signalName(k, 'zh');
    expect(whyIn(i18next.t, 'signals disagree: pop against, kg-profile, itemknn for; scored close to its neighbour in the list (rank 10)', sig)).toBe(
      '信号分歧：热门程度 反对，知识图谱画像、相似物品（共同评分） 支持；得分与列表中的相邻项接近（第 10 位）',
    );
    expect(whyIn(i18next.t, 'near the cut-off (rank 3 of 10 shown); something else', sig)).toBe('接近截断位置（第 3 位，共显示 10 个）；something else');
    await i18next.changeLanguage('en');
  });
});

describe('relation names in Chinese keep the direction they are read in', () => {
  it('translates the Api phrase from either end, else falls back to the display-name table', async () => {
    initI18n('zh');
    const { formatters } = await import('../../renderer/src/i18n');
    const f = formatters('zh');
    expect(f.relation('film.film.directed_by', 'directed by')).toBe('导演');
    expect(f.relation('film.film.directed_by', 'director of')).toBe('执导');
    expect(f.relation('film.writer.film', 'with writer')).toBe('编剧');
    expect(f.relation('film.film.sequel', 'a phrase we do not know')).toBe('续集');
    expect(formatters('en').relation('film.film.directed_by', 'directed by')).toBe('directed by');
  });
});
