/** Signal shares as horizontal bars (recharts); one bar per signal. */
import { Bar, BarChart, CartesianGrid, LabelList, Tooltip, XAxis, YAxis } from 'recharts';
import { MetricLegend } from './MetricLegend';
import { useI18n } from '../i18n';

interface SignalBarsProps {
  /** Signal name → share in [0, 1]. */
  readonly shares: Readonly<Record<string, number>>;
}


export function SignalBars({ shares }: SignalBarsProps) {
  const { t, pct, signal, signalDesc } = useI18n();
  const data = Object.entries(shares)
    .map(([key, share]) => ({ key, signal: signal(key), share }))
    .sort((a, b) => b.share - a.share);
  if (data.length === 0) return <p>{t('explain.noSignal')}</p>;
  return (
    <figure className="signal-bars" aria-label={t('explain.signalShares')}>
      <BarChart width={580} height={40 + 34 * data.length} data={data} layout="vertical" margin={{ top: 8, right: 48, bottom: 8, left: 8 }}>
        <CartesianGrid horizontal={false} strokeDasharray="3 3" />
        <XAxis type="number" domain={[0, 1]} tickFormatter={pct} />
        <YAxis type="category" dataKey="signal" width={190} />
        <Tooltip formatter={(v: unknown) => (typeof v === 'number' ? pct(v) : '')} labelFormatter={(label: unknown) => `${String(label)}: ${signalDesc(data.find((d) => d.signal === label)?.key ?? '')}`} />
        <Bar dataKey="share" fill="#1f6feb" isAnimationActive={false}>
          <LabelList dataKey="share" position="right" formatter={(v: unknown) => (typeof v === 'number' ? pct(v) : '')} />
        </Bar>
      </BarChart>
      <figcaption className="muted">{t('explain.signalCaption')}</figcaption>
      <MetricLegend signals={data.map((d) => d.key)} title={t('explain.signalsLegend')} />
    </figure>
  );
}
