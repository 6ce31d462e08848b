/**
 * Where the better-sqlite3 addon built for Electron's ABI lives in a development checkout. The
 * copy in node_modules stays built for Node (so `npm test` keeps working); scripts/electron-native.mjs
 * builds a second copy for Electron into this cache folder, and main's entry names it as the addon
 * of every thread (sqlite-binding.ts). A packaged app needs none of this: electron-builder rebuilds
 * the addon for Electron inside the package. Keep this path in step with
 * scripts/electron-native.mjs (test/electron/bundle.int.test.ts checks they agree).
 */
import path from 'node:path';

export function electronNativeDir(root: string, electronVersion: string, platform: string, arch: string): string {
  return path.join(
    root,
    'node_modules',
    '.cache',
    'tidemark-electron-native',
    `electron-${electronVersion}-${platform}-${arch}`,
  );
}

export function electronNativeBindingPath(
  root: string,
  electronVersion: string,
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  return path.join(electronNativeDir(root, electronVersion, platform, arch), 'better_sqlite3.node');
}
