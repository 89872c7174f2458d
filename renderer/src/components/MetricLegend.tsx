/** A legend of metrics (or signals): display name and one-line description of each (api/display-names). */
import { metricDescription, metricName, signalDescription, signalName } from '../../../main/api/display-names';

interface LegendProps {
  readonly metrics?: readonly string[];
  readonly signals?: readonly string[];
  readonly title?: string;
}

export function MetricLegend({ metrics = [], signals = [], title = 'Legend' }: LegendProps) {
  if (metrics.length + signals.length === 0) return null;
  return (
    <details className="legend" open>
      <summary>{title}</summary>
      <dl>
        {metrics.map((m) => (
          <div key={`m-${m}`} className="legend-row">
            <dt>{metricName(m)}</dt>
            <dd>{metricDescription(m)}</dd>
          </div>
        ))}
        {signals.map((s) => (
          <div key={`s-${s}`} className="legend-row">
            <dt>{signalName(s)}</dt>
            <dd>{signalDescription(s)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
