/**
 * Notices fitted models and fine-tuned versions that appear or change outside this process (a
 * `knowrec fit` or `knowrec finetune` in a terminal) as well as inside it: it polls the
 * modification times of the open dataset's serving manifest and of its adapter folder, and calls
 * `onChange` when either differs from the last look. Polling (not fs.watch) because it behaves
 * the same on every platform and on network folders; one stat per path every `intervalMs`.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

export interface ModelWatchPaths {
  /** Folder holding the serving snapshot's manifest.json. */
  readonly modelDir: string;
  /** Folder holding the fine-tuned versions. */
  readonly adapterRoot: string;
}

/** Default poll interval: the UI shows a CLI fit within about this long. */
export const MODEL_WATCH_INTERVAL_MS = 2000;

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'absent';
  }
}

/** What the watcher compares between looks: manifest and adapter folder stamps, keyed by the paths. */
export function modelStamp(paths: ModelWatchPaths | null): string {
  if (paths === null) return '';
  return `${paths.modelDir}|${stamp(join(paths.modelDir, 'manifest.json'))}|${paths.adapterRoot}|${stamp(paths.adapterRoot)}`;
}

/**
 * Starts polling; returns the function that stops it. `paths()` is asked on every look (the
 * open workspace may change); null means nothing to watch. A change of the paths themselves
 * (another workspace opened) is not reported: the workspace event already covers it.
 */
export function watchModels(paths: () => ModelWatchPaths | null, onChange: (paths: ModelWatchPaths) => void, intervalMs = MODEL_WATCH_INTERVAL_MS): () => void {
  let last = paths();
  let lastStamp = modelStamp(last);
  const timer = setInterval(() => {
    let now: ModelWatchPaths | null;
    try {
      now = paths();
    } catch {
      return;
    }
    const s = modelStamp(now);
    const samePaths = now !== null && last !== null && now.modelDir === last.modelDir && now.adapterRoot === last.adapterRoot;
    if (s !== lastStamp && samePaths && now !== null) onChange(now);
    last = now;
    lastStamp = s;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
