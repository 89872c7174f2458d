import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';

interface UserPickerProps {
  readonly initialUser: string;
  readonly initialK: number;
  readonly maxK: number;
  readonly onPick: (user: string, k: number) => void;
  /** Ids offered as the person types (the users the fitted model has recommendations for, when it has them for only some). */
  readonly suggestions?: readonly string[];
  /** The id field's text as it changes (to look up the suggestions). */
  readonly onType?: (text: string) => void;
}

export function UserPicker({ initialUser, initialK, maxK, onPick, suggestions, onType }: UserPickerProps) {
  const [user, setUser] = useState(initialUser);
  const [k, setK] = useState(String(initialK));
  const { t } = useI18n();
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const n = Math.min(maxK, Math.max(1, Math.round(Number(k)) || initialK));
    if (user.trim() !== '') onPick(user.trim(), n);
  };
  return (
    <form className="search" onSubmit={submit} aria-label={t('recs.forUser')}>
      <label htmlFor="rec-user">{t('recs.userId')}</label>
      <input
        id="rec-user"
        type="text"
        value={user}
        maxLength={200}
        required
        list={suggestions !== undefined ? 'rec-user-ids' : undefined}
        onChange={(e) => {
          setUser(e.target.value);
          onType?.(e.target.value);
        }}
      />
      {suggestions !== undefined && (
        <datalist id="rec-user-ids">
          {suggestions.map((id) => (
            <option key={id} value={id} />
          ))}
        </datalist>
      )}
      <label htmlFor="rec-k">{t('common.top')}</label>
      <input id="rec-k" type="number" min={1} max={maxK} value={k} onChange={(e) => setK(e.target.value)} className="narrow" />
      <button type="submit">{t('common.recommend')}</button>
    </form>
  );
}
