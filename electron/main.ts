/**
 * Entry of the Electron main process (bundled to dist-electron/main.cjs). Wires the pieces: the
 * better-sqlite3 addon of every thread (sqlite-binding.ts, named before any store opens or worker
 * starts), the hardening (security.ts), the connection manager over the recent list in userData,
 * the IPC handlers registered through the one checked wrapper, job workers for diff/export, the
 * window and the menu. In development (`VITE_DEV_SERVER_URL` set, app not packaged) the renderer comes from
 * the Vite dev server; otherwise from dist/renderer over file://. `TIDEMARK_USER_DATA` moves
 * userData (the e2e tests give each run its own folder). Both are development-only: a packaged app
 * ignores them, and refuses to start with a debugging switch (launch-env.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, nativeTheme, shell } from 'electron';
import { osUserName } from '../src-core/services/os-user';
import { ConnectionManager } from './connections';
import { openExternalLink } from './external-links';
import { createHandlers } from './handlers';
import { registerHandlers } from './ipc-handler';
import { JobRunner } from './jobs';
import { launchSettings, refusedSwitch } from './launch-env';
import { buildMenuTemplate } from './menu';
import { electronNativeBindingPath } from './native-binding';
import { RecentStore } from './recent-store';
import { SettingsStore } from './settings-store';
import { hardenApp } from './security';
import { whoami } from './server-url';
import { electronDialogs, safeStorageBox } from './services';
import { openDescriptor } from './store-open';
import type { AppOrigin } from './trust';
import { setSqliteAddon } from './sqlite-binding';
import { createMainWindow, isOurWindow, showScreen } from './window';

const DOCS_URL = 'https://github.com/tidemark/tidemark#readme';

const refused = refusedSwitch(process.argv, app.isPackaged);
if (refused !== null) {
  dialog.showErrorBox('Tidemark', `Tidemark does not start with --${refused}: debugging is off in the installed app.`);
  app.exit(1);
}
const launch = launchSettings(process.env, app.isPackaged);
if (launch.userData !== undefined) app.setPath('userData', path.resolve(launch.userData));
app.enableSandbox();

const devUrl = launch.devServerUrl;
const origin: AppOrigin = devUrl
  ? { kind: 'dev', url: devUrl }
  : { kind: 'file', rendererDir: path.join(__dirname, '..', 'dist', 'renderer') };

/** The Electron-ABI addon in a dev checkout; a packaged app's own better-sqlite3 is already built for Electron. */
function electronSqliteAddon(): string | undefined {
  if (app.isPackaged) return undefined;
  const file = electronNativeBindingPath(app.getAppPath(), process.versions.electron);
  if (!existsSync(file)) {
    dialog.showErrorBox(
      'Tidemark: SQLite addon for Electron missing',
      `${file} does not exist. Run "node scripts/electron-native.mjs" (npm start does) to build it.`,
    );
    return undefined;
  }
  return file;
}

if (refused !== null || !app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  hardenApp(origin);
  const userData = app.getPath('userData');
  mkdirSync(userData, { recursive: true });
  // Before any store opens or worker starts: the addon of this thread and of every worker (sqlite-binding.ts).
  setSqliteAddon(process.env, electronSqliteAddon());
  const recent = new RecentStore(path.join(userData, 'connections.json'), safeStorageBox);
  const connections = new ConnectionManager(
    recent,
    {
      open: (desc) => Promise.resolve().then(() => openDescriptor(desc)),
      whoami: (url, token) => whoami(url, token),
    },
    path.join(userData, 'tidemark.db'),
  );
  try {
    await connections.openAtStartup();
  } catch (err) {
    dialog.showErrorBox(
      'Tidemark: the default store could not be opened',
      err instanceof Error ? err.message : String(err),
    );
  }
  if (recent.recovered) dialog.showErrorBox('Tidemark: recent connections reset', recent.recovered);
  const settings = new SettingsStore(path.join(userData, 'settings.json'), osUserName);
  if (settings.recovered) dialog.showErrorBox('Tidemark: settings reset', settings.recovered);

  let win: BrowserWindow | null = null;
  const dialogs = electronDialogs(() => win);
  const jobs = new JobRunner(path.join(__dirname, 'job-worker.cjs'));
  const handlerSet = createHandlers({ connections, jobs, dialogs, settings });
  registerHandlers(ipcMain, handlerSet.handlers, { origin, isOurWindow });

  const afterSwitch = (): void => {
    if (win) showScreen(win, '#/topics', true);
  };
  const report = (err: unknown): void => {
    dialog.showErrorBox('Tidemark', err instanceof Error ? err.message : String(err));
  };
  const openFromDialog = async (create: boolean): Promise<void> => {
    const file = await dialogs.chooseStoreFile(create);
    if (file === null) return;
    await connections.openFile({ path: file, create }, { trusted: true });
    afterSwitch();
  };
  const refreshMenu = (): void => {
    const template = buildMenuTemplate({
      isDev: origin.kind === 'dev',
      isMac: process.platform === 'darwin',
      recent: connections.recentConnections(),
      currentId: connections.current()?.info.id ?? null,
      actions: {
        openStore: () => void openFromDialog(false).catch(report),
        newStore: () => void openFromDialog(true).catch(report),
        connectToServer: () => {
          if (win) showScreen(win, '#/connections', false);
        },
        openRecent: (id) => void connections.reconnect(id).then(afterSwitch, report),
        toggleDarkMode: () => {
          nativeTheme.themeSource = nativeTheme.shouldUseDarkColors ? 'light' : 'dark';
        },
        openDocs: () => void openExternalLink(DOCS_URL, shell),
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  connections.onChange(refreshMenu);
  refreshMenu();

  const preload = path.join(__dirname, 'preload.cjs');
  win = createMainWindow(origin, preload);
  win.on('closed', () => {
    win = null;
  });
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createMainWindow(origin, preload);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    handlerSet.dispose();
    void Promise.allSettled([jobs.stopAll(), connections.close()]).then(() => app.quit());
  });
}
