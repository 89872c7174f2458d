/** Preload (sandboxed, context-isolated): exposes exactly the Api as `window.api`, nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { buildPreloadApi } from './api-proxy';

contextBridge.exposeInMainWorld(
  'api',
  buildPreloadApi((channel, input) => ipcRenderer.invoke(channel, input)),
);
