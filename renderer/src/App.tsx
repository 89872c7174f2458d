/** The workbench page: a tab bar and one view at a time. Views are dumb; state comes from the Api. */
import { useEffect, useState } from 'react';
import type { Api, Result, VersionInfo, WorkspaceSummary } from '../../main/api';
import { TabBar, type Tab } from './components/TabBar';
import { DatasetsView } from './views/DatasetsView';
import { KgView } from './views/KgView';
import { RecommendationsView } from './views/RecommendationsView';

type ViewKey = 'datasets' | 'kg' | 'recommendations';

const TABS: readonly Tab<ViewKey>[] = [
  { key: 'datasets', label: 'Datasets' },
  { key: 'kg', label: 'Knowledge graph' },
  { key: 'recommendations', label: 'Recommendations' },
];

export function App({ api }: { readonly api: Api }) {
  const [version, setVersion] = useState<Result<VersionInfo> | null>(null);
  const [summary, setSummary] = useState<Result<WorkspaceSummary> | null>(null);
  const [view, setView] = useState<ViewKey>('datasets');

  useEffect(() => {
    let live = true;
    void api.version().then((r) => live && setVersion(r));
    void api.workspaceSummary().then((r) => live && setSummary(r));
    return () => {
      live = false;
    };
  }, [api]);

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
      <TabBar tabs={TABS} active={view} onSelect={setView} />
      {/* Views stay mounted so switching tabs keeps their state. */}
      {TABS.map((t) => (
        <div key={t.key} role="tabpanel" id={`panel-${t.key}`} aria-labelledby={`tab-${t.key}`} hidden={t.key !== view} className="panel">
          {t.key === 'datasets' && <DatasetsView api={api} summary={summary} />}
          {t.key === 'kg' && <KgView api={api} />}
          {t.key === 'recommendations' && <RecommendationsView api={api} />}
        </div>
      ))}
    </main>
  );
}
