import { useRef, type KeyboardEvent } from 'react';

export interface Tab<K extends string> {
  readonly key: K;
  readonly label: string;
}

interface TabBarProps<K extends string> {
  readonly tabs: readonly Tab<K>[];
  readonly active: K;
  readonly onSelect: (key: K) => void;
  /** The tab list's accessible name. */
  readonly label?: string;
}

/** WAI-ARIA tabs: Tab reaches the active tab; arrow keys, Home and End move between tabs. */
export function TabBar<K extends string>({ tabs, active, onSelect, label = 'Views' }: TabBarProps<K>) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const move = (e: KeyboardEvent<HTMLDivElement>): void => {
    const at = tabs.findIndex((t) => t.key === active);
    const to =
      e.key === 'ArrowRight' ? (at + 1) % tabs.length : e.key === 'ArrowLeft' ? (at - 1 + tabs.length) % tabs.length : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    onSelect(tabs[to].key);
    refs.current[to]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={move}>
      {tabs.map((t, i) => (
        <button
          key={t.key}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${t.key}`}
          aria-selected={t.key === active}
          aria-controls={`panel-${t.key}`}
          tabIndex={t.key === active ? 0 : -1}
          onClick={() => onSelect(t.key)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
