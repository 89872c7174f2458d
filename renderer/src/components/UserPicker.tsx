import { useState, type FormEvent } from 'react';

interface UserPickerProps {
  readonly initialUser: string;
  readonly initialK: number;
  readonly maxK: number;
  readonly onPick: (user: string, k: number) => void;
}

export function UserPicker({ initialUser, initialK, maxK, onPick }: UserPickerProps) {
  const [user, setUser] = useState(initialUser);
  const [k, setK] = useState(String(initialK));
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const n = Math.min(maxK, Math.max(1, Math.round(Number(k)) || initialK));
    if (user.trim() !== '') onPick(user.trim(), n);
  };
  return (
    <form className="search" onSubmit={submit} aria-label="Recommend for a user">
      <label htmlFor="rec-user">User id</label>
      <input id="rec-user" type="text" value={user} maxLength={200} required onChange={(e) => setUser(e.target.value)} />
      <label htmlFor="rec-k">Top</label>
      <input id="rec-k" type="number" min={1} max={maxK} value={k} onChange={(e) => setK(e.target.value)} className="narrow" />
      <button type="submit">Recommend</button>
    </form>
  );
}
