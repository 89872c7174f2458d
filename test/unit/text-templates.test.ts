import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import {
  BUILT_IN_LANGS,
  TEMPLATE_KEYS,
  getTemplates,
  itemSentence,
  loadTemplateFile,
  parseTemplates,
  relationPhrase,
  type Templates,
} from '../../main/core/text';
import { catalogDataset } from '../../main/core/data/catalog-dataset';

const EN_PATH = join(__dirname, '../../resources/templates/en.json');
const ML100K_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];

function caught(f: () => unknown): KnowrecError {
  try {
    f();
  } catch (e) {
    if (e instanceof KnowrecError) return e;
    throw e;
  }
  throw new Error('expected a KnowrecError');
}

function without(obj: Record<string, unknown>, path: string): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const segs = path.split('.');
  let cur = copy;
  for (const s of segs.slice(0, -1)) cur = cur[s] as Record<string, unknown>;
  delete cur[segs[segs.length - 1]];
  return copy;
}

describe('built-in templates', () => {
  it('load for en and zh with every key', () => {
    expect([...BUILT_IN_LANGS].sort()).toEqual(['en', 'zh']);
    for (const lang of BUILT_IN_LANGS) {
      const t = getTemplates(lang);
      expect(t.lang).toBe(lang);
      expect(t.file).toBe(`resources/templates/${lang}.json`);
    }
    expect(getTemplates('en').list.joiner).toBe(', ');
    expect(getTemplates('zh').list.joiner).toBe('、');
    expect(getTemplates('en').sentence.end).toBe('.');
    expect(getTemplates('zh').sentence.end).toBe('。');
  });

  it('translate all 19 ml-100k genres into Chinese', () => {
    const zh = getTemplates('zh').genres;
    for (const g of ML100K_GENRES) {
      expect(Object.hasOwn(zh, g), g).toBe(true);
      expect(zh[g]).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(zh.Action).toBe('动作');
    expect(zh.Comedy).toBe('喜剧');
  });

  it('give en and zh phrases for the same relations', () => {
    const en = getTemplates('en');
    const zh = getTemplates('zh');
    expect(Object.keys(zh.relations).sort()).toEqual(Object.keys(en.relations).sort());
    expect(Object.keys(zh.inverseRelations).sort()).toEqual(Object.keys(en.inverseRelations).sort());
    expect(relationPhrase('film.film.directed_by', en).phrase).toBe('directed by');
    expect(relationPhrase('film.film.directed_by', zh).phrase).toBe('导演');
    expect(relationPhrase('film.film.actor', en).phrase).toBe('starring');
    expect(relationPhrase('film.film.actor', zh).phrase).toBe('主演');
    expect(relationPhrase('film.director.film', en, 'in').phrase).toBe('directed by');
    expect(relationPhrase('http://dbpedia.org/ontology/musicComposer', en)).toEqual({ phrase: 'music by', known: true });
    expect(relationPhrase('film.film.music_supervisor', en)).toEqual({ phrase: 'music supervisor', known: false });
  });

  it('rejects an unknown language with a fix', () => {
    const e = caught(() => getTemplates('fr'));
    expect(e.code).toBe('config');
    expect(e.message).toContain('loadTemplateFile');
    expect(() => getTemplates('toString')).toThrow(KnowrecError);
  });
});

describe('template validation', () => {
  const en = JSON.parse(readFileSync(EN_PATH, 'utf8')) as Record<string, unknown>;

  it('accepts the en file as read from disk', () => {
    const t = loadTemplateFile(EN_PATH);
    expect(t.facts.director).toBe('Directed by {list}');
    expect(t.file).toBe(EN_PATH);
  });

  it('names the file and the key when any key is missing', () => {
    for (const key of TEMPLATE_KEYS) {
      const e = caught(() => parseTemplates(without(en, key), 'my/fr.json'));
      expect(e.code).toBe('validation');
      expect(e.location.file).toBe('my/fr.json');
      expect(e.message).toContain(`"${key}"`);
      expect(e.message).toContain('missing');
    }
  });

  it('rejects phrases without a needed placeholder, or with an unknown one', () => {
    const noList = JSON.parse(JSON.stringify(en)) as { facts: Record<string, string> };
    noList.facts.actor = 'Starring';
    expect(caught(() => parseTemplates(noList, 'x.json')).message).toMatch(/"facts\.actor" must contain the placeholder \{list\}/);
    const extra = JSON.parse(JSON.stringify(en)) as { user: Record<string, string> };
    extra.user.rated = '{title} {rating} {stars}';
    expect(caught(() => parseTemplates(extra, 'x.json')).message).toMatch(/"user\.rated" has an unknown placeholder \{stars\}/);
    const wrongType = JSON.parse(JSON.stringify(en)) as { sentence: Record<string, unknown> };
    wrongType.sentence.capitalize = 'yes';
    expect(caught(() => parseTemplates(wrongType, 'x.json')).message).toContain('"sentence.capitalize"');
    const badMap = JSON.parse(JSON.stringify(en)) as { genres: Record<string, unknown> };
    badMap.genres.Action = 3;
    expect(caught(() => parseTemplates(badMap, 'x.json')).message).toContain('"genres.Action"');
  });

  describe('files on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowrec-templates-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports JSON syntax errors with line and column', () => {
      const file = join(dir, 'broken.json');
      writeFileSync(file, '{\n  "lang": "xx",\n  "list": { "joiner": ", " ,, }\n}\n');
      const e = caught(() => loadTemplateFile(file));
      expect(e.code).toBe('parse');
      expect(e.location.file).toBe(file);
      expect(e.location.line).toBe(3);
      expect(e.location.column).toBeGreaterThan(1);
    });

    it('reports a missing key of a file on disk, naming the file', () => {
      const file = join(dir, 'nofacts.json');
      writeFileSync(file, JSON.stringify(without(en, 'facts.writer'), null, 2));
      const e = caught(() => loadTemplateFile(file));
      expect(e.message).toContain(file);
      expect(e.message).toContain('"facts.writer" is missing');
    });

    it('reports a file that does not exist', () => {
      expect(caught(() => loadTemplateFile(join(dir, 'nope.json'))).code).toBe('not-found');
    });

    it('drives the verbalizer with a custom file', () => {
      const custom = JSON.parse(JSON.stringify(en)) as { lang: string; facts: Record<string, string>; sentence: Record<string, unknown> };
      custom.lang = 'en-x';
      custom.facts.director = 'A film by {list}';
      custom.sentence.end = '!';
      const file = join(dir, 'custom.json');
      writeFileSync(file, JSON.stringify(custom));
      const t: Templates = loadTemplateFile(file);
      const ds = catalogDataset('one', [{ id: 'a', title: 'Alpha', text: {}, attributes: {} }]);
      const facts = { itemFacts: () => [{ relation: 'dbo:director', entityLabel: 'Ann Lee' }] };
      expect(itemSentence(ds, 0, { templates: t, facts }).text).toBe('Alpha! A film by Ann Lee!');
    });
  });
});
