/**
 * A seeded synthetic catalog whose quality can be measured, not only its speed (the scale
 * benchmark, benchmarks/scale.ts, and tests that need a large dataset with known structure).
 *
 * - Latent factors: K topics. Every item has one main topic (its latent factor); every user has
 *   1–3 favourite topics with weights (their taste).
 * - Popularity: item weights follow a power law, w = rank^(−α) over a random permutation, so a
 *   few items take most interactions, as in real logs; a user picks a topic from their taste
 *   (with probability `focus`, else any topic), then an item of that topic by weight.
 * - Ratings 1–5 rise with the user's weight on the item's topic; timestamps rise per user.
 * - Item text from templates: the title and description use the topic's own words, so a text
 *   encoder can recover the topics.
 * - KG: item → creator (a creator of the item's topic with probability `kgSignal`, else any),
 *   item → tag (same rule), item → decade (noise, unrelated to the topics); creator → studio.
 *   The relations correlate with the latent factors exactly as much as `kgSignal` says.
 *
 * Everything is plain arrays with string ids; writers (synthetic-files.ts) lay them out as an
 * analyst's export (CSV + N-Triples) and syntheticRaw builds the reader's raw tables directly.
 */
import { KnowrecError } from '../errors';
import { createRng, type Rng } from '../random';
import type { RawDataset } from './raw';

export interface SyntheticSpec {
  readonly users: number;
  readonly items: number;
  /** Target interaction count (exact unless users run out of distinct items). */
  readonly interactions: number;
  /** Target KG relation triples (item → creator/tag/decade, creator → studio). */
  readonly triples: number;
  readonly seed: number;
  /** Latent topics. Default 24. */
  readonly topics?: number;
  /** Power-law exponent of item popularity. Default 0.9. */
  readonly alpha?: number;
  /** Share of a user's picks drawn from their favourite topics. Default 0.8. */
  readonly focus?: number;
  /** Share of KG edges that follow the item's topic. Default 0.85. */
  readonly kgSignal?: number;
}

/** The benchmark sizes of issue 11: S, M, L. */
export const SYNTHETIC_SIZES = {
  S: { users: 2_000, items: 10_000, interactions: 100_000, triples: 60_000 },
  M: { users: 20_000, items: 100_000, interactions: 1_000_000, triples: 600_000 },
  L: { users: 100_000, items: 300_000, interactions: 10_000_000, triples: 2_000_000 },
} as const;
export type SyntheticSize = keyof typeof SYNTHETIC_SIZES;

export interface SyntheticItem {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly genres: readonly string[];
}

export interface SyntheticData {
  readonly spec: Required<SyntheticSpec>;
  readonly userIds: readonly string[];
  readonly items: readonly SyntheticItem[];
  /** Dense user / item indices into userIds / items. */
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly rating: Float32Array;
  readonly timestamp: Float64Array;
  /** KG entities (URIs) with labels; triples over entity indices; the item of entity e, or −1. */
  readonly entityUris: readonly string[];
  readonly entityLabels: readonly string[];
  readonly head: Int32Array;
  readonly relation: Int32Array;
  readonly tail: Int32Array;
  readonly relationUris: readonly string[];
  /** Ground truth: the topic of every item, and every user's topic weights (users × topics). */
  readonly itemTopic: Int32Array;
  readonly userTaste: Float32Array;
}

export const SYNTHETIC_BASE = 'http://example.org/knowrec-synthetic/';
const REL = ['createdBy', 'hasTag', 'releasedIn', 'memberOf'].map((r) => `${SYNTHETIC_BASE}rel/${r}`);
const T0 = 1_500_000_000;
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sa', 'tu', 'vel', 'zor', 'bri', 'dan', 'fe', 'gor', 'hal', 'ith', 'jun', 'kes', 'mar', 'nol', 'pra', 'quin', 'ros', 'tal', 'ul', 'wyn'];
const TOPIC_NAMES = ['noir', 'space', 'romance', 'western', 'heist', 'fantasy', 'war', 'comedy', 'horror', 'sports', 'music', 'spy', 'family', 'mystery', 'disaster', 'courtroom', 'pirate', 'robot', 'samurai', 'jungle', 'ocean', 'arctic', 'desert', 'circus'];

