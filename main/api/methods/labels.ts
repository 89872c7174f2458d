/**
 * Labels through the Api: the labeling queue (active learning over the serving snapshot's
 * per-user explanations, main/core/rank/label-queue.ts), adding and undoing labels, paging and
 * counts; accepting or rejecting an explanation (judgeExplanation: a label of kind
 * 'explanation' with what it cited as provenance; an accepted one is a positive pair for the next
 * fine-tune, a rejected one is excluded, see core/store/labels.ts). A fact label can hide a fact
 * from the KG, so fact labels drop the cached dataset and send a 'workspace' event.
 *
 * The queue's model version is the active fine-tuned adapter's id when one is active (workspace
 * meta 'active_adapter'), else the snapshot's `<model>@<created>`.
 */
import type { Api, ApiGroupMethod, Label, LabelProposal } from '../contract';
import { type ApiContext, type Opened } from '../context';
import { guard } from '../result';
import { KnowrecError } from '../../core/errors';
import { proposeLabels, QUEUE_DEFAULTS, type QueueCandidate, type QueueProposal, type QueueStrategy } from '../../core/rank/label-queue';
import type { LabelStore, StoredLabel } from '../../core/store';
import type { Dataset } from '../../core/types';

type LabelMethods = Pick<Api, ApiGroupMethod<'labels'>>;

/** Workspace meta key holding the active adapter version id. */
export const ACTIVE_ADAPTER_KEY = 'active_adapter';

function toLabel(l: StoredLabel, titles?: ReadonlyMap<string, string>): Label {
  return {
    id: l.id,
    kind: l.kind,
    user: l.user,
    item: l.item,
    head: l.head,
    relation: l.relation,
    tail: l.tail,
    value: l.value,
    author: l.author,
    created: l.created,
    modelVersion: l.modelVersion,
    title: l.item === null ? null : (titles?.get(l.item) ?? null),
    provenance: l.provenance,
  };
}

/** The titles of the items `ids` (one pass over the catalog, no map of all of it: a label is judged per key press). */
function titlesOf(ds: Dataset, ids: Iterable<string | null>): Map<string, string> {
  const wanted = new Set(ids);
  const out = new Map<string, string>();
  for (const it of ds.items) if (wanted.has(it.id)) out.set(it.id, it.title);
  return out;
}

/** Titles of the items `ids`: from the store's SQL when it has it, else from the loaded dataset. */
async function titlesFor(ctx: ApiContext, o: Opened, ids: Iterable<string | null>): Promise<Map<string, string>> {
  if (o.ws.itemTitles !== undefined && o.ws.getMeta('dataset') !== null) return o.ws.itemTitles([...ids].filter((id): id is string => id !== null));
  return titlesOf(await ctx.datasetOf(o), ids);
}

/** The imported dataset's name (without loading it when the store says it); 'not-found' before an import. */
async function datasetName(ctx: ApiContext, o: Opened): Promise<string> {
  return (o.ws.itemTitles !== undefined ? o.ws.getMeta('dataset') : null) ?? (await ctx.datasetOf(o)).name;
}

/** Titles of the items `ids` in the workspace's dataset; none when nothing is imported yet. */
async function titlesIfAny(ctx: ApiContext, o: Opened, ids: Iterable<string | null>): Promise<Map<string, string>> {
  try {
    return await titlesFor(ctx, o, ids);
  } catch (e) {
    if (e instanceof KnowrecError && e.code === 'not-found') return new Map();
    throw e;
  }
}

/** Every unlabelled pair of the snapshot, in queue order (empty when nothing is fitted). */
async function proposals(ctx: ApiContext, o: Opened, order: { strategy?: QueueStrategy; seed?: number } = {}): Promise<{ list: QueueProposal[] }> {
  const name = await datasetName(ctx, o);
  let snapshot;
  try {
    snapshot = ctx.snapshotFor(name).snapshot;
  } catch (e) {
    if (e instanceof KnowrecError && e.code === 'not-found') return { list: [] };
    throw e;
  }
  const version = o.ws.getMeta(ACTIVE_ADAPTER_KEY) ?? `${snapshot.manifest.model}@${snapshot.manifest.created}`;
  const candidates: QueueCandidate[] = [];
  for (const [user, recs] of Object.entries(snapshot.recommendations)) {
    for (const r of recs) candidates.push({ user, item: r.item, score: r.score, signals: r.explanation.signals, against: r.explanation.against, modelVersion: version });
  }
  const list = proposeLabels(candidates, { keep: Math.min(QUEUE_DEFAULTS.keep, snapshot.manifest.k), exclude: o.ws.labels.labelledPairs(), ...order });
  return { list };
}

export function labelMethods(ctx: ApiContext): LabelMethods {
  const labels = (o: Opened): LabelStore => o.ws.labels;
  return {
    labelQueue: (request) =>
      guard(async (): Promise<LabelProposal[]> => {
        const o = await ctx.ensureOpen();
        const { list } = await proposals(ctx, o, { ...(request.strategy !== undefined ? { strategy: request.strategy } : {}), ...(request.seed !== undefined ? { seed: request.seed } : {}) });
        const shown = list.slice(0, request.limit);
        const titles = await titlesFor(ctx, o, shown.map((p) => p.item));
        return shown.map((p) => ({
          user: p.user,
          item: p.item,
          title: titles.get(p.item) ?? p.item,
          score: p.score,
          why: p.why,
          priority: Math.round(p.priority * 1e6) / 1e6,
          strategy: p.strategy,
          rank: p.rank + 1,
          signals: p.signals,
          against: p.against,
          modelVersion: p.modelVersion,
        }));
      }),

    addLabel: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const meta = { value: request.value, ...(request.author !== undefined ? { author: request.author } : {}), modelVersion: request.modelVersion ?? null };
        const stored =
          request.kind === 'relevance'
            ? labels(o).add({ kind: 'relevance', user: request.user, item: request.item, ...meta })
            : labels(o).add({ kind: 'fact', head: request.head, relation: request.relation, tail: request.tail, ...meta });
        if (stored.kind === 'fact') await ctx.changed(o);
        return toLabel(stored, await titlesIfAny(ctx, o, [stored.item]));
      }),

    judgeExplanation: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const stored = labels(o).add({
          kind: 'explanation',
          user: request.user,
          item: request.item,
          value: request.verdict === 'accept' ? 1 : 0,
          ...(request.author !== undefined ? { author: request.author } : {}),
          modelVersion: request.modelVersion ?? null,
          provenance: { history: request.history, facts: request.facts, ties: request.ties ?? [], reason: request.reason ?? null },
        });
        return toLabel(stored, await titlesIfAny(ctx, o, [stored.item]));
      }),

    undoLabel: () =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const undone = labels(o).undo();
        if (undone?.kind === 'fact') await ctx.changed(o);
        return undone === null ? null : toLabel(undone, await titlesIfAny(ctx, o, [undone.item]));
      }),

    listLabels: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const page = labels(o).list({ offset: request.offset, limit: request.limit, ...(request.kind !== undefined ? { kind: request.kind } : {}) });
        const titles = await titlesIfAny(ctx, o, page.rows.map((l) => l.item));
        return { offset: page.offset, limit: page.limit, total: page.total, rows: page.rows.map((l) => toLabel(l, titles)) };
      }),

    labelStats: () =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const s = labels(o).stats();
        const { list } = await proposals(ctx, o);
        return { relevant: s.relevant, notRelevant: s.notRelevant, factCorrect: s.factCorrect, factWrong: s.factWrong, queued: list.length };
      }),
  };
}
