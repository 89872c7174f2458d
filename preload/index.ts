/**
 * Preload (sandboxed, context-isolated): exposes exactly the Api (and its events) as `window.api`
 * and the OS file chooser as `window.files` (api-proxy.ts), nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildFileChooser, buildPreloadApi } from './api-proxy';

contextBridge.exposeInMainWorld(
  'api',
  buildPreloadApi(
    (channel, input) => ipcRenderer.invoke(channel, input),
    (channel, listener) => {
      const handler = (_event: unknown, payload: unknown): void => listener(payload);
      ipcRenderer.on(channel, handler);
      return () => {
        ipcRenderer.removeListener(channel, handler);
      };
    },
  ),
);

contextBridge.exposeInMainWorld(
  'files',
  buildFileChooser((channel, input) => ipcRenderer.invoke(channel, input)),
);
