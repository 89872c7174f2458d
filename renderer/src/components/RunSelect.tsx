import type { RunSummary } from '../../../main/api/contract';
import { useI18n, type T } from '../i18n';

interface RunSelectProps {
  readonly id: string;
  readonly label: string;
  readonly runs: readonly RunSummary[];
  readonly value: string | null;
  readonly onChange: (id: string | null) => void;
}

export function runLabel(r: RunSummary, t: T, date: (iso: string) => string): string {
  return `${t('eval.runLabel', { created: date(r.created), protocol: r.protocol, models: r.models.join(', '), seeds: r.seeds.join(',') })}${r.best !== null ? t('eval.bestSuffix', { model: r.best }) : ''}`;
}

export function RunSelect({ id, label, runs, value, onChange }: RunSelectProps) {
  const { t, date } = useI18n();
  return (
    <span className="run-select">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
        <option value="">{t('eval.chooseRun', { count: runs.length })}</option>
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {runLabel(r, t, date)}
          </option>
        ))}
      </select>
    </span>
  );
}
