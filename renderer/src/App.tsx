/** The workbench page: workspace summary and the first items. State lives here; components are dumb. */
import { useEffect, useState } from 'react';
import type { Api, ItemRow, Page, Result, VersionInfo, WorkspaceSummary } from '../../main/api';
import { ErrorNotice } from './components/ErrorNotice';
import { ItemsTable } from './components/ItemsTable';
import { Pager } from './components/Pager';
import { SearchForm } from './components/SearchForm';
import { SummaryTable } from './components/SummaryTable';

const PAGE_SIZE = 25;

export function App({ api }: { readonly api: Api }) {
  const [version, setVersion] = useState<Result<VersionInfo> | null>(null);
  const [summary, setSummary] = useState<Result<WorkspaceSummary> | null>(null);
  const [items, setItems] = useState<Result<Page<ItemRow>> | null>(null);
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);

  useEffect(() => {
    let live = true;
    void api.version().then((r) => live && setVersion(r));
    void api.workspaceSummary().then((r) => live && setSummary(r));
    return () => {
      live = false;
    };
  }, [api]);

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
    <main className="app">
      <header className="app-header">
        <h1>KnowRec Workbench</h1>
        {version?.ok === true && (
          <span className="muted">
            v{version.value.app}
            {version.value.electron !== null ? ` · Electron ${version.value.electron}` : ' · browser'}
          </span>
        )}
      </header>

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
    </main>
  );
}