function fullSpec(s: SyntheticSpec): Required<SyntheticSpec> {
  const spec = { topics: 24, alpha: 0.9, focus: 0.8, kgSignal: 0.85, ...s };
  for (const k of ['users', 'items', 'interactions', 'triples', 'topics'] as const) {
    if (!Number.isInteger(spec[k]) || spec[k] < (k === 'triples' ? 0 : 1)) {
      throw new KnowrecError('config', `synthetic: ${k} must be a positive whole number, got ${spec[k]}`);
    }
  }
  if (spec.interactions > spec.users * spec.items) throw new KnowrecError('config', 'synthetic: more interactions than user–item pairs');
  return spec;
}

/** A seeded synthetic dataset (same spec and seed → the same data). */
export function generateSynthetic(s: SyntheticSpec): SyntheticData {
  const spec = fullSpec(s);
  const rng = createRng(spec.seed);
  const K = spec.topics;
  const words = topicWords(K, rng);
  const itemTopic = Int32Array.from({ length: spec.items }, () => rng.int(K));
  const weight = popularity(spec.items, spec.alpha, rng);
  const items = Array.from({ length: spec.items }, (_, i) => makeItem(i, itemTopic[i], words, rng));
  const userTaste = tastes(spec.users, K, rng);
  const byTopic = topicSamplers(itemTopic, weight, K);
  const inter = sampleInteractions(spec, userTaste, itemTopic, byTopic, rng);
  const kg = buildKg(spec, itemTopic, words, rng);
  const userIds = Array.from({ length: spec.users }, (_, u) => `u${u + 1}`);
  return { spec, userIds, items, ...inter, ...kg, relationUris: REL, itemTopic, userTaste };
}

function topicName(t: number): string {
  const base = TOPIC_NAMES[t % TOPIC_NAMES.length];
  return t < TOPIC_NAMES.length ? base : `${base}${Math.floor(t / TOPIC_NAMES.length) + 1}`;
}

/** 12 made-up words per topic (plus the topic's name): the vocabulary of its item texts. */
function topicWords(K: number, rng: Rng): string[][] {
  const used = new Set<string>();
  return Array.from({ length: K }, (_, t) => {
    const out = [topicName(t)];
    while (out.length < 13) {
      const w = SYLLABLES[rng.int(SYLLABLES.length)] + SYLLABLES[rng.int(SYLLABLES.length)] + SYLLABLES[rng.int(SYLLABLES.length)];
      if (!used.has(w)) {
        used.add(w);
        out.push(w);
      }
    }
    return out;
  });
}

/** Power-law weights over a random permutation of the items. */
function popularity(n: number, alpha: number, rng: Rng): Float64Array {
  const rank = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  return Float64Array.from(rank, (r) => Math.pow(r + 1, -alpha));
}

const pick = <T>(xs: readonly T[], rng: Rng): T => xs[rng.int(xs.length)];

function makeItem(i: number, topic: number, words: string[][], rng: Rng): SyntheticItem {
  const w = words[topic];
  const other = words[rng.int(words.length)];
  const title = `The ${cap(pick(w, rng))} ${cap(pick(w.slice(1), rng))} ${i + 1}`;
  const description =
    `A ${w[0]} story of ${pick(w, rng)} and ${pick(w, rng)}, where ${pick(w, rng)} meets ${pick(other, rng)}. ` +
    `Fans of ${pick(w, rng)} and ${pick(w, rng)} will find ${pick(w, rng)} here.`;
  const genres = rng.next() < 0.3 ? [topicName(topic), topicName(rng.int(words.length))] : [topicName(topic)];
  return { id: `sku-${String(i + 1).padStart(7, '0')}`, title, description, genres: [...new Set(genres)] };
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** users × K taste weights: 1–3 favourite topics, weights summing to 1. */
function tastes(users: number, K: number, rng: Rng): Float32Array {
  const out = new Float32Array(users * K);
  for (let u = 0; u < users; u++) {
    const n = 1 + rng.int(Math.min(3, K));
    let sum = 0;
    const chosen: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      const w = 0.2 + rng.next();
      chosen.push([rng.int(K), w]);
      sum += w;
    }
    for (const [t, w] of chosen) out[u * K + t] += w / sum;
  }
  return out;
}

