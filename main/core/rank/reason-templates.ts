/**
 * Phrases of the one-line recommendation reasons, per language. Placeholders in braces are
 * filled by explain.ts; every phrase of every language has the same keys (checked by the type).
 */
import type { CatalogDomain } from '../text';

export const REASON_LANGS = ['en', 'zh'] as const;
export type ReasonLang = (typeof REASON_LANGS)[number];

/**
 * What ties a candidate to a history item: a kind of KG fact; 'similar', a similar description
 * (explain-similar.ts); 'coLiked', users who chose both ({count}, in the interactions explain reads).
 */
export type LinkKind =
  | 'director'
  | 'actor'
  | 'writer'
  | 'producer'
  | 'genre'
  | 'language'
  | 'country'
  | 'award'
  | 'nomination'
  | 'decade'
  | 'generic'
  | 'similar'
  | 'coLiked';

/**
 * Signal groups a reason can lead or end with, each phrase saying only what its signals measure:
 * 'cf' co-interaction (item-kNN, EASE, a new user's co-occurrence): users who chose items of the
 * history also chose this one; 'latent' a latent-factor model (BPR); 'pop' the popularity signal
 * for an item among the catalog's most chosen 10% ("popular overall"), 'count' the same signal
 * for any other item (its interaction count raised its score); 'text' a text signal (semantic,
 * history-similarity) for an item similar in content to the history in absolute terms
 * (explain-similar.ts nearHistoryProfile, or a history item with a "similar description"),
 * 'textScore' the same signals for any other item (they raised its score, relative to the other
 * candidates only); 'kg' the KG taste profile; 'overlap' KG traits shared with the history;
 * 'history' the user's activity.
 */
export type SignalPhrase = 'cf' | 'latent' | 'pop' | 'count' | 'text' | 'textScore' | 'kg' | 'overlap' | 'history';

export interface ReasonTemplates {
  /** First part: "Recommended because you chose {title}: {links}" (chose, not liked: the data says only that the user interacted). */
  readonly because: string;
  /** First part when nothing but the item's share ties it in: "Recommended because you chose {title}". */
  readonly becauseOnly: string;
  /** A further history item: "{title}: {links}". */
  readonly more: string;
  /** When no history item ties in: "Recommended for you: {links}". */
  readonly plain: string;
  /** A collaborative lead: "People who chose {titles} also chose this" (any kind of item: no "film", no "liked"). */
  readonly cfLead: string;
  /** A collaborative tail: "people who chose {titles} also chose it". */
  readonly cfAlso: string;
  /** A latent-factor lead naming the history items its fold-in credits: "Your choices of {titles} fit the pattern of users who chose this". */
  readonly latentLead: string;
  /** A latent-factor tail: "your choices of {titles} fit the pattern of users who chose it". */
  readonly latentAlso: string;
  /** Joins the two titles of cfLead. */
  readonly and: string;
  /** When no signal carries 10% of the score. */
  readonly mixed: string;
  /** Tail after the history part: "also {phrase}". */
  readonly also: string;
  /**
   * Last part when the history items the reason names are not what keeps the item in the list:
   * left out (the counterfactual, every cited item) it would still rank {rank} ≤ the list's
   * length: "even without {titles} it would still rank #{rank}".
   */
  readonly stillWithout: string;
  /** A title as quoted in text, for a catalog of works (films, books: zh 《》). */
  readonly title: string;
  /** A title as quoted in text for any other catalog (bands, people, products: zh “”). */
  readonly titleNeutral: string;
  readonly listJoiner: string;
  readonly partJoiner: string;
  readonly end: string;
  /** Tie phrases without an entity name ("same director"). */
  readonly links: Readonly<Record<LinkKind, string>>;
  /** Tie phrases with a named entity ("same genre ({label})", "shared hometown (London)"). */
  readonly namedLinks: Readonly<Record<LinkKind, string>>;
  /** A tie through different relations: "both tied to {label} ({sides})". */
  readonly tiedBoth: string;
  /** One side of such a tie when the entity is the item's {relation}: "{relation} of {title}". */
  readonly tieSide: string;
  /** One side when the item is the entity's {relation}: "with {relation} {title}". */
  readonly tieSideInverted: string;
  /** Joins the two sides. */
  readonly tieSideJoiner: string;
  /** A tie through one relation making both items the entity's {relation}: "each a {relation} of {label}". */
  readonly eachOf: string;
  /** A triple joining the two items: "{subject} is {role} {object}" (en role "a band member of"; zh "{subject}是{object}的{role}"). */
  readonly directLink: string;
  /** Such a triple when its relation has no role phrase: "{head}: {relation} {tail}". */
  readonly directFact: string;
  /** Joins the triple to the ties that follow it. */
  readonly directJoiner: string;
  /** links.coLiked ("{count} users chose both") when one user did. */
  readonly coLikedOne: string;
  /** Stands for an entity without a name of its own in tiedBoth and eachOf. */
  readonly someEntity: string;
  readonly signals: Readonly<Record<SignalPhrase, string>>;
  /** A fact about a signal when nothing in the KG or the history ties in: "{title}: {phrase}". */
  readonly signalFact: string;
  /**
   * Words for relations the KG index derives from catalog columns (by name), and in Chinese for
   * relations the verbalizer's templates have no phrase for (by canonical name: the noun of the
   * tail to the head, "dbo:birthPlace" → 出生地).
   */
  readonly relationWords: Readonly<Record<string, string>>;
}

