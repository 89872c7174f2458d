/**
 * The report's parts for evaluation statistics: the pairwise comparison table (deltas, bootstrap
 * intervals, Holm-corrected p with significance marks), the slice gaps, and the legend of
 * metrics and signals — all named through the one display-name table (api/display-names.ts).
 */
import { formatP, metricDescription, metricName, signalDescription, signalName, significanceMark, sliceName, type DisplayLang } from '../api/display-names';
import { reportWords } from './report-messages';
import type { ResultsFile } from './evaluate';

type Esc = (s: string) => string;

/** The comparisons of a results file as a table (one row per pair and metric). */
export function comparisonsTable(run: ResultsFile, esc: Esc, lang: DisplayLang = 'en'): string {
  const w = reportWords(lang);
  const rows = run.comparisons ?? [];
  if (rows.length === 0) return '';
  const body = rows
    .map(
      (c) =>
        `<tr><th scope="row">${esc(c.b)} − ${esc(c.a)}</th><td title="${esc(metricDescription(c.metric, lang))}">${esc(metricName(c.metric, lang))}</td>` +
        `<td>${c.delta >= 0 ? '+' : ''}${c.delta.toFixed(4)}</td><td>[${c.ci95[0].toFixed(4)}, ${c.ci95[1].toFixed(4)}]</td>` +
        `<td>${formatP(c.p)}</td><td>${formatP(c.p_holm)}</td><td class="mark">${significanceMark(c.p_holm)}</td></tr>`,
    )
    .join('');
  return (
    `<h3>${w('noiseTitle')}</h3><p class="small">${w('noiseHelp')}</p>` +
    `<table class="comparisons"><tr><th>${w('pair')}</th><th>${w('metric')}</th><th>${w('difference')}</th><th>${w('interval')}</th><th>p</th><th>${w('pHolm')}</th><th></th></tr>${body}</table>`
  );
}

/** Best and worst slice by NDCG@K per slice family, per model. */
export function sliceGapTable(run: ResultsFile, esc: Esc, lang: DisplayLang = 'en'): string {
  const w = reportWords(lang);
  const slice = (key: string): string => sliceName(key, lang);
  const models = Object.entries(run.results).filter(([, m]) => m.slice_gaps !== undefined);
  if (models.length === 0) return '';
  const families = [...new Set(models.flatMap(([, m]) => Object.keys(m.slice_gaps ?? {})))];
  const head = `<tr><th>${w('model')}</th>${families.map((f) => `<th>${esc(w('bestWorst', { family: slice(f) }))}</th>`).join('')}</tr>`;
  const body = models
    .map(([name, m]) => {
      const cells = families.map((f) => {
        const g = m.slice_gaps?.[f];
        return g === undefined ? '<td>—</td>' : `<td>${esc(slice(g.best))} / ${esc(slice(g.worst))} (${g.gap.toFixed(4)})</td>`;
      });
      return `<tr><th scope="row">${esc(name)}</th>${cells.join('')}</tr>`;
    })
    .join('');
  return `<h3>${esc(w('slicesTitle', { metric: metricName(`ndcg@${run.protocol.k}`, lang) }))}</h3><table class="slices">${head}${body}</table>`;
}

/** Legend: each metric of the table, and each signal, by display name with its one-line description. */
export function legend(metrics: readonly string[], signals: readonly string[], esc: Esc, lang: DisplayLang = 'en'): string {
  const item = (name: string, desc: string): string => `<dt>${esc(name)}</dt><dd>${esc(desc)}</dd>`;
  const m = metrics.map((k) => item(metricName(k, lang), metricDescription(k, lang))).join('');
  const s = signals.map((k) => item(signalName(k, lang), signalDescription(k, lang))).join('');
  return `<section id="legend"><h2>${reportWords(lang)('legend')}</h2><dl class="protocol">${m}${s}</dl></section>`;
}
