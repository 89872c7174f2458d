import type { KgRelationCount } from '../../../main/api/contract';

interface RelationFilterProps {
  readonly relations: readonly KgRelationCount[];
  /** Relations shown; null: all. */
  readonly shown: ReadonlySet<string> | null;
  readonly onChange: (shown: ReadonlySet<string> | null) => void;
}

export function RelationFilter({ relations, shown, onChange }: RelationFilterProps) {
  if (relations.length === 0) return null;
  const toggle = (name: string, on: boolean): void => {
    const next = new Set(shown ?? relations.map((r) => r.relation));
    if (on) next.add(name);
    else next.delete(name);
    onChange(next.size === relations.length ? null : next);
  };
  return (
    <fieldset className="relations">
      <legend>Relations</legend>
      {relations.map((r) => {
        const id = `rel-${r.relation.replace(/[^A-Za-z0-9_-]/g, '_')}`;
        return (
          <span key={r.relation} className="check">
            <input id={id} type="checkbox" checked={shown === null || shown.has(r.relation)} onChange={(e) => toggle(r.relation, e.target.checked)} />
            <label htmlFor={id} title={r.relation}>
              {r.label} <span className="muted">({r.count})</span>
            </label>
          </span>
        );
      })}
    </fieldset>
  );
}
