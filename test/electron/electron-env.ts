/**
 * Can the Electron app actually start here? It needs the Electron binary (node_modules/electron
 * downloads it at install time; with ELECTRON_SKIP_BINARY_DOWNLOAD or no access to GitHub it is
 * absent; found by scripts/electron-binary.mjs, as `npm start` finds it) and the better-sqlite3 addon built for Electron's ABI (scripts/electron-native.mjs).
 * The e2e suite skips every test with this reason, printed, when either is missing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findElectron, problemMessage } from '../../scripts/electron-binary.mjs';

export const root = path.resolve(import.meta.dirname, '../..');

export interface ElectronEnv {
  available: boolean;
  /** Path of the Electron executable when available. */
  executablePath: string | null;
  /** Why the suite cannot run (empty when it can). */
  reason: string;
}

function electronBinary(): { path: string | null; reason: string } {
  const found = findElectron(root);
  return found.ok ? { path: found.path, reason: '' } : { path: null, reason: problemMessage(found) };
}

let cached: ElectronEnv | undefined;

export function electronEnv(): ElectronEnv {
  if (cached) return cached;
  const bin = electronBinary();
  if (!bin.path) {
    cached = { available: false, executablePath: null, reason: bin.reason };
    return cached;
  }
  const check = spawnSync(process.execPath, [path.join(root, 'scripts/electron-native.mjs'), '--check'], {
    encoding: 'utf8',
  });
  if (check.status !== 0) {
    cached = {
      available: false,
      executablePath: bin.path,
      reason: `better-sqlite3 for Electron's ABI is missing (run "node scripts/electron-native.mjs"): ${check.stderr.trim()}`,
    };
    return cached;
  }
  cached = { available: true, executablePath: bin.path, reason: '' };
  return cached;
}
