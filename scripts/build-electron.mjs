#!/usr/bin/env node
/**
 * Builds the Electron main process, the job worker and the preload into dist-electron/ with
 * Vite's library mode (two builds: the preload must be ONE self-contained CommonJS file because
 * sandboxed preloads can require only `electron` and a few polyfilled modules; main and the worker
 * are CommonJS too and may share chunks). `electron`, `better-sqlite3` and `pg` stay external
 * (native or provided by the runtime). better-sqlite3 is reached only through the stand-in
 * electron/sqlite-binding.ts, built as a file of its own (chunks/sqlite-binding.cjs): every
 * `import 'better-sqlite3'` other than the stand-in's own resolves to it, and so does
 * src-core/diff/spill-sqlite.ts, which names the module the diff spill's worker thread requires.
 * So every thread of the app, the spill's included, loads the addon the stand-in chooses (see
 * docs/electron.md, "the native addon's ABI").
 *
 * Usage: node scripts/build-electron.mjs   (npm run build:electron)
 */
import { builtinModules } from 'node:module';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist-electron');
const standIn = path.join(root, 'electron', 'sqlite-binding.ts');
const spillSqlite = path.join(root, 'src-core', 'diff', 'spill-sqlite.ts');

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
// Not `better-sqlite3` itself: `external` is consulted before any plugin's resolveId, so naming it
// here would bypass the stand-in (the plugin below makes the stand-in's own import external).
const isExternal = (id) =>
  nodeBuiltins.has(id) || id === 'electron' || id === 'pg' || id.startsWith('pg/') || id.startsWith('better-sqlite3/');

/**
 * Routes `better-sqlite3` to the stand-in, except from the stand-in itself (which needs the real
 * one), and the spill's module-file lookup to the stand-in's.
 */
const sqliteBindingPlugin = {
  name: 'tidemark-sqlite-binding',
  enforce: 'pre',
  async resolveId(source, importer) {
    if (source === 'better-sqlite3') {
      if (importer && path.resolve(importer) === standIn) return { id: 'better-sqlite3', external: true };
      return standIn;
    }
    if (!importer || !source.startsWith('.')) return null;
    const resolved = await this.resolve(source, importer, { skipSelf: true });
    return resolved && path.resolve(resolved.id) === spillSqlite ? standIn : null;
  },
};

function config(entries, { emptyOutDir }) {
  return {
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: [sqliteBindingPlugin],
    build: {
      outDir,
      emptyOutDir,
      target: 'node22',
      minify: false,
      sourcemap: true,
      ssr: true,
      lib: { entry: entries, formats: ['cjs'], fileName: (_format, name) => `${name}.cjs` },
      rollupOptions: {
        external: isExternal,
        output: { entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', exports: 'named' },
      },
    },
    ssr: { noExternal: true, target: 'node' },
  };
}

rmSync(outDir, { recursive: true, force: true });
await build(
  config(
    {
      main: path.join(root, 'electron/main.ts'),
      'job-worker': path.join(root, 'electron/job-worker.ts'),
      'chunks/sqlite-binding': standIn,
    },
    { emptyOutDir: false },
  ),
);
await build(config({ preload: path.join(root, 'electron/preload.ts') }, { emptyOutDir: false }));
console.log(
  `electron: built main.cjs, job-worker.cjs and preload.cjs into ${path.relative(process.cwd(), outDir) || '.'}`,
);
