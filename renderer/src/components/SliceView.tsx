/**
 * A run's metric within slices of users (age, gender, occupation, activity quartile) or of targets
 * (item popularity, long tail, cold items): one row per slice, one column per model, and the gap
 * between each model's best and worst slice — who the model serves worse.
 */
import { useState } from 'react';
import type { RunDetail } from '../../../main/api/contract';
import { ACCURACY, sliceFamilies, sliceGap } from '../eval-display';
import { useI18n } from '../i18n';

export function SliceView({ run, idPrefix }: { readonly run: RunDetail; readonly idPrefix: string }) {
  const { t, metric: metricName, metricDesc: metricDescription, slice: sliceName, sliceDesc: sliceDescription } = useI18n();
  const families = sliceFamilies(run);
  const names = [...families.keys()];
  const [family, setFamily] = useState(names.includes('gender') ? 'gender' : (names[0] ?? ''));
  const [metric, setMetric] = useState<string>('ndcg');
  const slices = families.get(family) ?? [];
  if (names.length === 0) return null;
  return (
    <section className="slice-view" aria-label={t('eval.slices')}>
      <h3>{t('eval.slicesTitle')}</h3>
      <div className="row">
        <label htmlFor={`${idPrefix}-slice-family`}>{t('eval.sliceBy')}</label>
        <select id={`${idPrefix}-slice-family`} value={family} onChange={(e) => setFamily(e.target.value)}>
          {names.map((f) => (
            <option key={f} value={f} title={sliceDescription(f)}>
              {sliceName(f)}
            </option>
          ))}
        </select>
        <label htmlFor={`${idPrefix}-slice-metric`}>{t('eval.metric')}</label>
        <select id={`${idPrefix}-slice-metric`} value={metric} onChange={(e) => setMetric(e.target.value)}>
          {ACCURACY.map((m) => (
            <option key={m} value={m}>
              {metricName(m)}
            </option>
          ))}
        </select>
        <span className="muted">{sliceDescription(family)}</span>
      </div>
      <table className="metrics slices" data-family={family}>
        <caption title={metricDescription(metric)}>
          {t('eval.sliceCaption', { metric: metricName(`${metric}@${run.k}`), family: sliceName(family).toLowerCase() })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('eval.slice')}</th>
            <th scope="col" className="num">
              {t('eval.users')}
            </th>
            {run.results.map((r) => (
              <th key={r.model} scope="col" className="num">
                {r.model}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {slices.map((s) => (
            <tr key={s} data-slice={s}>
              <th scope="row">{sliceName(s).replace(/^[^:]+: /, '')}</th>
              <td className="num">{run.results[0]?.slices[s]?.users?.mean ?? '—'}</td>
              {run.results.map((r) => {
                const v = r.slices[s]?.[metric];
                const g = sliceGap(r, slices, metric);
                const cls = g === null ? undefined : s === g.best ? 'slice-best' : s === g.worst ? 'slice-worst' : undefined;
                return (
                  <td key={r.model} className={`num ${cls ?? ''}`}>
                    {v === undefined ? '—' : v.mean.toFixed(4)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="slice-gap">
            <th scope="row">{t('eval.gap')}</th>
            <td />
            {run.results.map((r) => {
              const g = sliceGap(r, slices, metric);
              return (
                <td key={r.model} className="num" title={g === null ? undefined : `${sliceName(g.best)} − ${sliceName(g.worst)}`}>
                  {g === null ? '—' : g.gap.toFixed(4)}
                </td>
              );
            })}
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
