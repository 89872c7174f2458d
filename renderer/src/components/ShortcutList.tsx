/** The keyboard shortcuts of a view, listed on screen. */
export interface Shortcut {
  readonly keys: string;
  readonly action: string;
}

export function ShortcutList({ shortcuts, label = 'Keyboard shortcuts' }: { readonly shortcuts: readonly Shortcut[]; readonly label?: string }) {
  return (
    <aside className="shortcuts" aria-label={label}>
      <strong>{label}:</strong>{' '}
      {shortcuts.map((s, i) => (
        <span key={s.keys}>
          {i > 0 && ' · '}
          <kbd>{s.keys}</kbd> {s.action}
        </span>
      ))}
    </aside>
  );
}
