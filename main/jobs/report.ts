/**
 * A self-contained HTML report of evaluation runs and explained recommendations, for
 * stakeholders: no scripts, no external files — tables and inline SVG bar charts only.
 */
import { metricDescription, metricName, signalName, type DisplayLang } from '../api/display-names';
import type { ResultsFile } from './evaluate';
import { comparisonsTable, legend, sliceGapTable } from './report-stats';
import { ordinalIn, protocolText, reportWords, type ReportWords } from './report-messages';

export interface ExplainedItem {
  readonly item: string;
  readonly title: string;
  readonly score: number;
  readonly explanation?: {
    readonly signals: Readonly<Record<string, number>>;
    readonly against: Readonly<Record<string, number>>;
    readonly history: readonly { readonly item: string; readonly title: string; readonly relation: string; readonly share?: number | null }[];
    readonly facts: readonly string[];
    readonly reason: string;
    /** The rank without the counterfactual's history items (absent in older snapshots). */
    readonly counterfactual?: {
      readonly removed: readonly { readonly item: string; readonly title: string }[];
      readonly rankBefore: number;
      readonly rankAfter: number;
    } | null;
  };
}

export interface ExplainedUser {
  readonly user: string;
  readonly items: readonly ExplainedItem[];
  /** Length of the list the counterfactual asks about (the fit's k); default 10. */
  readonly k?: number;
}

export interface ReportInput {
  readonly title: string;
  /** Runs to show; the first is the main one (its test metrics are charted). */
  readonly runs: readonly ResultsFile[];
  readonly explained?: readonly ExplainedUser[];
  readonly notes?: readonly string[];
  readonly created?: string;
  /** The report's language (words, display names, ordinals); default English. */
  readonly lang?: DisplayLang;
}

const PALETTE = ['#3b6ea5', '#d97b29', '#4f9a5a', '#b8474a', '#7d5ba6', '#8c6d3f', '#c26aa8', '#6f7d8c', '#b5a13b', '#2f9aa6'];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Horizontal bar chart as inline SVG. */
export function barChart(title: string, rows: readonly { label: string; value: number }[], opts: { max?: number; digits?: number } = {}): string {
  const width = 560;
  const labelW = 150;
  const barH = 20;
  const gap = 6;
  const top = 28;
  const height = top + rows.length * (barH + gap) + 8;
  const max = opts.max ?? Math.max(1e-9, ...rows.map((r) => r.value));
  const digits = opts.digits ?? 4;
  const bars = rows
    .map((r, i) => {
      const y = top + i * (barH + gap);
      const w = Math.max(0, ((width - labelW - 70) * r.value) / max);
      return (
        `<text x="${labelW - 8}" y="${y + barH * 0.72}" text-anchor="end">${esc(r.label)}</text>` +
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(r.label)}: ${r.value.toFixed(digits)}</title></rect>` +
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + barH * 0.72}">${r.value.toFixed(digits)}</text>`
      );
    })
    .join('');
  return (
    `<figure class="chart"><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">` +
    `<text x="0" y="16" font-weight="600" font-size="13">${esc(title)}</text>${bars}</svg></figure>`
  );
}

