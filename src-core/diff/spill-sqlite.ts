/**
 * Which better-sqlite3 module the diff spill's worker thread requires. That worker is plain
 * CommonJS run from source text (spill.ts), so it loads better-sqlite3 by the path its parent
 * passes in `workerData`: here, the package as resolved from this file. The Electron build resolves
 * this module, like every `better-sqlite3` import in its bundles, to its stand-in
 * (electron/sqlite-binding.ts, see scripts/build-electron.mjs), so a spill inside the desktop app
 * loads the same better-sqlite3 as the thread that started it. Nothing here knows about addons.
 */
import { createRequire } from 'node:module';

/** The file a worker thread `require`s to get better-sqlite3's `Database`. */
export function sqliteModuleFile(): string {
  return createRequire(import.meta.url).resolve('better-sqlite3');
}
