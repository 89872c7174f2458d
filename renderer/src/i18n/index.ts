/**
 * The page's one language at a time: i18next with the typed tables of en.ts / zh.ts, the
 * language remembered in localStorage across reloads, numbers and dates formatted with Intl
 * for the language, and the display names of signals, metrics, slices and relations taken from
 * main/api/display-names.ts in the same language. `useI18n()` re-renders a component when the
 * language changes, so one switch changes everything at once.
 */
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import * as names from '../../../main/api/display-names';
import type { EntityDescription, KgSubgraph, MessagePart } from '../../../main/api/contract';
import { en } from './en';
import { zh } from './zh';

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];
export const LANG_KEY = 'knowrec.lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** localStorage and the document's root, when there are (this module is also loaded by Node unit tests). */
interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
const storage = (): StorageLike | undefined => (globalThis as { localStorage?: StorageLike }).localStorage;
const rootElement = (): { lang: string } | undefined => (globalThis as { document?: { documentElement: { lang: string } } }).document?.documentElement;

export function storedLang(): Lang {
  try {
    return storage()?.getItem(LANG_KEY) === 'zh' ? 'zh' : 'en';
  } catch {
    return 'en';
  }
}

/** Starts i18next once (synchronously: the tables are bundled). */
export function initI18n(lang: Lang = storedLang()): typeof i18next {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources: { en: { translation: en }, zh: { translation: zh } },
      lng: lang,
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      initAsync: false,
      returnNull: false,
    });
  }
  setDocumentLang(lang);
  return i18next;
}

