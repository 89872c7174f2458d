/** One stored run: its metrics table and bar charts of a chosen metric (test and slices). */
import { useState } from 'react';
import type { RunDetail } from '../../../main/api/contract';
import { MetricBars } from './MetricBars';
import { metricNames, MetricsTable } from './MetricsTable';

export function RunDetailView({ run, idPrefix, charts = true }: { readonly run: RunDetail; readonly idPrefix: string; readonly charts?: boolean }) {
  const names = metricNames(run);
  const [metric, setMetric] = useState(names.includes('ndcg') ? 'ndcg' : (names[0] ?? 'ndcg'));
  return (
    <article className="run" aria-label={`Run ${run.id}`} data-run={run.id}>
      <p className="muted">
        Run {run.id} · {run.dataset} · {run.created}
      </p>
      <MetricsTable run={run} />
      {charts && (
        <>
          <div className="row">
            <label htmlFor={`${idPrefix}-metric`}>Chart metric</label>
            <select id={`${idPrefix}-metric`} value={metric} onChange={(e) => setMetric(e.target.value)}>
              {names.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </div>
          <MetricBars run={run} metric={metric} />
        </>
      )}
    </article>
  );
}
