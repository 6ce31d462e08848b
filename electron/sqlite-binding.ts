/**
 * The Electron bundles' better-sqlite3, and the one place the app chooses which native addon it
 * loads. scripts/build-electron.mjs emits this module as its own file
 * (dist-electron/chunks/sqlite-binding.cjs) and resolves every `import 'better-sqlite3'` in the
 * bundles to it, and also src-core/diff/spill-sqlite.ts, so the diff spill's worker thread
 * `require`s this file too. It re-exports the real class with one change: when the environment
 * variable TIDEMARK_SQLITE_ADDON names an addon, every database opened without a `nativeBinding`
 * of its own (nothing in the app passes one) loads that addon. Main's entry sets the variable once
 * (`setSqliteAddon`: the Electron-ABI build in a development checkout, see native-binding.ts;
 * removed in a packaged app, whose own better-sqlite3 is built for Electron), and every worker
 * thread starts with a copy of its parent's environment (Node's default), so job workers and the
 * spill's worker load the same addon from their first line. The variable is not a setting: main
 * overwrites or removes whatever was there. The CLI, the server and the tests of src-core never
 * load this module.
 */
import path from 'node:path';
import RealDatabase from 'better-sqlite3';
import type { sqliteModuleFile as SpillSqliteModuleFile } from '../src-core/diff/spill-sqlite';

/** The environment variable naming the better-sqlite3 addon of every thread of the app. */
export const SQLITE_ADDON_ENV = 'TIDEMARK_SQLITE_ADDON';

type Env = Record<string, string | undefined>;

function checkAddon(file: string): string {
  if (!path.isAbsolute(file)) {
    throw new Error(
      `${SQLITE_ADDON_ENV} must be the absolute path of a better-sqlite3 addon (.node), not ${JSON.stringify(file)}`,
    );
  }
  return file;
}

/** The addon `env` names, or undefined when it names none; an error when it is not an absolute path. */
export function sqliteAddon(env: Readonly<Env>): string | undefined {
  const file = env[SQLITE_ADDON_ENV];
  return file === undefined ? undefined : checkAddon(file);
}

/** Main's entry: names `file` as the addon of this thread and of every worker started later (undefined: none). */
export function setSqliteAddon(env: Env, file: string | undefined): void {
  if (file === undefined) delete env[SQLITE_ADDON_ENV];
  else env[SQLITE_ADDON_ENV] = checkAddon(file);
}

/** This module's own file: what the spill's worker thread requires in the bundles (see spill-sqlite.ts). */
export const sqliteModuleFile: typeof SpillSqliteModuleFile = () => __filename;

class Database extends RealDatabase {
  constructor(filename?: string | Buffer, options?: RealDatabase.Options) {
    const addon = options?.nativeBinding === undefined ? sqliteAddon(process.env) : undefined;
    super(filename, addon === undefined ? options : { ...options, nativeBinding: addon });
  }
}

export default Database;