interface TopicSampler {
  readonly items: Int32Array;
  /** Cumulative weights, last = total. */
  readonly cum: Float64Array;
}

function topicSamplers(itemTopic: Int32Array, weight: Float64Array, K: number): TopicSampler[] {
  const lists: number[][] = Array.from({ length: K }, () => []);
  itemTopic.forEach((t, i) => lists[t].push(i));
  return lists.map((l) => {
    const items = Int32Array.from(l);
    const cum = new Float64Array(items.length);
    let s = 0;
    items.forEach((it, j) => {
      s += weight[it];
      cum[j] = s;
    });
    return { items, cum };
  });
}

function drawFrom(s: TopicSampler, rng: Rng): number {
  if (s.items.length === 0) return -1;
  const x = rng.next() * s.cum[s.cum.length - 1];
  let lo = 0;
  let hi = s.cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.cum[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return s.items[lo];
}

/** Heavy-tailed per-user counts (≥ 5) summing to `total`. */
function userCounts(users: number, total: number, maxPerUser: number, rng: Rng): Int32Array {
  const raw = Float64Array.from({ length: users }, () => Math.exp(0.8 * rng.normal()));
  const sum = raw.reduce((a, b) => a + b, 0);
  const counts = Int32Array.from(raw, (r) => Math.min(maxPerUser, Math.max(5, Math.round((r / sum) * total))));
  let diff = total - counts.reduce((a, b) => a + b, 0);
  for (let u = 0; diff !== 0 && u < users * 4; u++) {
    const v = u % users;
    if (diff > 0 && counts[v] < maxPerUser) {
      counts[v]++;
      diff--;
    } else if (diff < 0 && counts[v] > 5) {
      counts[v]--;
      diff++;
    }
  }
  return counts;
}

function sampleInteractions(
  spec: Required<SyntheticSpec>,
  taste: Float32Array,
  itemTopic: Int32Array,
  byTopic: TopicSampler[],
  rng: Rng,
): { user: Int32Array; item: Int32Array; rating: Float32Array; timestamp: Float64Array } {
  const K = spec.topics;
  const counts = userCounts(spec.users, spec.interactions, Math.max(5, Math.floor(spec.items / 2)), rng);
  const n = counts.reduce((a, b) => a + b, 0);
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const rating = new Float32Array(n);
  const timestamp = new Float64Array(n);
  let p = 0;
  for (let u = 0; u < spec.users; u++) {
    const seen = new Set<number>();
    let t = T0 + rng.int(86400 * 365);
    for (let tries = 0; seen.size < counts[u] && tries < counts[u] * 20; tries++) {
      const topic = rng.next() < spec.focus ? drawTopic(taste, u, K, rng) : rng.int(K);
      const i = drawFrom(byTopic[topic], rng);
      if (i < 0 || seen.has(i)) continue;
      seen.add(i);
      const affinity = taste[u * K + itemTopic[i]];
      user[p] = u;
      item[p] = i;
      rating[p] = Math.max(1, Math.min(5, Math.round(2.6 + 2.4 * affinity + 0.8 * rng.normal())));
      t += 60 + rng.int(86400 * 3);
      timestamp[p] = t;
      p++;
    }
  }
  return { user: user.slice(0, p), item: item.slice(0, p), rating: rating.slice(0, p), timestamp: timestamp.slice(0, p) };
}

function drawTopic(taste: Float32Array, u: number, K: number, rng: Rng): number {
  let x = rng.next();
  for (let t = 0; t < K; t++) {
    x -= taste[u * K + t];
    if (x < 0) return t;
  }
  return rng.int(K);
}

interface KgParts {
  entityUris: string[];
  entityLabels: string[];
  head: Int32Array;
  relation: Int32Array;
  tail: Int32Array;
}

/** Item entities first (entity i = item i), then creators, tags, decades, studios. */
function buildKg(spec: Required<SyntheticSpec>, itemTopic: Int32Array, words: string[][], rng: Rng): KgParts {
  const K = spec.topics;
  const nItems = spec.items;
  const perTopic = Math.max(2, Math.round(nItems / K / 40));
  const uris: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < nItems; i++) {
    uris.push(`${SYNTHETIC_BASE}item/${i + 1}`);
    labels.push('');
  }
  const creators = entityBlock(uris, labels, K * perTopic, (c) => [`creator/${c + 1}`, `${cap(pick(words[Math.floor(c / perTopic)], rng))} ${cap(pick(SYLLABLES, rng))}ston`]);
  const tags = entityBlock(uris, labels, K * 6, (g) => [`tag/${g + 1}`, words[Math.floor(g / 6)][(g % 6) + 1]]);
  const decades = entityBlock(uris, labels, 8, (d) => [`decade/${1950 + 10 * d}`, `${1950 + 10 * d}s`]);
  const studios = entityBlock(uris, labels, K * 2, (s) => [`studio/${s + 1}`, `${cap(words[Math.floor(s / 2)][1])} Studio ${(s % 2) + 1}`]);
  const h: number[] = [];
  const r: number[] = [];
  const t: number[] = [];
  const add = (a: number, rel: number, b: number): void => {
    h.push(a);
    r.push(rel);
    t.push(b);
  };
  const topicOr = (topic: number): number => (rng.next() < spec.kgSignal ? topic : rng.int(K));
  for (let c = 0; c < K * perTopic && h.length < spec.triples; c++) add(creators + c, 3, studios + Math.floor(c / perTopic) * 2 + rng.int(2));
  const perItem = (spec.triples - h.length) / nItems;
  for (let i = 0; i < nItems && h.length < spec.triples; i++) {
    const budget = Math.floor((i + 1) * perItem) - Math.floor(i * perItem);
    const start = rng.int(6); // distinct tags per item (up to 6 per topic)
    for (let e = 0; e < budget && h.length < spec.triples; e++) {
      if (e === 0) add(i, 0, creators + topicOr(itemTopic[i]) * perTopic + rng.int(perTopic));
      else if (e === 1) add(i, 2, decades + rng.int(8));
      else add(i, 1, tags + topicOr(itemTopic[i]) * 6 + ((start + e) % 6));
    }
  }
  return { entityUris: uris, entityLabels: labels, head: Int32Array.from(h), relation: Int32Array.from(r), tail: Int32Array.from(t) };
}

