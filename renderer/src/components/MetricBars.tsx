/**
 * Bar charts (recharts) of one metric per model: the test split, and each slice (cold items,
 * long tail) when the run has it. Error bars would need std per seed; the table shows it.
 */
import { Bar, BarChart, CartesianGrid, LabelList, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunDetail } from '../../../main/api/contract';

interface MetricBarsProps {
  readonly run: RunDetail;
  readonly metric: string;
}

const fmt = (v: unknown): string => (typeof v === 'number' ? v.toFixed(3) : '');

function Chart({ title, data, name }: { readonly title: string; readonly data: readonly { model: string; value: number }[]; readonly name: string }) {
  if (data.length === 0) return null;
  return (
    <figure className="metric-chart" aria-label={title} data-bars={data.length}>
      <figcaption>{title}</figcaption>
      <BarChart width={Math.max(260, 90 * data.length + 80)} height={220} data={[...data]} margin={{ top: 18, right: 12, bottom: 8, left: 4 }}>
        <CartesianGrid vertical={false} strokeDasharray="3 3" />
        <XAxis dataKey="model" interval={0} />
        <YAxis />
        <Tooltip />
        <Bar dataKey="value" name={name} fill="#1f6feb" isAnimationActive={false}>
          <LabelList dataKey="value" position="top" formatter={fmt} />
        </Bar>
      </BarChart>
    </figure>
  );
}

export function MetricBars({ run, metric }: MetricBarsProps) {
  const test = run.results.filter((r) => r.test[metric] !== undefined).map((r) => ({ model: r.model, value: r.test[metric].mean }));
  const sliceNames = [...new Set(run.results.flatMap((r) => Object.keys(r.slices)))].sort();
  return (
    <div className="metric-charts">
      <Chart title={`${metric}@${run.k} (test)`} data={test} name={metric} />
      {sliceNames.map((s) => (
        <Chart
          key={s}
          title={`${metric}@${run.k} (${s} slice)`}
          name={metric}
          data={run.results.filter((r) => r.slices[s]?.[metric] !== undefined).map((r) => ({ model: r.model, value: r.slices[s][metric].mean }))}
        />
      ))}
    </div>
  );
}