const EN: ReasonTemplates = {
  because: 'Recommended because you chose {title}: {links}',
  becauseOnly: 'Recommended because you chose {title}',
  more: '{title}: {links}',
  plain: 'Recommended for you: {links}',
  cfLead: 'People who chose {titles} also chose this',
  cfAlso: 'people who chose {titles} also chose it',
  latentLead: 'Your choices of {titles} fit the pattern of users who chose this',
  latentAlso: 'your choices of {titles} fit the pattern of users who chose it',
  and: ' and ',
  mixed: 'Recommended for you by several signals together, none of them dominant',
  also: 'also {phrase}',
  stillWithout: 'even without {titles} it would still rank #{rank}',
  title: '{title}',
  titleNeutral: '{title}',
  listJoiner: ', ',
  partJoiner: '; ',
  end: '.',
  links: {
    director: 'same director',
    actor: 'shared cast',
    writer: 'same writer',
    producer: 'same producer',
    genre: 'same genre',
    language: 'same language',
    country: 'same country',
    award: 'same award',
    nomination: 'same award nomination',
    decade: 'same decade',
    generic: 'shared {relation}',
    similar: 'similar description',
    coLiked: '{count} users chose both',
  },
  namedLinks: {
    director: 'same director ({label})',
    actor: 'shared cast ({label})',
    writer: 'same writer ({label})',
    producer: 'same producer ({label})',
    genre: 'same genre ({label})',
    language: 'same language ({label})',
    country: 'same country ({label})',
    award: 'same award ({label})',
    nomination: 'same award nomination ({label})',
    decade: 'same decade ({label})',
    generic: 'shared {relation} ({label})',
    similar: 'similar description',
    coLiked: '{count} users chose both',
  },
  tiedBoth: 'both tied to {label} ({sides})',
  tieSide: '{relation} of {title}',
  tieSideInverted: 'with {relation} {title}',
  tieSideJoiner: ', ',
  eachOf: 'each a {relation} of {label}',
  directLink: '{subject} is {role} {object}',
  directFact: '{head}: {relation} {tail}',
  directJoiner: ', ',
  coLikedOne: '1 user chose both',
  someEntity: 'one entity',
  signals: {
    cf: 'chosen alongside items in your history',
    latent: 'fits the pattern of users with tastes like yours',
    pop: 'popular overall',
    count: 'scored up by its interaction count',
    text: 'similar in content to your history',
    textScore: 'scored up by the text-similarity signal',
    kg: 'a match for your taste profile',
    overlap: 'sharing traits with your history',
    history: 'suited to how active you are',
  },
  signalFact: '{title}: {phrase}',
  relationWords: { has_genre: 'genre', released_in_decade: 'decade' },
};

