/**
 * The names of the Api's methods as a plain value, free of zod and Node, so the preload and the
 * renderer can build their proxies from it. A compile-time check keeps it equal to the Api.
 */
import type { Api } from './api';

export const API_METHOD_NAMES = [
  'version',
  'workspaceSummary',
  'openWorkspace',
  'listItems',
  'listUsers',
  'kgSearch',
  'kgSubgraph',
  'kgItem',
  'recommend',
  'recommendQuery',
  'explainPath',
  'startImport',
  'importReport',
  'startEvaluation',
  'startFit',
  'startFinetune',
  'resumeJob',
  'cancelJob',
  'getJob',
  'listJobs',
  'kgAddFact',
  'kgRemoveFact',
  'kgUndo',
  'kgEdits',
  'listRuns',
  'getRun',
  'exportReport',
  'labelQueue',
  'addLabel',
  'undoLabel',
  'listLabels',
  'labelStats',
  'listModelVersions',
  'activateModelVersion',
  'forgetUser',
] as const satisfies readonly (keyof Api)[];

type Listed = (typeof API_METHOD_NAMES)[number];
/** Fails to compile when a method of the Api is missing from the list above. */
const complete: [Exclude<keyof Api, Listed>] extends [never] ? true : ['missing from API_METHOD_NAMES:', Exclude<keyof Api, Listed>] = true;
void complete;

/** IPC channel of the events stream (main → renderer). */
export const EVENT_CHANNEL = 'knowrec:event';

/** Path of the bridge's WebSocket for events (token in `?token=`). */
export const EVENTS_PATH = '/events';

/**
 * Builds an Api whose every method forwards to `call(method, input)`: one proxy for IPC and the
 * bridge. Methods without input are called with `undefined`.
 */
export function buildApiProxy(call: (method: keyof Api, input: unknown) => Promise<unknown>): Api {
  const entries = API_METHOD_NAMES.map((m) => [m, (input?: unknown) => call(m, input)] as const);
  return Object.fromEntries(entries) as unknown as Api;
}
