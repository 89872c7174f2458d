/** Training curves (recharts): loss per epoch (left axis) and validation NDCG@10 (right axis). */
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { CurvePoint } from '../../../main/api/contract';
import { useI18n } from '../i18n';

export function CurveChart({ curve }: { readonly curve: readonly CurvePoint[] }) {
  const { t, fixed } = useI18n();
  if (curve.length === 0) return <p className="muted curve-empty">{t('ft.noEpoch')}</p>;
  const data = curve.map((p) => ({ epoch: p.epoch, loss: p.loss, ndcg: p.validNdcg }));
  const last = curve[curve.length - 1];
  return (
    <figure className="curve-chart" aria-label={t('ft.curves')} data-points={curve.length}>
      <LineChart width={640} height={260} data={data} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="epoch" label={{ value: t('ft.epoch'), position: 'insideBottomRight', offset: -4 }} />
        <YAxis yAxisId="loss" />
        <YAxis yAxisId="ndcg" orientation="right" />
        <Tooltip />
        <Legend />
        <Line yAxisId="loss" type="monotone" dataKey="loss" name={t('ft.loss')} stroke="#d29922" dot isAnimationActive={false} />
        <Line yAxisId="ndcg" type="monotone" dataKey="ndcg" name={t('ft.validNdcg')} stroke="#1f6feb" dot connectNulls isAnimationActive={false} />
      </LineChart>
      <figcaption className="muted">
        {t('ft.curveCaption', { count: curve.length, loss: fixed(last.loss, 4) })}
        {last.validNdcg !== null && t('ft.curveNdcg', { ndcg: fixed(last.validNdcg, 4) })}
      </figcaption>
    </figure>
  );
}
