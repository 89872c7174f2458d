import { useState, type FormEvent } from 'react';

interface SearchFormProps {
  readonly initial: string;
  readonly onSearch: (query: string) => void;
}

export function SearchForm({ initial, onSearch }: SearchFormProps) {
  const [text, setText] = useState(initial);
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    onSearch(text);
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor="item-query">Find items</label>
      <input id="item-query" type="search" value={text} maxLength={200} placeholder="id or title" onChange={(e) => setText(e.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}
