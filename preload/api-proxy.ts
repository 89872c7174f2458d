/**
 * Builds the Api object the preload exposes as `window.api`: every method forwards its input to
 * the main process over its own IPC channel, and `onEvent` listens on the events channel.
 * Pure (no 'electron' import) so tests can check it. Only TYPES come from main/api.ts: the
 * sandboxed preload bundle must stay free of zod and Node.
 */
import type { Api, ApiEvent, ApiEvents, ApiMethod } from '../main/api';
import { buildApiProxy, EVENT_CHANNEL } from '../main/api-methods';

/** Same names as `apiChannel` in main/api.ts (test/unit/api-contract.test.ts checks it). */
export function preloadChannel(method: ApiMethod): string {
  return `knowrec:api:${method}`;
}

export type Invoke = (channel: string, input?: unknown) => Promise<unknown>;
/** Subscribes to an IPC channel; returns the unsubscribe function. */
export type Listen = (channel: string, listener: (payload: unknown) => void) => () => void;

export function buildPreloadApi(invoke: Invoke, listen?: Listen): Api & ApiEvents {
  // The main process answers with the method's Result (dispatchApi never throws).
  const api = buildApiProxy((method, input) => invoke(preloadChannel(method), input));
  const onEvent = (listener: (event: ApiEvent) => void): (() => void) =>
    listen === undefined ? () => undefined : listen(EVENT_CHANNEL, (payload) => listener(payload as ApiEvent));
  return Object.freeze({ ...api, onEvent });
}
