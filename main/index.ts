/**
 * Electron main entry: the ONLY module that imports 'electron'. It opens the window (isolated,
 * sandboxed renderer served as app://knowrec/ from out/renderer) and exposes the Api over IPC,
 * one channel per method, all calling the one implementation from main/api (createApi); Api
 * events go to every window on EVENT_CHANNEL. Only the app's own page may call the Api (sender
 * check), every permission request is denied, and the Api touches only the files the user chose
 * (userData, the startup workspace, and what File → Open… picks; see main/api/paths.ts).
 *
 * Workspace: `--workspace FILE` (must exist), else `<userData>/workspace.sqlite` (created if missing).
 * Pseudonym key: sealed by the OS keychain (safeStorage) in `<userData>/pseudonym.key.sealed`.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, safeStorage, session, type IpcMainInvokeEvent, type MenuItemConstructorOptions, type OpenDialogOptions } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_METHODS, apiChannel, createApi, dispatchApi, EVENT_CHANNEL, FILE_CHOOSER_CHANNEL, IMPORT_FILE_ROLES, fail, workspacePathFromArgv, type ApiImpl, type ImportFileRole } from './api';
import { APP_SCHEME, APP_URL, appFileFor, devServerOrigin, isTrustedSender } from './app-security';
import { KnowrecError } from './core/errors';
import { sealedKeyFile, Workspace, type PseudonymKey } from './core/store';
import { workersExited } from './core/worker-launcher';
import { loadDatasetInWorker, recordDataHashInWorker } from './jobs/dataset-loader';
import { loadKgIndexForApi } from './jobs/kg-index-loader';

// Before 'ready': app:// behaves like https (standard origin, secure context, fetch).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);

/** The dev server (electron-vite dev) when not packaged; null: the built page over app://. */
const DEV_URL = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const DEV_ORIGIN = devServerOrigin(DEV_URL ?? undefined);

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

/** The calling frame's URL and place, null when it is gone (a disposed frame throws on access). */
function senderOf(event: IpcMainInvokeEvent): { url: string; isTopLevel: boolean } | null {
  try {
    const frame = event.senderFrame;
    return frame === null ? null : { url: frame.url, isTopLevel: frame.parent === null };
  } catch {
    return null;
  }
}

function registerIpc(api: ApiImpl): void {
  for (const method of API_METHODS) {
    ipcMain.handle(apiChannel(method), async (event, input: unknown) => {
      if (!isTrustedSender(senderOf(event), DEV_ORIGIN)) {
        return fail('unauthorized', 'only the workbench page may call the Api', 'reload the KnowRec window');
      }
      return (await dispatchApi(api, method, input)).result;
    });
  }
}

const TABLE_EXTENSIONS = ['csv', 'tsv', 'txt', 'parquet', 'pq', 'jsonl', 'ndjson', 'json'];
/** The dialog's file filters per role (any file is still offered: "All files"). */
const FILE_FILTERS: Record<ImportFileRole, OpenDialogOptions['filters']> = {
  interactions: [{ name: 'Tables', extensions: TABLE_EXTENSIONS }],
  items: [{ name: 'Tables', extensions: TABLE_EXTENSIONS }],
  kg: [{ name: 'Knowledge graphs', extensions: ['ttl', 'nt'] }],
  links: [{ name: 'Tables', extensions: TABLE_EXTENSIONS }],
};

/**
 * "Choose…" in Datasets → Import your own: the OS file dialog; the picked file becomes readable by
 * the Api (as File → Allow Import Folder… does for a folder) and its path goes back to the form.
 */
