/** Signal shares as horizontal bars (recharts); one bar per signal. */
import { Bar, BarChart, CartesianGrid, LabelList, XAxis, YAxis } from 'recharts';

interface SignalBarsProps {
  /** Signal name → share in [0, 1]. */
  readonly shares: Readonly<Record<string, number>>;
}

const pct = (v: number): string => `${Math.round(v * 100)}%`;

export function SignalBars({ shares }: SignalBarsProps) {
  const data = Object.entries(shares)
    .map(([signal, share]) => ({ signal, share }))
    .sort((a, b) => b.share - a.share);
  if (data.length === 0) return <p>No signal pushed this item up.</p>;
  return (
    <figure className="signal-bars" aria-label="Signal shares">
      <BarChart width={520} height={40 + 34 * data.length} data={data} layout="vertical" margin={{ top: 8, right: 48, bottom: 8, left: 8 }}>
        <CartesianGrid horizontal={false} strokeDasharray="3 3" />
        <XAxis type="number" domain={[0, 1]} tickFormatter={pct} />
        <YAxis type="category" dataKey="signal" width={140} />
        <Bar dataKey="share" fill="#1f6feb" isAnimationActive={false}>
          <LabelList dataKey="share" position="right" formatter={(v: unknown) => (typeof v === 'number' ? pct(v) : '')} />
        </Bar>
      </BarChart>
      <figcaption className="muted">Share of the score each signal contributed (signals that pushed the item up).</figcaption>
    </figure>
  );
}
