import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';

interface UserPickerProps {
  readonly initialUser: string;
  readonly initialK: number;
  readonly maxK: number;
  readonly onPick: (user: string, k: number) => void;
}

export function UserPicker({ initialUser, initialK, maxK, onPick }: UserPickerProps) {
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
      <input id="rec-user" type="text" value={user} maxLength={200} required onChange={(e) => setUser(e.target.value)} />
      <label htmlFor="rec-k">{t('common.top')}</label>
      <input id="rec-k" type="number" min={1} max={maxK} value={k} onChange={(e) => setK(e.target.value)} className="narrow" />
      <button type="submit">{t('common.recommend')}</button>
    </form>
  );
}