/** Appends n entities named by `make` (path, label); returns the first one's index. */
function entityBlock(uris: string[], labels: string[], n: number, make: (k: number) => [string, string]): number {
  const first = uris.length;
  for (let k = 0; k < n; k++) {
    const [path, label] = make(k);
    uris.push(`${SYNTHETIC_BASE}${path}`);
    labels.push(label);
  }
  return first;
}

/** The reader's raw tables for `d` (what reading its files gives), without files. */
export function syntheticRaw(d: SyntheticData, name = 'synthetic'): RawDataset {
  const n = d.user.length;
  const lines = (m: number, off = 2): Int32Array => Int32Array.from({ length: m }, (_, i) => i + off);
  const names = new Map<string, string>();
  d.entityUris.forEach((u, e) => {
    if (d.entityLabels[e] !== '') names.set(u, d.entityLabels[e]);
  });
  return {
    name,
    source: 'synthetic',
    interactions: {
      file: 'ratings.csv',
      user: Array.from(d.user, (u) => d.userIds[u]),
      item: Array.from(d.item, (i) => d.items[i].id),
      rating: Float64Array.from(d.rating),
      timestamp: Float64Array.from(d.timestamp),
      lines: lines(n),
    },
    items: {
      file: 'items.csv',
      id: d.items.map((x) => x.id),
      title: d.items.map((x) => x.title),
      text: d.items.map((x) => ({ description: x.description })),
      attributes: d.items.map((x) => ({ genres: [...x.genres] })),
      lines: lines(d.items.length),
    },
    triples: {
      file: 'kg.nt',
      head: Array.from(d.head, (e) => d.entityUris[e]),
      relation: Array.from(d.relation, (r) => d.relationUris[r]),
      tail: Array.from(d.tail, (e) => d.entityUris[e]),
      lines: lines(d.head.length, 1),
    },
    links: { file: 'links.csv', item: d.items.map((x) => x.id), entity: d.items.map((_, i) => d.entityUris[i]), lines: lines(d.items.length) },
    entityNames: names,
  };
}
