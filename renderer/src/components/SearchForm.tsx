import { useState, type FormEvent } from 'react';

interface SearchFormProps {
  readonly initial: string;
  readonly onSearch: (query: string) => void;
  /** Id of the input (unique on the page); default 'item-query'. */
  readonly id?: string;
  readonly label?: string;
  readonly placeholder?: string;
}

export function SearchForm({ initial, onSearch, id = 'item-query', label = 'Find items', placeholder = 'id or title' }: SearchFormProps) {
  const [text, setText] = useState(initial);
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    onSearch(text);
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={text} maxLength={200} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}
