/**
 * One stored run: the models in aligned rows with differences from a baseline and significance
 * marks (accuracy, then beyond-accuracy), a chart of a chosen metric with bootstrap error bars,
 * the slice view, and a legend of every metric shown (display names from api/display-names).
 */
import { useState } from 'react';
import type { RunDetail } from '../../../main/api/contract';
import { ACCURACY, BEYOND, presentMetrics } from '../eval-display';
import { ComparisonTable } from './ComparisonTable';
import { ErrorBarChart } from './lazy';
import { MetricLegend } from './MetricLegend';
import { SliceView } from './SliceView';
import { useI18n } from '../i18n';

export function RunDetailView({ run, idPrefix, charts = true }: { readonly run: RunDetail; readonly idPrefix: string; readonly charts?: boolean }) {
  const { t, metric: metricName, date } = useI18n();
  const accuracy = presentMetrics(run, ACCURACY);
  const beyond = presentMetrics(run, BEYOND);
  const all = [...accuracy, ...beyond];
  const [metric, setMetric] = useState(accuracy.includes('ndcg') ? 'ndcg' : (all[0] ?? 'ndcg'));
  const [baseline, setBaseline] = useState<string | null>(run.results[0]?.model ?? null);
  const tested = (run.comparisons ?? []).length > 0;
  return (
    <article className="run" aria-label={t('eval.run', { id: run.id })} data-run={run.id}>
      <p className="muted">
        {t('eval.runLine', { id: run.id, dataset: run.dataset, created: date(run.created) })}
      </p>
      {run.results.length > 1 && (
        <div className="row">
          <label htmlFor={`${idPrefix}-baseline`}>{t('eval.against')}</label>
          <select id={`${idPrefix}-baseline`} value={baseline ?? ''} onChange={(e) => setBaseline(e.target.value)}>
            {run.results.map((r) => (
              <option key={r.model} value={r.model}>
                {r.model}
              </option>
            ))}
          </select>
          <span className="muted">
            {tested ? t('eval.marks') : t('eval.noTests')}
          </span>
        </div>
      )}
      <div className="table-scroll">
        <ComparisonTable run={run} metrics={accuracy} baseline={run.results.length > 1 ? baseline : null} caption={t('eval.accuracy', { k: run.k })} />
      </div>
      {beyond.length > 0 && (
        <div className="table-scroll">
          <ComparisonTable run={run} metrics={beyond} baseline={run.results.length > 1 ? baseline : null} caption={t('eval.beyond', { k: run.k })} className="metrics beyond" />
        </div>
      )}
      {charts && (
        <>
          <div className="row">
            <label htmlFor={`${idPrefix}-metric`}>{t('eval.chartMetric')}</label>
            <select id={`${idPrefix}-metric`} value={metric} onChange={(e) => setMetric(e.target.value)}>
              {all.map((m) => (
                <option key={m} value={m}>
                  {metricName(m)}
                </option>
              ))}
            </select>
          </div>
          <div className="metric-charts">
            <ErrorBarChart run={run} metric={metric} />
          </div>
          <SliceView run={run} idPrefix={idPrefix} />
        </>
      )}
      {(run.notes ?? []).map((n) => (
        <p key={n} className="muted note">
          {t('eval.note', { note: n })}
        </p>
      ))}
      <MetricLegend metrics={all} title={t('eval.metricsLegend')} />
    </article>
  );
}
