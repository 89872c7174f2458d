/** A run's test metrics, one row per model, mean ± std over its seeds. */
import type { MetricSummary, RunDetail } from '../../../main/api/contract';

/** Metrics shown first, in this order; any others follow alphabetically. */
const ORDER = ['ndcg', 'recall', 'mrr', 'hit', 'precision', 'coverage', 'novelty', 'long_tail_share'];

export function metricNames(run: RunDetail): string[] {
  const all = new Set<string>();
  for (const r of run.results) for (const m of Object.keys(r.test)) all.add(m);
  return [...all].sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
}

export function formatMetric(m: MetricSummary | undefined): string {
  if (m === undefined) return '—';
  return m.perSeed.length > 1 ? `${m.mean.toFixed(4)} ± ${m.std.toFixed(4)}` : m.mean.toFixed(4);
}

export function MetricsTable({ run, caption }: { readonly run: RunDetail; readonly caption?: string }) {
  const metrics = metricNames(run);
  return (
    <table className="metrics">
      <caption>
        {caption ?? `Test metrics @${run.k}`} <span className="muted">({run.protocol}, seeds {run.seeds.join(', ')})</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          {metrics.map((m) => (
            <th key={m} scope="col" className="num">
              {m}
            </th>
          ))}
          <th scope="col" className="num">
            fit s
          </th>
        </tr>
      </thead>
      <tbody>
        {run.results.map((r) => (
          <tr key={r.model} className={r.model === run.best ? 'best' : undefined}>
            <th scope="row">
              {r.model}
              {r.model === run.best && <span className="muted"> (best)</span>}
            </th>
            {metrics.map((m) => (
              <td key={m} className="num">
                {formatMetric(r.test[m])}
              </td>
            ))}
            <td className="num">{r.fitSeconds.toFixed(1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
