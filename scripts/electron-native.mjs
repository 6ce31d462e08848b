#!/usr/bin/env node
/**
 * Makes sure a better-sqlite3 addon built for Electron's ABI exists, WITHOUT touching the copy in
 * node_modules/better-sqlite3 (that one stays built for Node, so `npm test` keeps working after
 * `npm start` and vice versa). The Electron copy lives in
 *   node_modules/.cache/tidemark-electron-native/electron-<version>-<platform>-<arch>/better_sqlite3.node
 * (electron/native-binding.ts computes the same path); in a development checkout, main's entry names
 * it as the addon every thread of the app loads (electron/sqlite-binding.ts). How it is made, in a
 * scratch copy of the better-sqlite3 package:
 *   1. `prebuild-install --runtime electron --target <electron version>` (downloads a prebuilt
 *      binary from better-sqlite3's GitHub releases), else
 *   2. `node-gyp rebuild --runtime=electron --target=<version> --dist-url=https://electronjs.org/headers`
 *      (compiles; downloads Electron's headers).
 * Both need the network (GitHub / electronjs.org). When both fail the script exits 1 with a message
 * saying so. A stamp file records the better-sqlite3 version, so the work is redone after an upgrade.
 *
 * Usage: node scripts/electron-native.mjs [--print-path] [--check]
 *   --print-path  print where the addon belongs and exit 0
 *   --check       exit 0 if it is there and current, 1 otherwise (no build)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));

const electronVersion =
  process.env.TIDEMARK_ELECTRON_VERSION ?? readJson(path.join(root, 'node_modules/electron/package.json')).version;
const sqliteDir = path.join(root, 'node_modules/better-sqlite3');
const sqliteVersion = readJson(path.join(sqliteDir, 'package.json')).version;
const platform = process.env.TIDEMARK_ELECTRON_PLATFORM ?? process.platform;
const arch = process.env.TIDEMARK_ELECTRON_ARCH ?? process.arch;

const outDir = path.join(
  root,
  'node_modules',
  '.cache',
  'tidemark-electron-native',
  `electron-${electronVersion}-${platform}-${arch}`,
);
const outFile = path.join(outDir, 'better_sqlite3.node');
const stampFile = path.join(outDir, 'stamp.json');
const stamp = { electron: electronVersion, betterSqlite3: sqliteVersion, platform, arch };

const args = new Set(process.argv.slice(2));
if (args.has('--print-path')) {
  console.log(outFile);
  process.exit(0);
}

function isCurrent() {
  if (!existsSync(outFile) || !existsSync(stampFile)) return false;
  try {
    return JSON.stringify(readJson(stampFile)) === JSON.stringify(stamp);
  } catch {
    return false;
  }
}

if (isCurrent()) {
  console.log(
    `electron-native: ${path.relative(root, outFile)} is current (Electron ${electronVersion}, better-sqlite3 ${sqliteVersion})`,
  );
  process.exit(0);
}
if (args.has('--check')) {
  console.error(`electron-native: no current Electron build of better-sqlite3 at ${outFile}`);
  process.exit(1);
}

const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const work = path.join(outDir, 'work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
// A scratch copy of the package without its Node build, so nothing in node_modules changes.
cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.startsWith(path.join(sqliteDir, 'build')) });

function run(label, cmd, cmdArgs) {
  console.log(`electron-native: ${label}...`);
  const res = spawnSync(cmd, cmdArgs, {
    cwd: work,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
    timeout: 15 * 60_000,
  });
  return res.status === 0 && existsSync(path.join(work, 'build/Release/better_sqlite3.node'));
}

const built =
  run(
    `downloading a prebuilt better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${platform}-${arch})`,
    bin('prebuild-install'),
    ['--runtime', 'electron', '--target', electronVersion, '--arch', arch, '--platform', platform, '--verbose'],
  ) ||
  run(`compiling better-sqlite3 ${sqliteVersion} against Electron ${electronVersion} headers`, bin('node-gyp'), [
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${electronVersion}`,
    `--arch=${arch}`,
    '--dist-url=https://electronjs.org/headers',
  ]);

if (!built) {
  rmSync(work, { recursive: true, force: true });
  console.error(
    [
      '',
      `electron-native: FAILED to get better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${platform}-${arch}).`,
      '  Both ways need the network: the prebuilt binary comes from github.com (better-sqlite3 releases),',
      "  and compiling needs Electron's headers from electronjs.org (plus a C++ toolchain and Python).",
      '  Nothing in node_modules was changed, so `npm test` is unaffected.',
      '  Fix: run this again on a machine with that access, or copy a better_sqlite3.node built for this',
      `  Electron ABI to ${outFile}`,
      `  and write ${JSON.stringify(stamp)} to ${stampFile}.`,
    ].join('\n'),
  );
  process.exit(1);
}

mkdirSync(outDir, { recursive: true });
copyFileSync(path.join(work, 'build/Release/better_sqlite3.node'), `${outFile}.tmp`);
renameSync(`${outFile}.tmp`, outFile);
writeFileSync(stampFile, JSON.stringify(stamp) + '\n');
rmSync(work, { recursive: true, force: true });
console.log(`electron-native: wrote ${path.relative(root, outFile)}`);
