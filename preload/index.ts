/** Preload (sandboxed, context-isolated): exposes exactly the Api (and its events) as `window.api`, nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { buildPreloadApi } from './api-proxy';

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
