import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';

interface SearchFormProps {
  readonly initial: string;
  readonly onSearch: (query: string) => void;
  /** Id of the input (unique on the page); default 'item-query'. */
  readonly id?: string;
  readonly label?: string;
  readonly placeholder?: string;
}

export function SearchForm({ initial, onSearch, id = 'item-query', label, placeholder }: SearchFormProps) {
  const { t } = useI18n();
  const [text, setText] = useState(initial);
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    onSearch(text);
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor={id}>{label ?? t('common.findItems')}</label>
      <input id={id} type="search" value={text} maxLength={200} placeholder={placeholder ?? t('common.idOrTitle')} onChange={(e) => setText(e.target.value)} />
      <button type="submit">{t('common.search')}</button>
    </form>
  );
}