function metricsTable(run: ResultsFile, w: ReportWords, lang: DisplayLang): string {
  const k = run.protocol.k;
  const cols = tableColumns(run);
  const cold = Object.values(run.results).some((m) => m.cold_test !== undefined);
  const th = (c: string): string => `<th title="${esc(metricDescription(c, lang))}">${esc(metricName(c, lang))}</th>`;
  const head = `<tr><th>${w('model')}</th>${cols.map(th).join('')}${cold ? `<th>${esc(w('coldItem', { metric: metricName(`recall@${k}`, lang) }))}</th>` : ''}<th>${w('fitSeconds')}</th></tr>`;
  const best: Record<string, number> = {};
  for (const c of cols) best[c] = Math.max(...Object.values(run.results).map((m) => m.test[c] ?? -Infinity));
  const body = Object.entries(run.results)
    .map(([name, m]) => {
      const cells = cols.map((c) => {
        const v = m.test[c];
        const strong = v !== undefined && v === best[c] && !/^(novelty|avgpop|gini|ild)/.test(c) ? ' class="best"' : '';
        return `<td${strong}>${v === undefined ? '—' : v.toFixed(4)}</td>`;
      });
      const coldCell = cold ? `<td>${m.cold_test?.[`recall@${k}`]?.toFixed(4) ?? '—'}</td>` : '';
      return `<tr><th scope="row">${esc(name)}</th>${cells.join('')}${coldCell}<td>${m.fit_seconds.toFixed(1)}</td></tr>`;
    })
    .join('');
  return `<table>${head}${body}</table>`;
}

const REPORT_COLUMNS = ['ndcg', 'recall', 'mrr', 'hit', 'precision', 'coverage', 'novelty', 'longtail', 'gini', 'avgpop', 'ild_kg', 'ild_emb'];

/** The metric keys @K of the table: the accuracy and beyond-accuracy ones some model has. */
function tableColumns(run: ResultsFile): string[] {
  const k = run.protocol.k;
  return REPORT_COLUMNS.map((c) => `${c}@${k}`).filter((c, i) => i < 8 || Object.values(run.results).some((m) => m.test[c] !== undefined));
}

