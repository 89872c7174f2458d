/**
 * Evaluation runs stored in the workspace and the stakeholder report: a self-contained HTML
 * document (renderReport: tables and inline SVG, no scripts) of a run's seeds and of chosen
 * explanations read from the serving snapshot.
 */
import type { Api, ApiGroupMethod, ReportExport, RunDetail } from '../contract';
import { type ApiContext, type Opened } from '../context';
import { guard } from '../result';
import { recommendFor } from './recommend';
import { KnowrecError } from '../../core/errors';
import type { ReasonLang } from '../../core/rank';
import { renderReport, type ExplainedUser } from '../../jobs/report';
import { listRuns, readRun } from '../../jobs/runs';
import { metricName, type DisplayLang } from '../display-names';
import { reportWords } from '../../jobs/report-messages';

type RunMethods = Pick<Api, ApiGroupMethod<'runs'>>;

/** "ndcg 0.3012 ± 0.0040" lines of a run, best model first. */
export function runNotes(d: RunDetail, lang: DisplayLang = 'en'): string[] {
  const w = reportWords(lang);
  const lines = [w('noteRun', { id: d.id, dataset: d.dataset, protocol: d.protocol, seeds: d.seeds.join(', '), k: d.k })];
  const rows = [...d.results].sort((a, b) => (b.test.ndcg?.mean ?? 0) - (a.test.ndcg?.mean ?? 0));
  for (const r of rows) {
    const part = (name: string): string => {
      const m = r.test[name];
      const shown = (key: string): string => (lang === 'en' ? key : metricName(key, lang));
      return m === undefined ? `${shown(name)} —` : `${shown(`${name}@${d.k}`)} ${m.mean.toFixed(4)} ± ${m.std.toFixed(4)}`;
    };
    const tail = r.slices['long-tail']?.recall;
    const cold = r.slices.cold?.recall;
    lines.push(
      `${r.model}: ${[part('ndcg'), part('recall'), part('mrr'), part('hit')].join(', ')}` +
        (tail !== undefined ? w('noteTail', { k: d.k, value: tail.mean.toFixed(4) }) : '') +
        (cold !== undefined ? w('noteCold', { k: d.k, value: cold.mean.toFixed(4) }) : '') +
        w('noteSeeds', { n: d.seeds.length, seeds: w(d.seeds.length === 1 ? 'seedOne' : 'seedMany') }),
    );
  }
  lines.push(w('noteLongTail'));
  return lines;
}

async function explainedUsers(ctx: ApiContext, o: Opened, pairs: readonly { user: string; item: string }[], lang: ReasonLang | undefined): Promise<ExplainedUser[]> {
  const byUser = new Map<string, string[]>();
  for (const p of pairs) {
    const list = byUser.get(p.user) ?? [];
    if (!list.includes(p.item)) list.push(p.item);
    byUser.set(p.user, list);
  }
  const out: ExplainedUser[] = [];
  for (const [user, items] of byUser) {
    const recs = await recommendFor(ctx, o, user, Number.MAX_SAFE_INTEGER, lang);
    const chosen = items.map((id) => {
      const r = recs.items.find((x) => x.item === id);
      if (r === undefined) {
        throw new KnowrecError('not-found', `item "${id}" is not among user ${user}'s ${recs.items.length} recommendations in the fitted model`, { file: recs.model.dir }, 'pick explanations from the Recommendations view');
      }
      return r;
    });
    out.push({ user, items: chosen, k: recs.model.k });
  }
  return out;
}

export function runMethods(ctx: ApiContext): RunMethods {
  return {
    listRuns: () => guard(async () => listRuns((await ctx.ensureOpen()).ws.runs)),

    getRun: (request) => guard(async () => readRun((await ctx.ensureOpen()).ws.runs, request.id).detail),

    exportReport: (request) =>
      guard(async (): Promise<ReportExport> => {
        const o = await ctx.ensureOpen();
        const run = request.run !== undefined ? readRun(o.ws.runs, request.run) : null;
        const explained = request.explanations !== undefined && request.explanations.length > 0 ? await explainedUsers(ctx, o, request.explanations, request.lang) : [];
        const lang = request.lang ?? 'en';
        const w = reportWords(lang);
        const title = run !== null ? w('titleRun', { dataset: run.detail.dataset, protocol: run.detail.protocol }) : w('titleExplanations');
        const html = renderReport({
          title,
          runs: run?.files ?? [],
          explained,
          notes: run !== null ? runNotes(run.detail, lang) : [],
          lang,
        });
        const stem = run !== null ? run.detail.id : `explanations-${new Date().toISOString().slice(0, 10)}`;
        return { filename: `knowrec-report-${stem.replace(/[^A-Za-z0-9._-]/g, '_')}.html`, html };
      }),
  };
}
