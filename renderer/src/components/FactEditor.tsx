/**
 * Adds a fact with the current item as head: a relation (known ones offered, any name allowed)
 * and a tail that is either an existing entity (searched) or a new entity with a typed name.
 */
import { useState, type FormEvent } from 'react';
import { EnterSearch } from './EnterSearch';
import type { ApiError, KgAddFactRequest, KgEdit, KgHit, KgRelationCount, Result } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';
import { useI18n } from '../i18n';

interface FactEditorProps {
  readonly item: string;
  readonly title: string;
  readonly relations: readonly KgRelationCount[];
  /** Entities whose label matches the typed text (the tail candidates). */
  readonly findEntities: (query: string) => Promise<Result<readonly KgHit[]>>;
  readonly addFact: (request: KgAddFactRequest) => Promise<Result<KgEdit>>;
  readonly onAdded: (edit: KgEdit) => void;
}

type Tail = { readonly entity: string; readonly label: string } | { readonly name: string };

export function FactEditor({ item, title, relations, findEntities, addFact, onAdded }: FactEditorProps) {
  const [relation, setRelation] = useState(relations[0]?.relation ?? '');
  const [text, setText] = useState('');
  const [hits, setHits] = useState<readonly KgHit[] | null>(null);
  const [tail, setTail] = useState<Tail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const { t, entity } = useI18n();

  const search = async (): Promise<void> => {
    setTail(null);
    if (text.trim() === '') return;
    const r = await findEntities(text.trim());
    if (r.ok) {
      setHits(r.value.filter((h) => h.entity !== null));
      setError(null);
    } else setError(r.error);
  };

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (tail === null || relation.trim() === '') return;
    setBusy(true);
    const r = await addFact({ head: { item }, relation: relation.trim(), tail: 'entity' in tail ? { entity: tail.entity } : { name: tail.name } });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    setTail(null);
    setHits(null);
    setText('');
    onAdded(r.value);
  };

  const tailText = tail === null ? t('fact.noneChosen') : 'entity' in tail ? tail.label : t('fact.newNamed', { name: tail.name });
  return (
    <form className="fact-editor" onSubmit={(e) => void submit(e)} aria-labelledby="fact-editor-title">
      <h4 id="fact-editor-title">{t('fact.title', { title })}</h4>
      <div className="row">
        <label htmlFor="fact-relation">{t('fact.relation')}</label>
        <input id="fact-relation" list="fact-relations" value={relation} onChange={(e) => setRelation(e.target.value)} required maxLength={500} />
        <datalist id="fact-relations">
          {relations.map((r) => (
            <option key={r.relation} value={r.relation}>
              {r.label}
            </option>
          ))}
        </datalist>
      </div>
      <div className="row">
        <label htmlFor="fact-tail">{t('fact.tail')}</label>
        <EnterSearch id="fact-tail" value={text} maxLength={300} placeholder={t('fact.entityName')} onChange={setText} onEnter={() => void search()} />
        <button type="button" onClick={() => void search()}>
          {t('fact.find')}
        </button>
        <button type="button" disabled={text.trim() === ''} onClick={() => setTail({ name: text.trim() })}>
          {t('fact.newEntity')}
        </button>
      </div>
      {hits !== null && (
        <ul className="hits" aria-label={t('fact.candidates')}>
          {hits.length === 0 && <li>{t('fact.noMatch')}</li>}
          {hits.map((h) => (
            <li key={h.entity ?? h.label}>
              <button type="button" className="link" onClick={() => h.entity !== null && setTail({ entity: h.entity, label: entity(h.label, h.described) })}>
                {entity(h.label, h.described)}
              </button>{' '}
              <span className="muted">{h.kind === 'item' ? t('common.item') : t('common.entity')}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="muted" aria-live="polite">
        {t('fact.chosen')} <span className="fact-tail-choice">{tailText}</span>
      </p>
      {error !== null && <ErrorNotice error={error} />}
      <button type="submit" disabled={busy || tail === null || relation.trim() === ''}>
        {t('fact.add')}
      </button>
    </form>
  );
}
