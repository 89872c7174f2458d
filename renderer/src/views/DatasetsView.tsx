/** Datasets: the workspace summary and a paged, searchable item list. */
import { useEffect, useState } from 'react';
import type { Api, ItemRow, Page, Result, WorkspaceSummary } from '../../../main/api';
import { ErrorNotice } from '../components/ErrorNotice';
import { ItemsTable } from '../components/ItemsTable';
import { Pager } from '../components/Pager';
import { SearchForm } from '../components/SearchForm';
import { SummaryTable } from '../components/SummaryTable';

const PAGE_SIZE = 25;

export function DatasetsView({ api, summary }: { readonly api: Api; readonly summary: Result<WorkspaceSummary> | null }) {
  const [items, setItems] = useState<Result<Page<ItemRow>> | null>(null);
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);

  useEffect(() => {
    let live = true;
    void api
      .listItems({ offset, limit: PAGE_SIZE, ...(query === '' ? {} : { query }) })
      .then((r) => live && setItems(r));
    return () => {
      live = false;
    };
  }, [api, offset, query]);

  const search = (q: string): void => {
    setQuery(q.trim());
    setOffset(0);
  };

  return (
    <>
      <section aria-labelledby="summary-title">
        <h2 id="summary-title">Workspace</h2>
        {summary === null && <p aria-live="polite">Loading…</p>}
        {summary?.ok === false && <ErrorNotice error={summary.error} />}
        {summary?.ok === true && <SummaryTable summary={summary.value} />}
      </section>

      <section aria-labelledby="items-title">
        <h2 id="items-title">Items</h2>
        <SearchForm initial={query} onSearch={search} />
        {items === null && <p aria-live="polite">Loading…</p>}
        {items?.ok === false && <ErrorNotice error={items.error} />}
        {items?.ok === true && (
          <>
            <ItemsTable page={items.value} />
            <Pager offset={items.value.offset} limit={items.value.limit} total={items.value.total} onOffset={setOffset} />
          </>
        )}
      </section>
    </>
  );
}
