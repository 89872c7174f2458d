import type { KgRelationCount } from '../../../main/api/contract';
import { useI18n } from '../i18n';

interface RelationFilterProps {
  readonly relations: readonly KgRelationCount[];
  /** Relations shown; null: all. */
  readonly shown: ReadonlySet<string> | null;
  readonly onChange: (shown: ReadonlySet<string> | null) => void;
}

export function RelationFilter({ relations, shown, onChange }: RelationFilterProps) {
  const { t, relation } = useI18n();
  if (relations.length === 0) return null;
  // an entry may stand for a relation and its inverse: it toggles every name it covers
  const all = relations.flatMap((r) => r.relations);
  const toggle = (names: readonly string[], on: boolean): void => {
    const next = new Set(shown ?? all);
    for (const name of names) {
      if (on) next.add(name);
      else next.delete(name);
    }
    onChange(all.every((n) => next.has(n)) ? null : next);
  };
  return (
    <fieldset className="relations">
      <legend>{t('kg.relations')}</legend>
      {relations.map((r) => {
        const id = `rel-${r.relation.replace(/[^A-Za-z0-9_-]/g, '_')}`;
        return (
          <span key={r.relation} className="check">
            <input id={id} type="checkbox" checked={shown === null || r.relations.every((n) => shown.has(n))} onChange={(e) => toggle(r.relations, e.target.checked)} />
            <label htmlFor={id} title={r.relations.join(' / ')}>
              {relation(r.relation, r.label)} <span className="muted">({r.count})</span>
            </label>
          </span>
        );
      })}
    </fieldset>
  );
}