function registerFileChooser(api: ApiImpl): void {
  ipcMain.handle(FILE_CHOOSER_CHANNEL, async (event, role: unknown) => {
    if (!isTrustedSender(senderOf(event), DEV_ORIGIN)) return null;
    if (typeof role !== 'string' || !(IMPORT_FILE_ROLES as readonly string[]).includes(role)) return null;
    const options: OpenDialogOptions = { properties: ['openFile'], filters: [...(FILE_FILTERS[role as ImportFileRole] ?? []), { name: 'All files', extensions: ['*'] }] };
    const win = BrowserWindow.fromWebContents(event.sender);
    const r = await (win === null ? dialog.showOpenDialog(options) : dialog.showOpenDialog(win, options));
    if (r.canceled || r.filePaths.length === 0) return null;
    api.allowPath(r.filePaths[0]);
    return r.filePaths[0];
  });
}

/** Every Api event (job progress, workspace changes) goes to every open window. */
function forwardEvents(api: ApiImpl): () => void {
  return api.onEvent((event) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
    }
  });
}

/** Serves out/renderer as app://knowrec/…; anything else (other host, `..`) is a 404. */
function serveRenderer(): void {
  const root = join(__dirname, '../renderer');
  protocol.handle(APP_SCHEME, (request) => {
    const file = appFileFor(request.url, root);
    return file === null ? new Response('not found', { status: 404 }) : net.fetch(pathToFileURL(file).toString());
  });
}

/** The renderer asks for nothing (camera, notifications, …): every request and check is denied. */
function denyPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** File → Open Workspace… / Allow Import Folder…: a path picked here becomes usable by the Api. */
function installMenu(api: ApiImpl): void {
  const pick = async (folder: boolean): Promise<string | null> => {
    const options: OpenDialogOptions = { properties: [folder ? 'openDirectory' : 'openFile'] };
    const win = BrowserWindow.getFocusedWindow();
    const r = await (win === null ? dialog.showOpenDialog(options) : dialog.showOpenDialog(win, options));
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
  };
  const openWorkspace = async (): Promise<void> => {
    const path = await pick(false);
    if (path === null) return;
    api.allowPath(path);
    const r = await api.openWorkspace({ path });
    if (!r.ok) dialog.showErrorBox('Cannot open the workspace', `${r.error.message}${r.error.hint !== undefined ? `\n\n${r.error.hint}` : ''}`);
  };
  const allowFolder = async (): Promise<void> => {
    const path = await pick(true);
    if (path === null) return;
    api.allowPath(path);
    await dialog.showMessageBox({ message: 'You can now import from this folder', detail: `${path}\n\nEnter it under Datasets → RecBole folder, or its files under Datasets → Import your own.` });
  };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: () => void openWorkspace() },
      { label: 'Allow Import Folder…', click: () => void allowFolder() },
      { type: 'separator' },
      { role: process.platform === 'darwin' ? 'close' : 'quit' },
    ],
  };
  const mac: MenuItemConstructorOptions[] = process.platform === 'darwin' ? [{ role: 'appMenu' }] : [];
  Menu.setApplicationMenu(Menu.buildFromTemplate([...mac, file, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }]));
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
  void win.loadURL(DEV_URL ?? APP_URL);
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
    allowedRoots: [app.getPath('userData')],
    allowHint: 'choose it with File → Open Workspace… or File → Allow Import Folder…',
    pseudonymKey: keychainPseudonymKey,
    // a big dataset is read in a worker thread: the views' other calls keep answering meanwhile
    loadDataset: (path) => loadDatasetInWorker(path),
    recordDataHash: (path) => recordDataHashInWorker(path),
    // the KG index from its cache file beside the workspace, else built in a worker from the KG alone
    loadKgIndex: loadKgIndexForApi,
    prewarm: true,
  });
  registerIpc(api);
  registerFileChooser(api);
  const stopEvents = forwardEvents(api);
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    stopEvents();
    api.close();
    // Workers finish their current native step before they exit (a killed one aborts the app).
    event.preventDefault();
    void workersExited(5000).then(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  void app.whenReady().then(() => {
    denyPermissions();
    serveRenderer();
    installMenu(api);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
}

main();
