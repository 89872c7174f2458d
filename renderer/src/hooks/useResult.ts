/**
 * Loads one Api result and keeps it while the inputs stay the same. `load` null: nothing to load
 * (the result is cleared). `reload()` asks again with the same inputs. A late answer for
 * inputs that have since changed is dropped.
 */
import { useCallback, useEffect, useState, type DependencyList } from 'react';
import type { Result } from '../../../main/api/contract';

export function useResult<T>(load: (() => Promise<Result<T>>) | null, deps: DependencyList): readonly [Result<T> | null, () => void] {
  const [result, setResult] = useState<Result<T> | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (load === null) {
      setResult(null);
      return undefined;
    }
    let live = true;
    void load().then((r) => {
      if (live) setResult(r);
    });
    return () => {
      live = false;
    };
    // `load` is a new closure every render; the caller's deps say when it really changed.
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [result, reload] as const;
}
