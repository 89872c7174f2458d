/**
 * The query's language picks the item sentences a free-text query is matched against, over the
 * three-film tiny dataset with genres added (Toy Story: Animation, Children's; Heat: Crime; A
 * Bug's Life: none). The encoder is a bag of English words and single Han characters (no ONNX),
 * so a Chinese query shares characters only with the Chinese item sentences ("类型：犯罪" for
 * Heat) and an English one only with the English sentences: the answers are known by
 * construction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, type ApiImpl, type Result } from '../../main/api';
import { itemVectorsKey } from '../../main/api/methods/recommend';
import { queryCatalogLang, scriptUnits, type CatalogLang } from '../../main/core/encode/language';
import type { EncodeOptions, Encoder } from '../../main/core/encode/types';
import { KgIndex } from '../../main/core/kg';
import { querySentences, recommendForNewUser } from '../../main/core/rank';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';
import { tinyDataset } from '../helpers/tiny-workspace';

function films(): Dataset {
  const ds = tinyDataset();
  return { ...ds, items: ds.items.map((it, i) => ({ ...it, attributes: { genres: [['Animation', "Children's"], ['Crime'], []][i] } })) };
}

/** The bag-of-words encoder over English words and Han characters, recording the passages it encodes. */
function recordingEncoder(languages: 'en' | 'multilingual'): Encoder & { passages: string[][] } {
  const inner = bagOfWordsEncoder(256, /[a-z]+|\p{Script=Han}/gu);
  const passages: string[][] = [];
  return {
    modelId: `words-${languages}`,
    dim: inner.dim,
    languages,
    passages,
    encode: (texts: readonly string[], options?: EncodeOptions) => {
      if (options?.role !== 'query') passages.push([...texts]);
      return inner.encode(texts, options);
    },
  };
}

describe('the query language rule', () => {
  it('counts Han characters one each and runs of Latin letters one each', () => {
    expect(scriptUnits('适合孩子的动画片')).toEqual({ han: 8, latin: 0, other: 0 });
    expect(scriptUnits('像 Toy Story 那样的动画片')).toEqual({ han: 7, latin: 2, other: 0 });
    expect(scriptUnits('a crime thriller, 1995!')).toEqual({ han: 0, latin: 3, other: 0 });
    expect(scriptUnits('фильм ужасов')).toEqual({ han: 0, latin: 0, other: 11 });
  });

  it('matches a mostly-Han query against Chinese sentences only with a multilingual model', () => {
    const multi = { languages: 'multilingual' } as const;
    expect(queryCatalogLang('适合孩子的动画片', multi)).toBe('zh');
    expect(queryCatalogLang('像 Toy Story 那样的动画片', multi)).toBe('zh');
    expect(queryCatalogLang('Toy Story 动画', multi)).toBe('en'); // 2 Han characters, 2 Latin words: no majority
    expect(queryCatalogLang('an animated film', multi)).toBe('en');
    expect(queryCatalogLang('фильм ужасов', multi)).toBe('en'); // no Cyrillic sentences: English
    expect(queryCatalogLang('1995', multi)).toBe('en');
    expect(queryCatalogLang(null, multi)).toBe('en');
    expect(queryCatalogLang('适合孩子的动画片', { languages: 'en' })).toBe('en');
    expect(queryCatalogLang('适合孩子的动画片', {})).toBe('en');
  });

  it('verbalizes the items in the language asked for', () => {
    const ds = films();
    const kg = new KgIndex(ds);
    expect(querySentences(ds, kg, undefined, 'zh')[1]).toContain('类型：犯罪');
    expect(querySentences(ds, kg)[1]).toContain('Crime');
    expect(querySentences(ds, kg)[1]).not.toMatch(/\p{Script=Han}/u);
  });
});

describe('recommendForNewUser and the query language', () => {
  async function ask(query: string, encoder: Encoder): Promise<{ r: Awaited<ReturnType<typeof recommendForNewUser>>; langs: CatalogLang[] }> {
    const ds = films();
    const langs: CatalogLang[] = [];
    const kg = new KgIndex(ds);
    const r = await recommendForNewUser({
      dataset: ds,
      kg,
      query,
      items: [],
      k: 3,
      lang: 'en',
      text: async () => ({ encoder }),
      itemVectors: (t, lang) => {
        langs.push(lang);
        return t.encoder.encode(querySentences(ds, kg, undefined, lang));
      },
    });
    return { r, langs };
  }

  it('answers a Chinese query from the Chinese item sentences with a multilingual model', async () => {
    const { r, langs } = await ask('犯罪片', recordingEncoder('multilingual'));
    expect(langs).toEqual(['zh']);
    expect(r.catalogLang).toBe('zh');
    expect(r.languageHint).toBeUndefined();
    expect(r.items[0].item).toBe('i2'); // Heat: 类型：犯罪
  });

  it('answers an English query from the English sentences', async () => {
    const { r, langs } = await ask('crime', recordingEncoder('multilingual'));
    expect(langs).toEqual(['en']);
    expect(r.catalogLang).toBe('en');
    expect(r.items[0].item).toBe('i2');
  });

  it('keeps the English sentences and the hint for an English-only model', async () => {
    const { r, langs } = await ask('犯罪片', recordingEncoder('en'));
    expect(langs).toEqual(['en']);
    expect(r.catalogLang).toBe('en');
    expect(r.languageHint).toMatch(/English-only/);
  });

  it('encodes the Chinese sentences by default (no itemVectors given)', async () => {
    const ds = films();
    const encoder = recordingEncoder('multilingual');
    const r = await recommendForNewUser({ dataset: ds, kg: new KgIndex(ds), query: '儿童动画', items: [], k: 1, lang: 'en', text: async () => ({ encoder }) });
    expect(encoder.passages).toHaveLength(1);
    expect(encoder.passages[0][0]).toContain('类型：动画、儿童');
    expect(r.items[0].item).toBe('i1');
  });
});

describe('Api recommendQuery and the query language', () => {
  let dir: string;
  let api: ApiImpl;
  let encoder: ReturnType<typeof recordingEncoder>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knowrec-query-lang-'));
    const path = join(dir, 'w.sqlite');
    const ws = Workspace.create(path);
    ws.importDataset(films());
    ws.close();
    encoder = recordingEncoder('multilingual');
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: path, appVersion: 't', modelDir: join(dir, 'model'), encoder: async () => encoder });
  });

  afterEach(() => {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function value<T>(r: Result<T>): T {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  }

  it('keys the item vectors by model and language', () => {
    expect(itemVectorsKey('m', 'zh')).not.toBe(itemVectorsKey('m', 'en'));
    expect(itemVectorsKey('m', 'zh')).not.toBe(itemVectorsKey('n', 'zh'));
  });

  it('says which catalog language it matched and encodes each language once', async () => {
    const zh = value(await api.recommendQuery({ query: '犯罪片', k: 3 }));
    expect(zh.catalogLang).toBe('zh');
    expect(zh.items[0].item).toBe('i2');
    value(await api.recommendQuery({ query: '动画片', k: 3 }));
    const en = value(await api.recommendQuery({ query: 'animation', k: 3 }));
    expect(en.catalogLang).toBe('en');
    expect(en.items[0].item).toBe('i1');
    value(await api.recommendQuery({ query: '一部犯罪片', k: 3 }));
    // Chinese sentences once, English sentences once: the later queries reuse the cached vectors
    expect(encoder.passages.map((p) => /\p{Script=Han}/u.test(p.join('')))).toEqual([true, false]);
  });
});
