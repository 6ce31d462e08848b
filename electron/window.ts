/**
 * The main window: contextIsolation on, sandbox on, nodeIntegration off, webSecurity on, the
 * preload bridge as the only door to main. Our windows are tracked by webContents id so the IPC
 * wrapper can refuse callers that are not one of them. Electron-only and thin.
 */
import path from 'node:path';
import { BrowserWindow } from 'electron';
import { appEntryUrl, type AppOrigin } from './trust';

const windows = new Set<number>();

export function isOurWindow(webContentsId: number): boolean {
  return windows.has(webContentsId);
}

export function createMainWindow(origin: AppOrigin, preloadFile: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 500,
    title: 'Tidemark',
    show: false,
    webPreferences: {
      preload: path.resolve(preloadFile),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const id = win.webContents.id;
  windows.add(id);
  win.on('closed', () => windows.delete(id));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(appEntryUrl(origin));
  return win;
}

/** Moves the app to a screen (a hash route of the renderer), optionally reloading all data. */
export function showScreen(win: BrowserWindow, hash: '#/topics' | '#/connections', reload: boolean): void {
  const js = `location.hash = ${JSON.stringify(hash)};${reload ? ' location.reload();' : ''}`;
  void win.webContents.executeJavaScript(js, false).catch(() => undefined);
}
