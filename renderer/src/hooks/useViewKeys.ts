/**
 * Single-key shortcuts for one view: active only while its tab panel is shown and focus is not
 * in a text field; modifier combinations are left alone.
 */
import { useEffect, useRef } from 'react';

export function useViewKeys(panelId: string, keys: Readonly<Record<string, () => void>>): void {
  const ref = useRef(keys);
  ref.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
      const panel = document.getElementById(panelId);
      if (panel === null || panel.hidden) return;
      const t = e.target as HTMLElement | null;
      if (t !== null && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      const action = ref.current[e.key.toLowerCase()];
      if (action === undefined) return;
      e.preventDefault();
      action();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [panelId]);
}