/** Explanation fidelity per model (`results.<model>.fidelity`, written by evaluate --explain-fidelity), when the run has it. */
function fidelityTable(run: ResultsFile, w: ReportWords): string {
  const rows = Object.entries(run.results)
    .map(([name, m]) => [name, (m as { fidelity?: Readonly<Record<string, number>> }).fidelity] as const)
    .filter((r): r is readonly [string, Readonly<Record<string, number>>] => typeof r[1] === 'object' && r[1] !== null);
  if (rows.length === 0) return '';
  const cols = ['users', 'pn@10', 'ps@10', 'mean_rank_drop', 'random_pn@10', 'random_ps@10', 'cited_mean'];
  const cell = (v: number | undefined): string => `<td>${typeof v !== 'number' ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(3)}</td>`;
  const head = `<tr><th>${w('model')}</th>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = rows.map(([name, f]) => `<tr><th scope="row">${esc(name)}</th>${cols.map((c) => cell(f[c])).join('')}</tr>`).join('');
  return `<h3>${w('fidelityTitle')}</h3><p class="small">${w('fidelityHelp')}</p><table>${head}${body}</table>`;
}

function protocolBlock(run: ResultsFile, w: ReportWords, lang: DisplayLang): string {
  const p = run.protocol;
  const say = (text: string): string => esc(protocolText(text, lang));
  const d = run.data;
  const data = w('dataLine', { dataset: run.dataset, users: d.users, items: d.items, train: d.train, valid: d.valid, test: d.test }) + (d.cold_items > 0 ? w('coldItems', { n: d.cold_items }) : '');
  return (
    `<dl class="protocol"><dt>${w('dataset')}</dt><dd>${esc(data)}</dd>` +
    `<dt>${w('protocol')}</dt><dd>${esc(w('protocolLine', { name: p.name, seed: p.seed, k: p.k, split: protocolText(p.split, lang) }))}</dd>` +
    `<dt>${w('ranking')}</dt><dd>${say(p.exclusion)}</dd><dt>${w('tuning')}</dt><dd>${say(p.tuning)}</dd>` +
    `<dt>${w('metrics')}</dt><dd>${say(p.metric_definitions)}</dd></dl>`
  );
}

function runSection(run: ResultsFile, index: number, lang: DisplayLang): string {
  const w = reportWords(lang);
  const k = run.protocol.k;
  const names = Object.keys(run.results);
  const charts = [
    barChart(w('testChart', { metric: metricName(`ndcg@${k}`, lang) }), names.map((n) => ({ label: n, value: run.results[n].test[`ndcg@${k}`] ?? 0 }))),
    barChart(w('testChart', { metric: metricName(`recall@${k}`, lang) }), names.map((n) => ({ label: n, value: run.results[n].test[`recall@${k}`] ?? 0 }))),
    barChart(metricName(`longtail@${k}`, lang), names.map((n) => ({ label: n, value: run.results[n].test[`longtail@${k}`] ?? 0 })), { max: 1 }),
  ];
  if (names.some((n) => run.results[n].cold_test !== undefined)) {
    charts.push(barChart(w('coldChart', { k }), names.map((n) => ({ label: n, value: run.results[n].cold_test?.[`recall@${k}`] ?? 0 }))));
  }
  return (
    `<section id="run-${index}"><h2>${esc(w('runHeading', { dataset: run.dataset, protocol: run.protocol.name, seed: run.protocol.seed }))}</h2>` +
    `${protocolBlock(run, w, lang)}${metricsTable(run, w, lang)}${fidelityTable(run, w)}${comparisonsTable(run, esc, lang)}${sliceGapTable(run, esc, lang)}<div class="charts">${charts.join('')}</div></section>`
  );
}

function joinTitles(titles: readonly string[], w: ReportWords): string {
  return titles.length <= 1 ? titles.join('') : `${titles.slice(0, -1).join(w('listSep'))}${w('and')}${titles[titles.length - 1]}`;
}

type ItemExplanation = NonNullable<ExplainedItem['explanation']>;

/**
 * The counterfactual line and the item's fidelity figures: each cited item's share of the score,
 * and PN (1 when leaving the counterfactual's items out drops the item out of the top k).
 */
export function fidelityLines(e: ItemExplanation, k: number, lang: DisplayLang = 'en'): { counterfactual: string | null; fidelity: string | null; pn: 0 | 1 | null } {
  const w = reportWords(lang);
  const ord = (n: number): string => ordinalIn(n, lang);
  const cf = e.counterfactual ?? null;
  const shares = e.history.filter((h) => typeof h.share === 'number');
  const total = shares.reduce((a, h) => a + (h.share ?? 0), 0);
  const cited = shares.length > 0 ? w('cited', { list: shares.map((h) => `${h.title} ${(100 * (h.share ?? 0)).toFixed(0)}%`).join(w('listSep')), pct: (100 * total).toFixed(0) }) : null;
  if (cf === null || cf.removed.length === 0) return { counterfactual: null, fidelity: cited, pn: null };
  const who = joinTitles(cf.removed.map((r) => r.title), w);
  const out = cf.rankAfter > k;
  const ranks = { who, after: ord(cf.rankAfter), before: ord(cf.rankBefore) };
  const line = out ? w('without', ranks) : w('evenWithout', ranks);
  const pn = w(out ? 'pnOut' : 'pnIn', { n: cf.removed.length, items: w(cf.removed.length === 1 ? 'itemOne' : 'itemMany'), k });
  return { counterfactual: line, fidelity: cited !== null ? `${cited}; ${pn}` : pn, pn: out ? 1 : 0 };
}

function explainedSection(users: readonly ExplainedUser[], lang: DisplayLang): string {
  const w = reportWords(lang);
  const sig = (s: string): string => signalName(s, lang);
  let pnSum = 0;
  let pnCount = 0;
  const blocks = users.map((u) => {
    const items = u.items
      .map((it, r) => {
        const e = it.explanation;
        if (e === undefined) return `<li><b>${r + 1}. ${esc(it.title)}</b></li>`;
        const signals = Object.entries(e.signals).sort((a, b) => b[1] - a[1]);
        const bars = signals
          .map(([s, v], i) => `<span class="sig" style="width:${(100 * v).toFixed(1)}%;background:${PALETTE[i % PALETTE.length]}" title="${esc(sig(s))} ${(100 * v).toFixed(0)}%">${v >= 0.12 ? esc(sig(s)) : ''}</span>`)
          .join('');
        const against = Object.entries(e.against)
          .map(([s, v]) => `${esc(sig(s))} ${(100 * v).toFixed(0)}%`)
          .join(w('listSep'));
        const hist = e.history.map((h) => `${esc(h.title)} (${esc(h.relation)})`).join('; ');
        const f = fidelityLines(e, u.k ?? 10, lang);
        if (f.pn !== null) {
          pnSum += f.pn;
          pnCount++;
        }
        return (
          `<li><b>${r + 1}. ${esc(it.title)}</b> <span class="score">${w('score', { score: it.score.toFixed(3) })}</span>` +
          `<div class="sigbar">${bars}</div>` +
          `<p class="reason">${esc(e.reason)}</p>` +
          (f.counterfactual !== null ? `<p class="counterfactual">${esc(f.counterfactual)}</p>` : '') +
          (f.fidelity !== null ? `<p class="small fidelity">${esc(w('fidelity', { text: f.fidelity }))}</p>` : '') +
          (hist !== '' ? `<p class="small">${w('relatedHistory', { list: hist })}</p>` : '') +
          (e.facts.length > 0 ? `<p class="small">${w('facts', { list: e.facts.map(esc).join(' · ') })}</p>` : '') +
          (against !== '' ? `<p class="small">${w('heldBack', { list: against })}</p>` : '') +
          `</li>`
        );
      })
      .join('');
    return `<article><h3>${esc(w('user', { user: u.user }))}</h3><ol>${items}</ol></article>`;
  });
  const summary =
    pnCount > 0
      ? `<p class="small">${esc(w('faithfulness', { pn: (pnSum / pnCount).toFixed(2), sum: pnSum, count: pnCount }))}</p>`
      : '';
  return `<section id="explained"><h2>${w('whyTitle')}</h2>${summary}${blocks.join('')}</section>`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:1rem 0;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th[scope=row],tr:first-child th{text-align:left;background:#f4f4f4}td.best{font-weight:700;background:#eef6ee}
dl.protocol{display:grid;grid-template-columns:8rem 1fr;gap:2px 12px;font-size:13px}dt{font-weight:600}dd{margin:0}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{margin:0}
.sigbar{display:flex;height:18px;width:420px;border:1px solid #ccc;margin:4px 0;font-size:11px;color:#fff;overflow:hidden}
.sig{display:block;white-space:nowrap;overflow:hidden;padding-left:3px}.reason{margin:2px 0}.small{font-size:12px;color:#555;margin:2px 0}
.score{color:#666;font-size:12px}article{margin-bottom:1.5rem}td.mark{text-align:left;font-weight:700}.counterfactual{font-style:italic;margin:2px 0}`;

/** The legend of the report's metrics and signals. */
function reportLegend(input: ReportInput): string {
  const metrics = [...new Set(input.runs.flatMap(tableColumns))];
  const signals = [...new Set((input.explained ?? []).flatMap((u) => u.items.flatMap((it) => Object.keys({ ...it.explanation?.signals, ...it.explanation?.against }))))];
  return metrics.length + signals.length > 0 ? legend(metrics, signals, esc, input.lang ?? 'en') : '';
}

export function renderReport(input: ReportInput): string {
  const created = input.created ?? new Date().toISOString();
  const lang = input.lang ?? 'en';
  const w = reportWords(lang);
  const notes = (input.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
  return (
    `<!doctype html><html lang="${w('htmlLang')}"><head><meta charset="utf-8"><title>${esc(input.title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head><body>` +
    `<h1>${esc(input.title)}</h1><p class="small">${esc(w('generated', { created }))}</p>` +
    (notes !== '' ? `<ul>${notes}</ul>` : '') +
    input.runs.map((r, i) => runSection(r, i, lang)).join('') +
    (input.explained !== undefined && input.explained.length > 0 ? explainedSection(input.explained, lang) : '') +
    reportLegend(input) +
    `</body></html>\n`
  );
}