function setDocumentLang(lang: Lang): void {
  const root = rootElement();
  if (root !== undefined) root.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** Switches every view at once and remembers the choice. */
export function setLang(lang: Lang): void {
  void i18next.changeLanguage(lang);
  setDocumentLang(lang);
  try {
    storage()?.setItem(LANG_KEY, lang);
  } catch {
    // storage disabled: the choice lasts until the page reloads
  }
}

const locale = (lang: Lang): string => (lang === 'zh' ? 'zh-CN' : 'en-US');

const PHRASE_KEYS = new Set(Object.keys(en.relPhrases));
const isPhrase = (s: string): s is keyof typeof en.relPhrases => PHRASE_KEYS.has(s);

/** The Chinese name of a relation phrase read from one end ("directed by" → 导演, "director of" → 执导), or undefined. */
function phraseIn(phrase: string): string | undefined {
  const p = phrase.trim().toLowerCase().replace(/^with /, 'has ');
  return isPhrase(p) ? i18next.t(`relPhrases.${p}`, { lng: 'zh' }) : undefined;
}

const ROLE_KEYS = new Set(Object.keys(en.described.roles));
const isRole = (s: string): s is keyof typeof en.described.roles => ROLE_KEYS.has(s);

/**
 * An entity's label in the language: a name stays as it is; a description through a neighbour
 * ("actor in Toy Story (1995)") is written from its parts ("Toy Story (1995) 的演员"). A role the
 * table lacks takes the relation's display name when the entity is the relation's tail (the
 * relation names that end: "director"), else the English label stays.
 */
export function entityLabelIn(lang: Lang, label: string, described?: EntityDescription, form: 'full' | 'short' = 'full'): string {
  if (described === undefined || lang === 'en') return label;
  const { role, of } = described;
  const short = form === 'short';
  if (isRole(role)) {
    const key = role.startsWith('with ') ? (short ? 'described.withShort' : 'described.with') : short ? 'described.ofShort' : 'described.of';
    return i18next.t(key, { lng: lang, role: i18next.t(`described.roles.${role}`, { lng: lang }), of });
  }
  const name = described.entityIsHead ? undefined : names.RELATION_NAMES[described.relation]?.[lang];
  return name === undefined ? label : i18next.t(short ? 'described.ofShort' : 'described.of', { lng: lang, role: name, of });
}

/**
 * A subgraph whose described nodes are labelled in the language (names unchanged; the same object
 * in English); 'short' puts the role first, for labels the graph cuts after a few words.
 */
export function graphIn(lang: Lang, g: KgSubgraph, form: 'full' | 'short' = 'full'): KgSubgraph {
  if (lang === 'en' || !g.nodes.some((n) => n.described !== undefined)) return g;
  return { ...g, nodes: g.nodes.map((n) => (n.described === undefined ? n : { ...n, label: entityLabelIn(lang, n.label, n.described, form) })) };
}

/** Formatters and display names bound to one language. */
export function formatters(lang: Lang) {
  const loc = locale(lang);
  return {
    lang,
    /** A count with the language's grouping: 1,682. */
    count: (v: number): string => v.toLocaleString(loc),
    /** A fixed number of decimals, no grouping (the tables' figures). */
    fixed: (v: number, digits: number): string => new Intl.NumberFormat(loc, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(v),
    /** 0.25 → "25%". */
    pct: (v: number): string => `${Math.round(v * 100)}%`,
    /** An ISO date as the language writes it; other strings unchanged. */
    date: (iso: string): string => {
      const t = Date.parse(iso);
      if (!/^\d{4}-\d\d-\d\d/.test(iso) || !Number.isFinite(t)) return iso;
      return new Intl.DateTimeFormat(loc, { dateStyle: 'medium', timeStyle: iso.length > 10 ? 'short' : undefined }).format(new Date(t));
    },
    signal: (key: string): string => names.signalName(key, lang),
    signalDesc: (key: string): string => names.signalDescription(key, lang),
    metric: (key: string): string => names.metricName(key, lang),
    metricDesc: (key: string): string => names.metricDescription(key, lang),
    slice: (key: string): string => names.sliceName(key, lang),
    sliceDesc: (key: string): string => names.sliceDescription(key, lang),
    /** A relation's name: the Api's phrase in English (it reads with the direction); in Chinese the phrase's translation (direction kept), else the table's name. */
    relation: (key: string, phrase: string): string => (lang === 'en' ? phrase : (phraseIn(phrase) ?? names.relationName(key, lang, phrase))),
    /** An entity's label (a KG node, hit or fact's other end) in the language; see entityLabelIn. */
    entity: (label: string, described?: EntityDescription): string => entityLabelIn(lang, label, described),
  };
}

export type Formatters = ReturnType<typeof formatters>;

/** t (typed keys), the language and its formatters; re-renders on a language change. */
export function useI18n() {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language === 'zh' ? 'zh' : 'en';
  return { t, ...formatters(lang) };
}

export type T = ReturnType<typeof useI18n>['t'];

/** 1 → "1st" / "第 1 位". */
export function ordinalIn(t: T, n: number): string {
  const tens = n % 100;
  const form = tens >= 11 && tens <= 13 ? 'other' : n % 10 === 1 ? 'one' : n % 10 === 2 ? 'two' : n % 10 === 3 ? 'few' : 'other';
  return t(`ordinal.${form}`, { n });
}

/** "A", "A and B", "A, B and C" in the language. */
export function joinIn(t: T, parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(t('explain.listSep'))}${t('explain.and')}${parts[parts.length - 1]}`;
}

const STAGE_KEYS = new Set(Object.keys(en.stages));
const isStage = (s: string): s is keyof typeof en.stages => STAGE_KEYS.has(s);

/**
 * A job's message ("stage: detail", "encoding items", "epoch 3/10 loss …") in the language:
 * known stages and phrases are translated, the rest (file names, model names, figures) kept.
 */
export function jobMessageIn(t: T, message: string): string {
  const word = (s: string): string => {
    const x = s.trim();
    if (isStage(x) && x !== 'epoch') return t(`stages.${x}`);
    const epoch = /^epoch (\d+(?:\/\d+)?)(.*)$/.exec(x);
    if (epoch !== null) return `${t('stages.epoch', { n: epoch[1] })}${epoch[2].replace(/\bloss\b/, t('ft.loss'))}`;
    return x;
  };
  const at = message.indexOf(': ');
  return at < 0 ? word(message) : `${word(message.slice(0, at))}: ${word(message.slice(at + 2))}`;
}

const STEP_KEYS = new Set(Object.keys(en.steps));
const isStep = (s: string): s is keyof typeof en.steps => STEP_KEYS.has(s);
const TABLE_KEYS = new Set(Object.keys(en.tables));
const isTable = (s: string): s is keyof typeof en.tables => TABLE_KEYS.has(s);

/**
 * One part of a job's line in the language: a stage by its name; a code of the `steps` table with
 * its values (a workspace table by its name, a percent appended); else the English text as
 * jobMessageIn reads it.
 */
function partIn(t: T, p: MessagePart): string {
  if (p.code === 'stage') {
    const name = String(p.params?.name ?? p.text);
    return isStage(name) && name !== 'epoch' ? t(`stages.${name}`) : jobMessageIn(t, p.text);
  }
  if (!isStep(p.code)) return jobMessageIn(t, p.text);
  const values: Record<string, string | number> = { ...p.params };
  const table = values.table;
  if (typeof table === 'string' && isTable(table)) values.table = t(`tables.${table}`);
  const text = t(`steps.${p.code}`, values);
  return typeof values.pct === 'string' ? `${text} ${values.pct}` : text;
}

/**
 * A job's line (or the what-if model's) in the language: in English the message as the main
 * process wrote it; else its parts translated (codes the table lacks fall back to their English
 * text), or the message through jobMessageIn when it has no parts.
 */
export function jobLineIn(t: T, lang: Lang, line: { readonly message: string; readonly parts?: readonly MessagePart[] }): string {
  if (lang === 'en') return line.message;
  if (line.parts === undefined || line.parts.length === 0) return jobMessageIn(t, line.message);
  return line.parts.map((p) => partIn(t, p)).join(t('job.partSep'));
}

const TYPE_KEYS = new Set(Object.keys(en.kg.types));
const isType = (s: string): s is keyof typeof en.kg.types => TYPE_KEYS.has(s);

const ATTR_KEYS = new Set(Object.keys(en.attrs));
const isAttr = (s: string): s is keyof typeof en.attrs => ATTR_KEYS.has(s);

/** A catalog or user attribute column's name in the language (unknown columns as they are). */
export function attrName(t: T, key: string): string {
  return isAttr(key) ? t(`attrs.${key}`) : key;
}

/** A node type ("director", "item") as the legend names it: the table's name, else capitalised. */
export function typeName(t: T, type: string): string {
  if (isType(type)) return t(`kg.types.${type}`);
  return type.length === 0 ? type : type[0].toUpperCase() + type.slice(1);
}

/** The counterfactual line of an explanation in the language: "without A and B it would rank 41st instead of 3rd". */
export function counterfactualIn(t: T, cf: { readonly removed: readonly { readonly title: string }[]; readonly rankBefore: number; readonly rankAfter: number } | null, k: number): string | null {
  if (cf === null || cf.removed.length === 0) return null;
  const words = { who: joinIn(t, cf.removed.map((r) => r.title)), after: ordinalIn(t, cf.rankAfter), before: ordinalIn(t, cf.rankBefore) };
  return cf.rankAfter > k ? t('explain.without', words) : t('explain.evenWithout', words);
}

/** eta.ts's English durations ("about 3 min left", "1 min 4 s") in the language; other text unchanged. */
export function durationIn(t: T, text: string): string {
  let m: RegExpExecArray | null;
  if (text === 'a few seconds left') return t('job.eta.few');
  if ((m = /^about (\d+) s left$/.exec(text)) !== null) return t('job.eta.s', { n: m[1] });
  if ((m = /^about (\d+) min left$/.exec(text)) !== null) return t('job.eta.min', { n: m[1] });
  if ((m = /^about (\d+) h (\d+) min left$/.exec(text)) !== null) return t('job.eta.h', { h: m[1], min: m[2] });
  if ((m = /^(\d+) s$/.exec(text)) !== null) return t('job.eta.elapsedS', { s: m[1] });
  if ((m = /^(\d+) min (\d+) s$/.exec(text)) !== null) return t('job.eta.elapsedMin', { min: m[1], s: m[2] });
  return text;
}

/**
 * The label queue's "why" (main/core/rank/label-queue.ts reason(): "signals disagree: pop against,
 * kg-profile for; near the cut-off (rank 3 of 10 shown)") in the language, signals by their
 * display names; a part it does not know is kept as it is.
 */
export function whyIn(t: T, why: string, signal: (key: string) => string): string {
  const names = (list: string): string => list.split(', ').map(signal).join(t('explain.listSep'));
  return why
    .split('; ')
    .map((part) => {
      let m: RegExpExecArray | null;
      if ((m = /^signals disagree: (.+?) against(?:, (.+) for)?$/.exec(part)) !== null) {
        return t('label.whyParts.disagree', { against: names(m[1]), pro: m[2] === undefined ? '' : t('label.whyParts.pro', { names: names(m[2]) }) });
      }
      if ((m = /^near the cut-off \(rank (\d+) of (\d+) shown\)$/.exec(part)) !== null) return t('label.whyParts.near', { rank: m[1], shown: m[2] });
      if ((m = /^just below the cut-off \(rank (\d+)\)$/.exec(part)) !== null) return t('label.whyParts.below', { rank: m[1] });
      if ((m = /^scored close to its neighbour in the list \(rank (\d+)\)$/.exec(part)) !== null) return t('label.whyParts.close', { rank: m[1] });
      if ((m = /^model fairly sure \(rank (\d+)\)$/.exec(part)) !== null) return t('label.whyParts.sure', { rank: m[1] });
      return part === 'mixed signals' ? t('label.whyParts.mixed') : part;
    })
    .join(t('label.whyParts.sep'));
}

const MODEL_KEYS = new Set(Object.keys(en.modelDesc));
const isModel = (s: string): s is keyof typeof en.modelDesc => MODEL_KEYS.has(s);

/** A model's one-line description: the registry's own in English, the table's in Chinese (the registry's when the table lacks the model). */
export function modelDescIn(t: T, lang: Lang, name: string, registry: string): string {
  return lang === 'en' || !isModel(name) ? registry : t(`modelDesc.${name}`);
}
