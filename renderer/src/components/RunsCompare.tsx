/**
 * Two runs side by side in one table with aligned rows: per model (rows) and metric (column
 * groups), the left run's value, the right run's, and the difference right − left.
 */
import type { RunDetail } from '../../../main/api/contract';
import { ACCURACY, BEYOND, signed } from '../eval-display';
import { useI18n } from '../i18n';

export function RunsCompare({ left, right }: { readonly left: RunDetail; readonly right: RunDetail }) {
  const { t, metric: metricName, metricDesc: metricDescription } = useI18n();
  const models = [...new Set([...left.models, ...right.models])];
  const metrics = [...ACCURACY, ...BEYOND].filter((m) => [left, right].some((run) => run.results.some((r) => r.test[m] !== undefined)));
  const get = (run: RunDetail, model: string, m: string): number | undefined => run.results.find((r) => r.model === model)?.test[m]?.mean;
  return (
    <div className="table-scroll">
      <table className="metrics runs-compare">
        <caption>
          {t('eval.compareCaption', { left: left.id, lp: left.protocol, lk: left.k, right: right.id, rp: right.protocol, rk: right.k })}
        </caption>
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              {t('common.model')}
            </th>
            {metrics.map((m) => (
              <th key={m} scope="colgroup" colSpan={3} title={metricDescription(m)}>
                {metricName(m)}
              </th>
            ))}
          </tr>
          <tr>
            {metrics.map((m) => [
              <th key={`${m}-l`} scope="col" className="num">
                {t('eval.leftCol')}
              </th>,
              <th key={`${m}-r`} scope="col" className="num">
                {t('eval.rightCol')}
              </th>,
              <th key={`${m}-d`} scope="col" className="num">
                Δ
              </th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model} data-model={model}>
              <th scope="row">{model}</th>
              {metrics.map((m) => {
                const l = get(left, model, m);
                const r = get(right, model, m);
                return [
                  <td key={`${m}-l`} className="num">
                    {l?.toFixed(4) ?? '—'}
                  </td>,
                  <td key={`${m}-r`} className="num">
                    {r?.toFixed(4) ?? '—'}
                  </td>,
                  <td key={`${m}-d`} className="num delta-cell">
                    {l !== undefined && r !== undefined ? signed(r - l) : '—'}
                  </td>,
                ];
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
