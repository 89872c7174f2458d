/**
 * Electron main entry: the ONLY module that imports 'electron'. It opens the window (isolated,
 * sandboxed renderer) and exposes the Api over IPC, one channel per method, all calling the one
 * implementation from main/api (createApi); Api events go to every window on EVENT_CHANNEL.
 *
 * Workspace: `--workspace FILE` (must exist), else `<userData>/workspace.sqlite` (created if missing).
 * Pseudonym key: sealed by the OS keychain (safeStorage) in `<userData>/pseudonym.key.sealed`.
 */
import { app, BrowserWindow, ipcMain, safeStorage } from 'electron';
import { join } from 'node:path';
import { API_METHODS, apiChannel, createApi, dispatchApi, EVENT_CHANNEL, workspacePathFromArgv, type ApiImpl } from './api';
import { KnowrecError } from './core/errors';
import { sealedKeyFile, Workspace, type PseudonymKey } from './core/store';

function startupWorkspacePath(): { path: string; isDefault: boolean } {
  const given = workspacePathFromArgv(process.argv);
  if (given !== null) return { path: given, isDefault: false };
  return { path: join(app.getPath('userData'), 'workspace.sqlite'), isDefault: true };
}

/** The pseudonym key, sealed by the OS keychain (safeStorage) in `<userData>/pseudonym.key.sealed`. */
function keychainPseudonymKey(create: boolean): PseudonymKey | undefined {
  const plain = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (!safeStorage.isEncryptionAvailable() || plain) {
    throw new KnowrecError('config', 'no OS keychain to keep the pseudonym key in', {}, 'import without pseudonymizing, or use `knowrec import --pseudonymize` (a 0600 key file)');
  }
  return sealedKeyFile(join(app.getPath('userData'), 'pseudonym.key.sealed'), { seal: (hex) => safeStorage.encryptString(hex), open: (sealed) => safeStorage.decryptString(sealed) }, create);
}

function registerIpc(api: ApiImpl): void {
  for (const method of API_METHODS) {
    ipcMain.handle(apiChannel(method), async (_event, input: unknown) => (await dispatchApi(api, method, input)).result);
  }
}

/** Every Api event (job progress, workspace changes) goes to every open window. */
function forwardEvents(api: ApiImpl): () => void {
  return api.onEvent((event) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
    }
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'KnowRec Workbench',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The renderer talks only to the Api: no new windows, no navigation away from the app.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devUrl !== undefined && devUrl !== '') void win.loadURL(devUrl);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}

function main(): void {
  let startup: { path: string; isDefault: boolean };
  try {
    startup = startupWorkspacePath();
  } catch (e) {
    console.error(`knowrec: ${e instanceof Error ? e.message : String(e)}`);
    app.exit(2);
    return;
  }
  const defaultPath = startup.isDefault ? startup.path : null;
  const api = createApi({
    open: (path) => (path === defaultPath ? Workspace.openOrCreate(path) : Workspace.open(path)),
    workspacePath: startup.path,
    appVersion: app.getVersion(),
    pseudonymKey: keychainPseudonymKey,
  });
  registerIpc(api);
  const stopEvents = forwardEvents(api);
  app.on('before-quit', () => {
    stopEvents();
    api.close();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  void app.whenReady().then(() => {
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
}

main();