const ZH: ReasonTemplates = {
  because: '因为您选择了{title}：{links}',
  becauseOnly: '因为您选择了{title}',
  more: '{title}：{links}',
  plain: '为您推荐：{links}',
  cfLead: '选择了{titles}的用户也选择了这一项',
  cfAlso: '选择了{titles}的用户也选择了它',
  latentLead: '您对{titles}的选择符合选择了它的用户的模式',
  latentAlso: '您对{titles}的选择也符合选择了它的用户的模式',
  and: '和',
  mixed: '由多种信号共同推荐，没有一种占主导',
  also: '也{phrase}',
  stillWithout: '即使没有{titles}，它仍会排在第{rank}位',
  title: '《{title}》',
  titleNeutral: '“{title}”',
  listJoiner: '、',
  partJoiner: '；',
  end: '。',
  links: {
    director: '同一导演',
    actor: '共同演员',
    writer: '同一编剧',
    producer: '同一制片人',
    genre: '同一类型',
    language: '同一语言',
    country: '同一国家/地区',
    award: '同一奖项',
    nomination: '同一提名',
    decade: '同一年代',
    generic: '共同的{relation}',
    similar: '内容描述相似',
    coLiked: '有{count}位用户同时选择了两者',
  },
  namedLinks: {
    director: '同一导演（{label}）',
    actor: '共同演员（{label}）',
    writer: '同一编剧（{label}）',
    producer: '同一制片人（{label}）',
    genre: '同一类型（{label}）',
    language: '同一语言（{label}）',
    country: '同一国家/地区（{label}）',
    award: '同一奖项（{label}）',
    nomination: '同一提名（{label}）',
    decade: '同一年代（{label}）',
    generic: '共同的{relation}（{label}）',
    similar: '内容描述相似',
    coLiked: '有{count}位用户同时选择了两者',
  },
  tiedBoth: '都与{label}有关（{sides}）',
  tieSide: '{title}的{relation}',
  tieSideInverted: '以{title}为{relation}',
  tieSideJoiner: '，',
  eachOf: '都是{label}的{relation}',
  directLink: '{subject}是{object}的{role}',
  directFact: '{head}：{relation}{tail}',
  directJoiner: '，',
  coLikedOne: '有1位用户同时选择了两者',
  someEntity: '同一对象',
  signals: {
    cf: '曾与您历史中的条目被同一用户选择',
    latent: '符合与您口味相近的用户的模式',
    pop: '很受欢迎',
    count: '因其交互次数而得分更高',
    text: '与您的历史内容相似',
    textScore: '因文本相似度信号而得分更高',
    kg: '符合您的兴趣画像',
    overlap: '与您的历史有共同特征',
    history: '适合您的活跃程度',
  },
  signalFact: '{title}：{phrase}',
  relationWords: {
    has_genre: '类型',
    released_in_decade: '年代',
    'dbo:birthPlace': '出生地',
    'dbo:hometown': '家乡',
    'dbo:associatedBand': '相关乐队',
    'dbo:associatedMusicalArtist': '相关音乐人',
    'dbo:bandMember': '乐队成员',
    'dbo:formerBandMember': '前乐队成员',
    'dbo:recordLabel': '唱片公司',
    'dbo:instrument': '乐器',
    'dbo:occupation': '职业',
    'dbo:genre': '类型',
  },
};

const ALL: Readonly<Record<ReasonLang, ReasonTemplates>> = { en: EN, zh: ZH };

/**
 * The phrases of a language; for a catalog that is not of works (catalogDomain 'general') titles
 * are quoted with titleNeutral.
 */
export function reasonTemplates(lang: ReasonLang, domain: CatalogDomain = 'works'): ReasonTemplates {
  const t = ALL[lang];
  return domain === 'works' ? t : { ...t, title: t.titleNeutral };
}

/** Replaces {name} placeholders; unknown ones are left as they are. */
export function fillReason(phrase: string, vars: Readonly<Record<string, string>>): string {
  return phrase.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name] : whole));
}
