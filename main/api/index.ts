/**
 * The one implementation of the Api, over the core modules. Electron's IPC handlers, the
 * browser bridge and tests all call an object made by `createApi`.
 *
 * The store is reached through `WorkspaceLike`, which `Workspace` (main/core/store) satisfies;
 * main/index.ts and the CLI pass the opener (e.g. `(p) => Workspace.openOrCreate(p)`). Jobs,
 * runs, labels and KG edits need the real Workspace. The methods live by group in methods/*.ts
 * over the shared state of context.ts; the contract is contract.ts, validation schemas.ts.
 */
import { KnowrecError } from '../core/errors';
import type { Api, ApiEvents } from './contract';
import { ApiSession, type ApiImplOptions } from './context';
import { finetuneMethods } from './methods/finetune';
import { jobMethods } from './methods/jobs';
import { kgEditMethods } from './methods/kg-edits';
import { kgMethods } from './methods/kg';
import { labelMethods } from './methods/labels';
import { privacyMethods } from './methods/privacy';
import { recommendMethods } from './methods/recommend';
import { runMethods } from './methods/runs';
import { workspaceMethods } from './methods/workspace';

export * from './contract';
export { fail, ok, toApiError } from './result';
export { dispatchApi, type Dispatched, type DispatchStatus } from './dispatch';
export type { ApiImplOptions, OpenWorkspace, WorkspaceCounts, WorkspaceLike } from './context';
export { knowrecCacheDir, OUTSIDE_ROOTS } from './paths';

/** The Api plus its events and lifecycle for its owner (the Electron main process or the bridge command). */
export interface ApiImpl extends Api, ApiEvents {
  /** Path of the open workspace, null when none is open. */
  currentPath(): string | null;
  /**
   * Allows `path` (a file, or a folder and everything under it) from now on, when the Api was
   * made with `allowedRoots`: for the owner only (main/index.ts after the user picked it in a
   * dialog), never reachable through the Api's methods.
   */
  allowPath(path: string): void;
  close(): void;
}

export function createApi(options: ApiImplOptions): ApiImpl {
  const session = new ApiSession(options);
  return {
    ...workspaceMethods(session),
    ...kgMethods(session),
    ...recommendMethods(session),
    ...jobMethods(session),
    ...kgEditMethods(session),
    ...runMethods(session),
    ...labelMethods(session),
    ...finetuneMethods(session),
    ...privacyMethods(session),
    onEvent: (listener) => session.onEvent(listener),
    currentPath: () => session.currentPath(),
    allowPath: (path) => session.paths.allow(path),
    close: () => session.close(),
  };
}

/**
 * The workspace path given on the command line as `--workspace FILE` or `--workspace=FILE`,
 * or null when absent. Throws a 'config' KnowrecError when the flag has no value.
 */
export function workspacePathFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--workspace=')) {
      const value = arg.slice('--workspace='.length);
      if (value !== '') return value;
    } else if (arg === '--workspace') {
      const value = argv[i + 1];
      if (value !== undefined && value !== '' && !value.startsWith('--')) return value;
    } else {
      continue;
    }
    throw new KnowrecError('config', '--workspace needs a file path', {}, 'pass --workspace path/to/workspace.sqlite');
  }
  return null;
}
