/**
 * The application menu as a template: File (Open Store..., New Store..., Connect to Server...,
 * Recent, Quit), View (reload and devtools in development only, toggle dark mode, zoom), Help.
 * Built by a pure function from the recent connections and a set of actions, so its shape is
 * unit-tested without Electron; main turns it into a Menu with `Menu.buildFromTemplate`.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ConnectionInfo } from '../src-core/model/store-api';

export interface MenuActions {
  openStore(): void;
  newStore(): void;
  connectToServer(): void;
  openRecent(id: string): void;
  toggleDarkMode(): void;
  openDocs(): void;
}

export interface MenuOptions {
  isDev: boolean;
  isMac: boolean;
  recent: ConnectionInfo[];
  currentId: string | null;
  actions: MenuActions;
}

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const recent: MenuItemConstructorOptions[] =
    o.recent.length === 0
      ? [{ label: 'No Recent Connections', enabled: false }]
      : o.recent.slice(0, 10).map((c) => ({
          label: `${c.label}${c.readOnly ? ' (read-only)' : ''} — ${c.kind === 'sqlite' ? 'file' : 'server'}`,
          type: 'checkbox' as const,
          checked: c.id === o.currentId,
          click: () => o.actions.openRecent(c.id),
        }));
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Store...', accelerator: 'CmdOrCtrl+O', click: () => o.actions.openStore() },
      { label: 'New Store...', accelerator: 'CmdOrCtrl+N', click: () => o.actions.newStore() },
      { label: 'Connect to Server...', accelerator: 'CmdOrCtrl+K', click: () => o.actions.connectToServer() },
      { type: 'separator' },
      { label: 'Recent', submenu: recent },
      { type: 'separator' },
      o.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(o.isDev
        ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])
        : []),
      { label: 'Toggle Dark Mode', accelerator: 'CmdOrCtrl+Shift+D', click: () => o.actions.toggleDarkMode() },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: 'Tidemark Documentation', click: () => o.actions.openDocs() }],
  };
  const edit: MenuItemConstructorOptions = { role: 'editMenu' };
  return [...(o.isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []), file, edit, view, help];
}
