/**
 * A run's models in aligned rows, one column per metric: the value (mean ± std over seeds; the
 * bootstrap 95% interval in the tooltip) and, under it, the difference from the baseline model
 * with the paired test's mark (* ** *** after Holm) — green when better, red when worse.
 */
import type { MetricSummary, RunDetail } from '../../../main/api/contract';
import { formatP, metricDescription, metricName } from '../../../main/api/display-names';
import { deltaVs, signed } from '../eval-display';

interface ComparisonTableProps {
  readonly run: RunDetail;
  readonly metrics: readonly string[];
  readonly baseline: string | null;
  readonly caption: string;
  readonly className?: string;
}

function value(m: MetricSummary | undefined, digits: number): string {
  if (m === undefined) return '—';
  return m.perSeed.length > 1 ? `${m.mean.toFixed(digits)} ± ${m.std.toFixed(digits)}` : m.mean.toFixed(digits);
}

/** avgpop is a count of interactions, novelty in bits: fewer digits read better. */
const digitsOf = (metric: string): number => (metric === 'avgpop' ? 1 : metric === 'novelty' ? 3 : 4);

export function ComparisonTable({ run, metrics, baseline, caption, className = 'metrics' }: ComparisonTableProps) {
  const base = run.results.find((r) => r.model === baseline);
  return (
    <table className={`comparison ${className}`}>
      <caption>
        {caption} <span className="muted">({run.protocol}, seeds {run.seeds.join(', ')}{base !== undefined ? `; differences against ${base.model}` : ''})</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          {metrics.map((m) => (
            <th key={m} scope="col" className="num" title={metricDescription(m)} data-metric={m}>
              {metricName(`${m}@${run.k}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {run.results.map((r) => (
          <tr key={r.model} className={r.model === run.best ? 'best' : undefined} data-model={r.model}>
            <th scope="row">
              {r.model}
              {r.model === run.best && <span className="muted"> (best)</span>}
              {r.model === baseline && <span className="muted"> (baseline)</span>}
            </th>
            {metrics.map((m) => {
              const ci = r.ci95?.[m];
              const d = deltaVs(run, r, base, m);
              const digits = digitsOf(m);
              return (
                <td key={m} className="num" title={ci !== undefined ? `95% interval ${ci[0].toFixed(digits)} – ${ci[1].toFixed(digits)}` : undefined}>
                  <span className="value">{value(r.test[m], digits)}</span>
                  {d !== null && (
                    <span
                      className={`delta ${d.better ? 'up' : d.delta === 0 ? '' : 'down'}`}
                      title={d.pHolm !== null ? `p = ${formatP(d.pHolm)} (Wilcoxon, Holm)${d.ci95 !== null ? `; 95% interval ${signed(d.ci95[0], digits)} … ${signed(d.ci95[1], digits)}` : ''}` : 'not tested'}
                    >
                      {signed(d.delta, digits)}
                      {d.mark !== null && d.mark !== '' && <span className="sig-mark">{d.mark}</span>}
                    </span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
