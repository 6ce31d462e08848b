/**
 * Electron implementations of the small interfaces the testable modules are written against:
 * `SecretBox` over safeStorage (treated as unavailable on Linux's `basic_text` backend, whose
 * "encryption" uses a fixed key, so tokens then stay in memory only) and `Dialogs` over the native
 * open/save dialogs. Electron-only and thin.
 */
import { dialog, safeStorage, type BrowserWindow } from 'electron';
import { exportFormatOfFileName } from '../src-core/export/names';
import type { Dialogs } from './handlers';
import type { SecretBox } from './recent-store';

export const safeStorageBox: SecretBox = {
  isAvailable() {
    if (!safeStorage.isEncryptionAvailable()) return false;
    return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
  },
  encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
  decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
};

const STORE_FILTERS = [
  { name: 'Tidemark store', extensions: ['db', 'sqlite', 'tidemark'] },
  { name: 'All files', extensions: ['*'] },
];

export function electronDialogs(getWindow: () => BrowserWindow | null): Dialogs {
  return {
    async chooseStoreFile(create) {
      const win = getWindow();
      if (create) {
        const opts = { title: 'New Tidemark store', defaultPath: 'tidemark.db', filters: STORE_FILTERS };
        const res = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
        return res.canceled || !res.filePath ? null : res.filePath;
      }
      const opts = { title: 'Open Tidemark store', properties: ['openFile' as const], filters: STORE_FILTERS };
      const res = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return res.canceled ? null : (res.filePaths[0] ?? null);
    },
    async chooseExportFile(defaultName) {
      const win = getWindow();
      const ext = exportFormatOfFileName(defaultName) ?? 'ndjson';
      const opts = {
        title: 'Export surface',
        defaultPath: defaultName,
        filters: [{ name: ext.toUpperCase(), extensions: [ext] }],
      };
      const res = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
      return res.canceled || !res.filePath ? null : res.filePath;
    },
  };
}
