/**
 * `knowrec evaluate --explain-fidelity`: per model that can explain (the hybrid and the scorers
 * that attribute their score to the history: ease, itemknn, kg-profile, semantic, and bpr and
 * kg-embed by fold-in), how faithful
 * its explanations are on a seeded sample of test users' top-k (core/rank/fidelity.ts): the
 * explanations' own citation rule ("after"), the post-hoc rule the explanations used before
 * attribution ("before": history items picked by KG ties after the fact), and for each a
 * random-evidence baseline of the same size.
 */
import { KgIndex } from '../core/kg';
import { concatInteractions, rowIndices, rowValues, toCsr } from '../core/matrix';
import { isAttributable, type HistoryAttribution } from '../core/models/attribution';
import { KgProfileScorer } from '../core/models/kg-profile';
import { SemanticScorer } from '../core/models/semantic';
import { SemanticFtScorer } from '../core/models/semantic-ft';
import {
  citeEvidence,
  coInteractionCounter,
  combineShares,
  signalShares,
  explanationEvidence,
  HybridScorer,
  measureFidelity,
  posthocEvidence,
  sampleUsers,
  type CitationRule,
  type FidelitySubject,
  type FidelitySummary,
  type RelatedInput,
} from '../core/rank';
import type { Csr, Dataset, Scorer, Split } from '../core/types';
import type { FittedModel } from './model-factory';

/** One citation rule's figures in the results file (`pn@10` etc. carry the list length). */
export type FidelityRow = Readonly<Record<string, number | string>>;

/** results.<model>.fidelity: the explanations' rule at the top level, the post-hoc rule as `before`. */
export interface ModelFidelity {
  readonly [key: string]: number | string | FidelityRow | undefined;
  readonly before: FidelityRow;
  readonly top_contributors?: FidelityRow;
}

export interface FidelityJobOptions {
  /** Test users sampled (seeded). */
  readonly users: number;
  readonly k: number;
  readonly seed: number;
  /** Also measure the plain top-3 contributors by share (the benchmark's middle row). */
  readonly topContributors?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number) => void;
  /** Figures so far, every `every` users (long runs). */
  readonly onPartial?: { readonly every: number; readonly report: (users: number, rows: Record<string, FidelitySummary>) => void };
}

/** What the rules share across the models of one evaluation (built once: fidelityData). */
export interface FidelityData {
  readonly dataset: Dataset;
  readonly split: Split;
  readonly fitted: ReadonlyMap<string, Promise<FittedModel>>;
  readonly kg: KgIndex;
  /** The training interactions, and train + valid (the items no list may show). */
  readonly train: Csr;
  readonly seen: Csr;
  readonly coLiked: (a: number, b: number) => number;
}

/** The shared inputs of every model's fidelity in one evaluation; `kg` is the evaluation's own index. */
export function fidelityData(dataset: Dataset, split: Split, fitted: ReadonlyMap<string, Promise<FittedModel>>, kg: KgIndex): FidelityData {
  const train = toCsr(split.train, split.nUsers, split.nItems);
  const seen = toCsr(concatInteractions([split.train, split.valid]), split.nUsers, split.nItems);
  return { dataset, split, fitted, kg, train, seen, coLiked: coInteractionCounter(train) };
}

export const FIDELITY_PROTOCOL =
  'explain-fidelity: a seeded sample of test users (users with ≥1 test item, seed = --seed), each with its test top-k (train and valid items excluded). ' +
  'For each listed item the cited history items C are removed with no refit (the model re-scores without them: EASE/item-kNN rows subtracted exactly, ' +
  'semantic history mean and kg-profile recomputed, BPR/kg-embed user factor shifted by the ridge fold-in\'s change without C, sources that cannot leave items out keep their scores, the fusion re-run); the removed items stay unrankable. ' +
  'pn@k = share of explanations whose item falls out of the top-k without C; ps@k = share whose item stays in the top-k when C is the whole history ' +
  '(every other training item removed the same way); mean_rank_drop = mean (rank without C − rank before), an item that leaves the candidates ranking after all of them; ' +
  'random_* = the same with |C| history items drawn uniformly (seeded); cited_mean = mean |C|; an explanation citing nothing counts as neither necessary nor sufficient. ' +
  "Top level: the explanations' rule (citeEvidence: the fewest ≤3 of the top-5 contributors, ordered by their single-removal effect, that drop the item, else the top-3 contributors by share). " +
  "before: the post-hoc rule explanations used before attribution (the 3 history items sharing the most specific KG entities with the item, then item-vector similarity, then co-interaction). " +
  'Citation rules see only the training history and the model, never test items.';

