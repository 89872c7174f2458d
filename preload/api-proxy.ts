/**
 * Builds the Api object the preload exposes as `window.api`: every method forwards its input to
 * the main process over its own IPC channel, and `onEvent` listens on the events channel.
 * Pure (no 'electron' import) so tests can check it. It imports only main/api/contract.ts
 * (zod-free: the method names and channels), so the sandboxed bundle stays free of zod and Node.
 */
import { apiChannel, buildApiProxy, EVENT_CHANNEL, FILE_CHOOSER_CHANNEL, type Api, type ApiEvent, type ApiEvents, type ApiMethod, type FileChooser } from '../main/api/contract';

/** The IPC channel of a method: the contract's, as main/index.ts registers it. */
export function preloadChannel(method: ApiMethod): string {
  return apiChannel(method);
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

/** `window.files`: asks the main process for the OS file dialog; anything but a path reads as cancelled. */
export function buildFileChooser(invoke: Invoke): FileChooser {
  return Object.freeze({
    chooseFile: async (role: Parameters<FileChooser['chooseFile']>[0]) => {
      const path = await invoke(FILE_CHOOSER_CHANNEL, role);
      return typeof path === 'string' && path !== '' ? path : null;
    },
  });
}
