import type { RunSummary } from '../../../main/api/contract';

interface RunSelectProps {
  readonly id: string;
  readonly label: string;
  readonly runs: readonly RunSummary[];
  readonly value: string | null;
  readonly onChange: (id: string | null) => void;
}

export function runLabel(r: RunSummary): string {
  return `${r.created} · ${r.protocol} · ${r.models.join(', ')} · seeds ${r.seeds.join(',')}${r.best !== null ? ` · best ${r.best}` : ''}`;
}

export function RunSelect({ id, label, runs, value, onChange }: RunSelectProps) {
  return (
    <span className="run-select">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
        <option value="">— choose a run ({runs.length}) —</option>
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {runLabel(r)}
          </option>
        ))}
      </select>
    </span>
  );
}
