/** One metric per model as bars with the bootstrap 95% interval as error bars (recharts). */
import { Bar, BarChart, CartesianGrid, ErrorBar, LabelList, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunDetail } from '../../../main/api/contract';
import { useI18n } from '../i18n';

const fmt = (v: unknown): string => (typeof v === 'number' ? v.toFixed(3) : '');

export function ErrorBarChart({ run, metric }: { readonly run: RunDetail; readonly metric: string }) {
  const { t, metric: metricName } = useI18n();
  const data = run.results
    .filter((r) => r.test[metric] !== undefined)
    .map((r) => {
      const mean = r.test[metric].mean;
      const ci = r.ci95?.[metric];
      return { model: r.model, value: mean, err: ci === undefined ? [0, 0] : [Math.max(0, mean - ci[0]), Math.max(0, ci[1] - mean)] };
    });
  if (data.length === 0) return null;
  const withCi = run.results.filter((r) => r.ci95?.[metric] !== undefined).length;
  const title = t('eval.testSuffix', { metric: metricName(`${metric}@${run.k}`) });
  return (
    <figure className="metric-chart" aria-label={title} data-bars={data.length} data-error-bars={withCi}>
      <figcaption>
        {title}
        {withCi > 0 && <span className="muted">{t('eval.errorBars')}</span>}
      </figcaption>
      <BarChart width={Math.max(300, 110 * data.length + 80)} height={240} data={data} margin={{ top: 22, right: 12, bottom: 8, left: 4 }}>
        <CartesianGrid vertical={false} strokeDasharray="3 3" />
        <XAxis dataKey="model" interval={0} />
        <YAxis />
        <Tooltip formatter={fmt} />
        <Bar dataKey="value" name={metricName(metric)} fill="#1f6feb" isAnimationActive={false}>
          <LabelList dataKey="value" position="insideTop" fill="#fff" formatter={fmt} />
          {withCi > 0 && <ErrorBar dataKey="err" width={8} strokeWidth={2} stroke="#24292f" direction="y" />}
        </Bar>
      </BarChart>
    </figure>
  );
}
