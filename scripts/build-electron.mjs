#!/usr/bin/env node
/**
 * Builds the Electron main process, the job worker and the preload into dist-electron/ with
 * Vite's library mode (two builds: the preload must be ONE self-contained CommonJS file because
 * sandboxed preloads can require only `electron` and a few polyfilled modules; main and the worker
 * are CommonJS too and may share chunks). `electron`, `better-sqlite3` and `pg` stay external
 * (native or provided by the runtime). Every `import 'better-sqlite3'` other than the one in
 * electron/sqlite-binding.ts resolves to that module, so databases opened by any bundled code can
 * load the Electron-ABI addon (see docs/electron.md).
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
const shim = path.join(root, 'electron', 'sqlite-binding.ts');

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isExternal = (id) =>
  nodeBuiltins.has(id) ||
  id === 'electron' ||
  id === 'pg' ||
  id.startsWith('pg/') ||
  id === 'better-sqlite3' ||
  id.startsWith('better-sqlite3/');

/** Routes `better-sqlite3` to the shim, except from the shim itself (which needs the real one). */
const sqliteBindingPlugin = {
  name: 'tidemark-sqlite-binding',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source !== 'better-sqlite3') return null;
    if (importer && path.resolve(importer) === shim) return { id: 'better-sqlite3', external: true };
    return shim;
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
        output: { entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
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
    },
    { emptyOutDir: false },
  ),
);
await build(config({ preload: path.join(root, 'electron/preload.ts') }, { emptyOutDir: false }));
console.log(
  `electron: built main.cjs, job-worker.cjs and preload.cjs into ${path.relative(process.cwd(), outDir) || '.'}`,
);
