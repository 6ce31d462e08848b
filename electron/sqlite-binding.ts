/**
 * The Electron bundles' stand-in for `better-sqlite3`. The build (scripts/build-electron.mjs)
 * resolves every `import 'better-sqlite3'` in dist-electron — the engine's, and also the diff
 * spill's, which opens a temporary SQLite file without a `nativeBinding` option — to this module,
 * which re-exports the real class with one change: when main (or a job worker) has set a default
 * addon path with `setDefaultNativeBinding`, databases opened without their own `nativeBinding`
 * load that Electron-ABI addon. In tests and in the CLI this module is not involved at all.
 */
import RealDatabase from 'better-sqlite3';

let defaultBinding: string | undefined;

export function setDefaultNativeBinding(file: string | undefined): void {
  defaultBinding = file;
}

class Database extends RealDatabase {
  constructor(filename?: string | Buffer, options?: RealDatabase.Options) {
    super(
      filename,
      defaultBinding !== undefined && options?.nativeBinding === undefined
        ? { ...options, nativeBinding: defaultBinding }
        : options,
    );
  }
}

export default Database;
