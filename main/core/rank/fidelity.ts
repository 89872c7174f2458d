/**
 * Explanation fidelity: do the history items an explanation cites actually hold the item in the
 * list? For each (user, item) of a user's top-k, with the cited items C (no refit, the model's
 * own re-scoring without history items; the removed items stay unrankable):
 *   - necessity: without C the item falls out of the top-k (PN@k is the share of explanations
 *     where it does), and how many places it falls (rank drop);
 *   - sufficiency: with C as the whole history (every other training item removed) the item is
 *     still in the top-k (PS@k is the share where it is);
 * and the same for a random-evidence baseline: |C| history items drawn uniformly (seeded).
 * Explanations that cite nothing count as neither necessary nor sufficient (no evidence), and their
 * random baseline is empty too. An item that leaves the candidates ranks after all of them.
 */
import { createRng, type Rng } from '../random';
import { topK } from '../topk';
import { rankAmong } from './attribution';

/** A model that can score a user without some history items (no refit). */
export interface FidelitySubject {
  score(user: number): Float32Array;
  scoreWithout(user: number, removed: ReadonlySet<number>): Float32Array;
}

/** What a citation rule sees: never the held-out targets, only the model, the user and the list. */
export interface CitationContext {
  readonly user: number;
  readonly item: number;
  /** The user's scores (full length). */
  readonly scores: Float32Array;
  /** Items never ranked for the user. */
  readonly excluded: Uint8Array;
  readonly k: number;
}

/** Cites history items (dense indices) for the explanation of ctx.item. */
export type CitationRule = (ctx: CitationContext) => readonly number[];

export interface FidelityOptions {
  readonly subject: FidelitySubject;
  /** Dense user indices to explain (in this order). */
  readonly users: readonly number[];
  /** The user's training history (distinct dense item indices). */
  readonly history: (user: number) => readonly number[];
  /** Items never ranked for the user (e.g. train and valid items for the test list). */
  readonly excluded: (user: number) => Uint8Array;
  /** Citation rules by name, all measured on the same lists. */
  readonly rules: Readonly<Record<string, CitationRule>>;
  readonly k: number;
  /** Seed of the random-evidence baseline. */
  readonly seed: number;
  /** Called after each user (done, total) with the figures so far. */
  readonly onUser?: (done: number, total: number, sofar: () => Record<string, FidelitySummary>) => void;
  readonly signal?: AbortSignal;
}

/** One rule's figures; key names as in the results file. */
export interface FidelitySummary {
  readonly users: number;
  /** (user, item) pairs explained. */
  readonly explanations: number;
  readonly 'pn@k': number;
  readonly 'ps@k': number;
  readonly mean_rank_drop: number;
  readonly 'random_pn@k': number;
  readonly 'random_ps@k': number;
  readonly random_mean_rank_drop: number;
  /** Mean number of cited history items. */
  readonly cited_mean: number;
}

/** The ranks of one item with some evidence removed, and with it alone. */
export interface EvidenceRanks {
  readonly rankBefore: number;
  /** Rank without the evidence. */
  readonly rankWithout: number;
  /** Rank with the evidence as the whole history (+Infinity for no evidence). */
  readonly rankAlone: number;
}

/** Ranks of `item` before, without `evidence`, and with `evidence` as the only history. */
export function evidenceRanks(
  subject: FidelitySubject,
  user: number,
  item: number,
  evidence: readonly number[],
  history: readonly number[],
  excluded: Uint8Array,
  before: Float32Array,
): EvidenceRanks {
  const rankBefore = rankAmong(before, item, excluded);
  const cited = new Set(evidence);
  const rankWithout = cited.size === 0 ? rankBefore : rankAmong(subject.scoreWithout(user, cited), item, excluded);
  const rest = new Set(history.filter((h) => !cited.has(h)));
  let rankAlone = rankBefore;
  if (cited.size === 0) rankAlone = Number.POSITIVE_INFINITY; // no evidence is never sufficient
  else if (rest.size > 0) rankAlone = rankAmong(subject.scoreWithout(user, rest), item, excluded);
  return { rankBefore, rankWithout, rankAlone };
}

/** `n` distinct items drawn uniformly from `history` (all of it when n ≥ its length). */
export function randomEvidence(history: readonly number[], n: number, rng: Rng): number[] {
  const pool = [...history];
  const m = Math.min(n, pool.length);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, m);
}

/** `n` users drawn without replacement from `eligible` (seeded), in ascending index order. */
export function sampleUsers(eligible: readonly number[], n: number, seed: number): number[] {
  const rng = createRng(seed);
  return randomEvidence(eligible, n, rng).sort((a, b) => a - b);
}

interface Tally {
  n: number;
  pn: number;
  ps: number;
  drop: number;
  rpn: number;
  rps: number;
  rdrop: number;
  cited: number;
}

/** PN@k, PS@k, rank drops and their random baselines for every rule, over the users' top-k. */
export function measureFidelity(o: FidelityOptions): Record<string, FidelitySummary> {
  const names = Object.keys(o.rules);
  const tallies = new Map<string, Tally>(names.map((r) => [r, { n: 0, pn: 0, ps: 0, drop: 0, rpn: 0, rps: 0, rdrop: 0, cited: 0 }]));
  const rngs = new Map(names.map((r, i) => [r, createRng(o.seed + 7919 * (i + 1))]));
  let users = 0;
  for (const user of o.users) {
    if (o.signal?.aborted === true) throw o.signal.reason;
    const scores = o.subject.score(user);
    const excluded = o.excluded(user);
    const history = o.history(user);
    const list = Array.from(topK(scores, o.k, excluded)).filter((i) => Number.isFinite(scores[i]));
    if (list.length > 0) users++;
    for (const item of list) {
      for (const name of names) {
        const t = tallies.get(name) as Tally;
        const cited = o.rules[name]({ user, item, scores, excluded, k: o.k });
        const m = evidenceRanks(o.subject, user, item, cited, history, excluded, scores);
        const random = randomEvidence(history, cited.length, rngs.get(name) as Rng);
        const r = evidenceRanks(o.subject, user, item, random, history, excluded, scores);
        t.n++;
        t.cited += cited.length;
        t.pn += m.rankWithout > o.k ? 1 : 0;
        t.ps += m.rankAlone <= o.k ? 1 : 0;
        t.drop += m.rankWithout - m.rankBefore;
        t.rpn += r.rankWithout > o.k ? 1 : 0;
        t.rps += r.rankAlone <= o.k ? 1 : 0;
        t.rdrop += r.rankWithout - r.rankBefore;
      }
    }
    const n = users;
    o.onUser?.(users, o.users.length, () => summarize(tallies, n));
  }
  return summarize(tallies, users);
}

function summarize(tallies: ReadonlyMap<string, Tally>, users: number): Record<string, FidelitySummary> {
  const out: Record<string, FidelitySummary> = {};
  const mean = (x: number, n: number): number => (n > 0 ? Math.round((x / n) * 1e4) / 1e4 : 0);
  for (const [name, t] of tallies) {
    out[name] = {
      users,
      explanations: t.n,
      'pn@k': mean(t.pn, t.n),
      'ps@k': mean(t.ps, t.n),
      mean_rank_drop: mean(t.drop, t.n),
      'random_pn@k': mean(t.rpn, t.n),
      'random_ps@k': mean(t.rps, t.n),
      random_mean_rank_drop: mean(t.rdrop, t.n),
      cited_mean: mean(t.cited, t.n),
    };
  }
  return out;
}