/** The fidelity of `name`'s explanations, or null when the model cannot explain (pop). */
export async function modelFidelity(scorer: Scorer, data: FidelityData, o: FidelityJobOptions): Promise<ModelFidelity | null> {
  const subject = subjectOf(scorer);
  if (subject === null) return null;
  const { split, train, seen } = data;
  const related = await relatedInputs(data);
  const rules: Record<string, CitationRule> = {
    after: subject.rule,
    before: (c) => posthocEvidence({ ...related, user: c.user, item: c.item }),
  };
  if (o.topContributors === true) rules.top_contributors = subject.topContributors;
  const eligible = [...new Set(split.test.user)].sort((a, b) => a - b);
  const summary = measureFidelity({
    subject: subject.subject,
    users: sampleUsers(eligible, o.users, o.seed),
    history: (u) => [...new Set(rowIndices(train, u))],
    excluded: (u) => {
      const m = new Uint8Array(split.nItems);
      for (const i of rowIndices(seen, u)) m[i] = 1;
      return m;
    },
    rules,
    k: o.k,
    seed: o.seed,
    signal: o.signal,
    onUser: (d, n, sofar) => {
      o.onProgress?.(d / n);
      if (o.onPartial !== undefined && d % o.onPartial.every === 0) o.onPartial.report(d, sofar());
    },
  });
  const row = (s: FidelitySummary, citation: string): FidelityRow => withK(s, o.k, citation);
  return {
    ...row(summary.after, 'explanation: counterfactual set of ≤3 top contributors, else top-3 contributors'),
    before: row(summary.before, 'posthoc: 3 history items most tied to the item in the KG (before attribution)'),
    ...(summary.top_contributors !== undefined ? { top_contributors: row(summary.top_contributors, 'top-3 contributors by share') } : {}),
  };
}

function withK(s: FidelitySummary, k: number, citation: string): FidelityRow {
  return {
    users: s.users,
    [`pn@${k}`]: s['pn@k'],
    [`ps@${k}`]: s['ps@k'],
    mean_rank_drop: s.mean_rank_drop,
    [`random_pn@${k}`]: s['random_pn@k'],
    [`random_ps@${k}`]: s['random_ps@k'],
    random_mean_rank_drop: s.random_mean_rank_drop,
    cited_mean: s.cited_mean,
    explanations: s.explanations,
    citation,
  };
}

interface Subject {
  readonly subject: FidelitySubject;
  readonly rule: CitationRule;
  readonly topContributors: CitationRule;
}

function subjectOf(scorer: Scorer): Subject | null {
  if (scorer instanceof HybridScorer) {
    const h = scorer;
    const subject = memoized({ score: (u) => h.score(u), scoreWithout: (u, r) => h.scoreWithout(u, r) });
    const source = { contributions: h.contributions.bind(h), historyParts: h.historyParts.bind(h), ...subject };
    return {
      subject,
      rule: (c) => explanationEvidence(source, { user: c.user, item: c.item, k: c.k, excluded: c.excluded, scores: c.scores }),
      topContributors: (c) => hybridTop3(h, c.user, c.item),
    };
  }
  if (!isAttributable(scorer)) return null;
  const a: HistoryAttribution & Scorer = scorer;
  const subject = memoized({ score: (u) => a.score(u), scoreWithout: (u, r) => a.scoreWithout(u, r) ?? a.score(u) });
  const contributors = (u: number, i: number): number[] => (a.attribute(u, i) ?? []).filter((t) => t.weight > 0).map((t) => t.item);
  return {
    subject,
    rule: (c) => citeEvidence(subject, c.user, c.item, contributors(c.user, c.item), c.k, c.excluded, c.scores).cited,
    topContributors: (c) => contributors(c.user, c.item).slice(0, 3),
  };
}

/**
 * The subject with its re-scorings of the current user remembered by removed set (the citation
 * search and the measurement often ask for the same set); forgotten when the user changes.
 */
function memoized(s: FidelitySubject): FidelitySubject {
  let user = -1;
  const memo = new Map<string, Float32Array>();
  return {
    score: (u) => s.score(u),
    scoreWithout: (u, removed) => {
      if (u !== user) {
        memo.clear();
        user = u;
      }
      const key = [...removed].sort((x, y) => x - y).join(',');
      let v = memo.get(key);
      if (v === undefined) {
        v = s.scoreWithout(u, removed);
        memo.set(key, v);
      }
      return v;
    },
  };
}

/** The top 3 contributors by share: what explanations cited when attribution landed. */
function hybridTop3(h: HybridScorer, user: number, item: number): number[] {
  const { signals } = signalShares(h.contributions(user, item).signals);
  return combineShares(signals, h.historyParts(user, item)).history.slice(0, 3).map((x) => x.item);
}

/** What the post-hoc rule reads: the KG, kg-profile's terms and item vectors when fitted in this run, co-interaction. */
async function relatedInputs(data: FidelityData): Promise<Omit<RelatedInput, 'user' | 'item'>> {
  let semantic: SemanticScorer | SemanticFtScorer | null = null;
  let kgProfile: KgProfileScorer | null = null;
  for (const p of data.fitted.values()) {
    const f = await p;
    if (f.scorer instanceof SemanticScorer || f.scorer instanceof SemanticFtScorer) semantic = f.scorer;
    if (f.scorer instanceof KgProfileScorer) kgProfile = f.scorer;
  }
  const sem = semantic;
  return {
    dataset: data.dataset,
    kg: data.kg,
    trainHistory: (v) => ({ items: rowIndices(data.train, v), ratings: rowValues(data.train, v) }),
    kgProfile: kgProfile ?? undefined,
    itemVectors: sem !== null ? (j: number) => sem.itemVector(j) : undefined,
    coLiked: data.coLiked,
  };
}
