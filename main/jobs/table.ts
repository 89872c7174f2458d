import { formatP, metricDescription, metricName, significanceMark } from '../api/display-names';
import type { ResultsFile } from './evaluate';

const COLUMNS = ['ndcg', 'recall', 'mrr', 'hit', 'precision', 'coverage', 'longtail', 'gini'] as const;

/**
 * The results file as a plain-text table: one row per model, test metrics @K (display names),
 * fit seconds; then each model against the best by NDCG@K (paired test, Holm-corrected) and a
 * legend of the columns.
 */
export function formatResultsTable(r: ResultsFile): string {
  const k = r.protocol.k;
  const cold = Object.values(r.results).some((m) => m.cold_test !== undefined);
  const cols = COLUMNS.filter((c) => Object.values(r.results).some((m) => m.test[`${c}@${k}`] !== undefined));
  const head = ['Model', ...cols.map((c) => metricName(`${c}@${k}`)), ...(cold ? [`Cold-item ${metricName(`recall@${k}`)}`] : []), 'Fit s'];
  const rows = Object.entries(r.results).map(([name, m]) => [
    name,
    ...cols.map((c) => fmt(m.test[`${c}@${k}`])),
    ...(cold ? [fmt(m.cold_test?.[`recall@${k}`])] : []),
    m.fit_seconds.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const d = r.data;
  return [
    `${r.dataset} · protocol ${r.protocol.name} · seed ${r.protocol.seed} · test split · full ranking, seen items excluded`,
    `${d.users} users, ${d.items} items; train ${d.train}, valid ${d.valid}, test ${d.test}${d.cold_items > 0 ? `; ${d.cold_items} cold items` : ''}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...versusBest(r),
    '',
    ...cols.map((c) => `${metricName(`${c}@${k}`)}: ${metricDescription(c)}`),
    ...(r.notes ?? []).map((n) => `note: ${n}`),
  ].join('\n');
}

/** Lines "best vs other: NDCG@K Δ [ci95], p_holm mark" for each other model, from the comparisons. */
function versusBest(r: ResultsFile): string[] {
  const key = `ndcg@${r.protocol.k}`;
  const names = Object.keys(r.results);
  if (names.length < 2 || r.comparisons === undefined || r.comparisons.length === 0) return [];
  const best = names.reduce((x, y) => ((r.results[y].test[key] ?? -1) > (r.results[x].test[key] ?? -1) ? y : x));
  const out = ['', `${metricName(key)} of the best model (${best}) against each other: difference, bootstrap 95% interval, Wilcoxon p (Holm) — * < 0.05, ** < 0.01, *** < 0.001`];
  for (const c of r.comparisons) {
    if (c.metric !== key || (c.a !== best && c.b !== best)) continue;
    const sign = c.a === best ? 1 : -1; // delta is b − a
    const other = c.a === best ? c.b : c.a;
    const [lo, hi] = sign === 1 ? [-c.ci95[1], -c.ci95[0]] : [c.ci95[0], c.ci95[1]];
    const delta = -sign * c.delta;
    out.push(`  ${best} vs ${other}: ${delta >= 0 ? '+' : ''}${delta.toFixed(4)} [${lo.toFixed(4)}, ${hi.toFixed(4)}], p ${formatP(c.p_holm)} ${significanceMark(c.p_holm)}`.trimEnd());
  }
  return out;
}

function fmt(v: number | undefined): string {
  return v === undefined ? '—' : v.toFixed(4);
}

/** The explanation-fidelity rows (explanations' rule and the post-hoc "before" rule), or '' when none was measured. */
export function formatFidelityTable(r: ResultsFile): string {
  const k = r.protocol.k;
  const lines: string[] = [];
  for (const [name, m] of Object.entries(r.results)) {
    const f = m.fidelity;
    if (f === undefined) continue;
    for (const [label, row] of [['after', f], ['before', f.before]] as const) {
      const v = (key: string): string => fmtAny(row[key]);
      lines.push(`${`${name} ${label}`.padEnd(22)}  ${v(`pn@${k}`).padStart(7)}  ${v(`ps@${k}`).padStart(7)}  ${v('mean_rank_drop').padStart(9)}  ${v(`random_pn@${k}`).padStart(9)}  ${v(`random_ps@${k}`).padStart(9)}  ${v('cited_mean').padStart(6)}`);
    }
  }
  if (lines.length === 0) return '';
  const head = `${'explanation fidelity'.padEnd(22)}  ${`pn@${k}`.padStart(7)}  ${`ps@${k}`.padStart(7)}  ${'rank drop'.padStart(9)}  ${`rand pn`.padStart(9)}  ${`rand ps`.padStart(9)}  ${'cited'.padStart(6)}`;
  return [head, ...lines].join('\n');
}

function fmtAny(v: unknown): string {
  return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v >= 10 ? 1 : 4)) : '—';
}
