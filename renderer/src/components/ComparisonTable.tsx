/**
 * A run's models in aligned rows, one column per metric: the value (mean ± std over seeds; the
 * bootstrap 95% interval in the tooltip) and, under it, the difference from the baseline model
 * with the paired test's mark (* ** *** after Holm) — green when better, red when worse.
 */
import type { MetricSummary, RunDetail } from '../../../main/api/contract';
import { formatP } from '../../../main/api/display-names';
import { deltaVs, signed } from '../eval-display';
import { useI18n } from '../i18n';

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
  const { t, metric: metricName, metricDesc } = useI18n();
  return (
    <table className={`comparison ${className}`}>
      <caption>
        {caption} <span className="muted">{t('eval.captionInfo', { protocol: run.protocol, seeds: run.seeds.join(', '), against: base !== undefined ? t('eval.againstBase', { model: base.model }) : '' })}</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('common.model')}</th>
          {metrics.map((m) => (
            <th key={m} scope="col" className="num" title={metricDesc(m)} data-metric={m}>
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
              {r.model === run.best && <span className="muted">{t('eval.best')}</span>}
              {r.model === baseline && <span className="muted">{t('eval.baseline')}</span>}
            </th>
            {metrics.map((m) => {
              const ci = r.ci95?.[m];
              const d = deltaVs(run, r, base, m);
              const digits = digitsOf(m);
              return (
                <td key={m} className="num" title={ci !== undefined ? t('eval.interval', { low: ci[0].toFixed(digits), high: ci[1].toFixed(digits) }) : undefined}>
                  <span className="value">{value(r.test[m], digits)}</span>
                  {d !== null && (
                    <span
                      className={`delta ${d.better ? 'up' : d.delta === 0 ? '' : 'down'}`}
                      title={
                        d.pHolm !== null
                          ? t('eval.pTitle', { p: formatP(d.pHolm), ci: d.ci95 !== null ? t('eval.pInterval', { low: signed(d.ci95[0], digits), high: signed(d.ci95[1], digits) }) : '' })
                          : t('eval.notTested')
                      }
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
