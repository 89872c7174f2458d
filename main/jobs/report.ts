/**
 * A self-contained HTML report of evaluation runs and explained recommendations, for
 * stakeholders: no scripts, no external files — tables and inline SVG bar charts only.
 */
import { metricDescription, metricName, signalName } from '../api/display-names';
import type { ResultsFile } from './evaluate';
import { comparisonsTable, legend, sliceGapTable } from './report-stats';

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

function metricsTable(run: ResultsFile): string {
  const k = run.protocol.k;
  const cols = tableColumns(run);
  const cold = Object.values(run.results).some((m) => m.cold_test !== undefined);
  const th = (c: string): string => `<th title="${esc(metricDescription(c))}">${esc(metricName(c))}</th>`;
  const head = `<tr><th>model</th>${cols.map(th).join('')}${cold ? `<th>Cold-item ${esc(metricName(`recall@${k}`))}</th>` : ''}<th>fit s</th></tr>`;
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
function fidelityTable(run: ResultsFile): string {
  const rows = Object.entries(run.results)
    .map(([name, m]) => [name, (m as { fidelity?: Readonly<Record<string, number>> }).fidelity] as const)
    .filter((r): r is readonly [string, Readonly<Record<string, number>>] => typeof r[1] === 'object' && r[1] !== null);
  if (rows.length === 0) return '';
  const cols = ['users', 'pn@10', 'ps@10', 'mean_rank_drop', 'random_pn@10', 'random_ps@10', 'cited_mean'];
  const cell = (v: number | undefined): string => `<td>${typeof v !== 'number' ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(3)}</td>`;
  const head = `<tr><th>model</th>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = rows.map(([name, f]) => `<tr><th scope="row">${esc(name)}</th>${cols.map((c) => cell(f[c])).join('')}</tr>`).join('');
  return `<h3>Explanation fidelity</h3><p class="small">PN: share of explanations whose cited evidence, left out, drops the item out of the top 10; PS: share where the cited evidence alone keeps it in; against random evidence of equal size.</p><table>${head}${body}</table>`;
}

function protocolBlock(run: ResultsFile): string {
  const p = run.protocol;
  const d = run.data;
  return (
    `<dl class="protocol"><dt>dataset</dt><dd>${esc(run.dataset)} — ${d.users} users, ${d.items} items; train ${d.train}, valid ${d.valid}, test ${d.test}${d.cold_items > 0 ? `, ${d.cold_items} cold items` : ''}</dd>` +
    `<dt>protocol</dt><dd>${esc(p.name)}, seed ${p.seed}, K = ${p.k}: ${esc(p.split)}</dd>` +
    `<dt>ranking</dt><dd>${esc(p.exclusion)}</dd><dt>tuning</dt><dd>${esc(p.tuning)}</dd>` +
    `<dt>metrics</dt><dd>${esc(p.metric_definitions)}</dd></dl>`
  );
}

function runSection(run: ResultsFile, index: number): string {
  const k = run.protocol.k;
  const names = Object.keys(run.results);
  const charts = [
    barChart(`NDCG@${k} (test)`, names.map((n) => ({ label: n, value: run.results[n].test[`ndcg@${k}`] ?? 0 }))),
    barChart(`Recall@${k} (test)`, names.map((n) => ({ label: n, value: run.results[n].test[`recall@${k}`] ?? 0 }))),
    barChart(metricName(`longtail@${k}`), names.map((n) => ({ label: n, value: run.results[n].test[`longtail@${k}`] ?? 0 })), { max: 1 }),
  ];
  if (names.some((n) => run.results[n].cold_test !== undefined)) {
    charts.push(barChart(`Cold-item recall@${k}`, names.map((n) => ({ label: n, value: run.results[n].cold_test?.[`recall@${k}`] ?? 0 }))));
  }
  return (
    `<section id="run-${index}"><h2>${esc(run.dataset)} · ${esc(run.protocol.name)} · seed ${run.protocol.seed}</h2>` +
    `${protocolBlock(run)}${metricsTable(run)}${fidelityTable(run)}${comparisonsTable(run, esc)}${sliceGapTable(run, esc)}<div class="charts">${charts.join('')}</div></section>`
  );
}

/** 1 → "1st", 2 → "2nd", 11 → "11th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

function joinTitles(titles: readonly string[]): string {
  return titles.length <= 1 ? titles.join('') : `${titles.slice(0, -1).join(', ')} and ${titles[titles.length - 1]}`;
}

type ItemExplanation = NonNullable<ExplainedItem['explanation']>;

/**
 * The counterfactual line and the item's fidelity figures: each cited item's share of the score,
 * and PN (1 when leaving the counterfactual's items out drops the item out of the top k).
 */
export function fidelityLines(e: ItemExplanation, k: number): { counterfactual: string | null; fidelity: string | null; pn: 0 | 1 | null } {
  const cf = e.counterfactual ?? null;
  const shares = e.history.filter((h) => typeof h.share === 'number');
  const total = shares.reduce((a, h) => a + (h.share ?? 0), 0);
  const cited = shares.length > 0 ? `cited items ${shares.map((h) => `${h.title} ${(100 * (h.share ?? 0)).toFixed(0)}%`).join(', ')} (together ${(100 * total).toFixed(0)}% of the score)` : null;
  if (cf === null || cf.removed.length === 0) return { counterfactual: null, fidelity: cited, pn: null };
  const who = joinTitles(cf.removed.map((r) => r.title));
  const out = cf.rankAfter > k;
  const line = out
    ? `Without ${who} it would rank ${ordinal(cf.rankAfter)} instead of ${ordinal(cf.rankBefore)}.`
    : `Even without ${who} it would still rank ${ordinal(cf.rankAfter)} (now ${ordinal(cf.rankBefore)}).`;
  const pn = `PN = ${out ? 1 : 0}: leaving those ${cf.removed.length} item${cf.removed.length === 1 ? '' : 's'} out ${out ? 'drops it out of' : 'keeps it in'} the top ${k}`;
  return { counterfactual: line, fidelity: cited !== null ? `${cited}; ${pn}` : pn, pn: out ? 1 : 0 };
}

function explainedSection(users: readonly ExplainedUser[]): string {
  let pnSum = 0;
  let pnCount = 0;
  const blocks = users.map((u) => {
    const items = u.items
      .map((it, r) => {
        const e = it.explanation;
        if (e === undefined) return `<li><b>${r + 1}. ${esc(it.title)}</b></li>`;
        const signals = Object.entries(e.signals).sort((a, b) => b[1] - a[1]);
        const bars = signals
          .map(([s, v], i) => `<span class="sig" style="width:${(100 * v).toFixed(1)}%;background:${PALETTE[i % PALETTE.length]}" title="${esc(signalName(s))} ${(100 * v).toFixed(0)}%">${v >= 0.12 ? esc(signalName(s)) : ''}</span>`)
          .join('');
        const against = Object.entries(e.against)
          .map(([s, v]) => `${esc(signalName(s))} ${(100 * v).toFixed(0)}%`)
          .join(', ');
        const hist = e.history.map((h) => `${esc(h.title)} (${esc(h.relation)})`).join('; ');
        const f = fidelityLines(e, u.k ?? 10);
        if (f.pn !== null) {
          pnSum += f.pn;
          pnCount++;
        }
        return (
          `<li><b>${r + 1}. ${esc(it.title)}</b> <span class="score">score ${it.score.toFixed(3)}</span>` +
          `<div class="sigbar">${bars}</div>` +
          `<p class="reason">${esc(e.reason)}</p>` +
          (f.counterfactual !== null ? `<p class="counterfactual">${esc(f.counterfactual)}</p>` : '') +
          (f.fidelity !== null ? `<p class="small fidelity">Fidelity: ${esc(f.fidelity)}</p>` : '') +
          (hist !== '' ? `<p class="small">Related history: ${hist}</p>` : '') +
          (e.facts.length > 0 ? `<p class="small">Facts: ${e.facts.map(esc).join(' · ')}</p>` : '') +
          (against !== '' ? `<p class="small">Held back by: ${against}</p>` : '') +
          `</li>`
        );
      })
      .join('');
    return `<article><h3>User ${esc(u.user)}</h3><ol>${items}</ol></article>`;
  });
  const summary =
    pnCount > 0
      ? `<p class="small">Faithfulness of these explanations: PN = ${(pnSum / pnCount).toFixed(2)} (${pnSum} of ${pnCount} leave the list when their counterfactual items are left out, re-scored without refitting).</p>`
      : '';
  return `<section id="explained"><h2>Why these items were recommended</h2>${summary}${blocks.join('')}</section>`;
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
  return metrics.length + signals.length > 0 ? legend(metrics, signals, esc) : '';
}

export function renderReport(input: ReportInput): string {
  const created = input.created ?? new Date().toISOString();
  const notes = (input.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head><body>` +
    `<h1>${esc(input.title)}</h1><p class="small">Generated by KnowRec Workbench on ${esc(created)}.</p>` +
    (notes !== '' ? `<ul>${notes}</ul>` : '') +
    input.runs.map(runSection).join('') +
    (input.explained !== undefined && input.explained.length > 0 ? explainedSection(input.explained) : '') +
    reportLegend(input) +
    `</body></html>\n`
  );
}
