/** A legend of metrics (or signals): display name and one-line description of each (api/display-names). */
import { useI18n } from '../i18n';

interface LegendProps {
  readonly metrics?: readonly string[];
  readonly signals?: readonly string[];
  readonly title?: string;
}

export function MetricLegend({ metrics = [], signals = [], title }: LegendProps) {
  const { t, metric, metricDesc, signal, signalDesc } = useI18n();
  if (metrics.length + signals.length === 0) return null;
  return (
    <details className="legend" open>
      <summary>{title ?? t('common.legend')}</summary>
      <dl>
        {metrics.map((m) => (
          <div key={`m-${m}`} className="legend-row">
            <dt>{metric(m)}</dt>
            <dd>{metricDesc(m)}</dd>
          </div>
        ))}
        {signals.map((s) => (
          <div key={`s-${s}`} className="legend-row">
            <dt>{signal(s)}</dt>
            <dd>{signalDesc(s)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
