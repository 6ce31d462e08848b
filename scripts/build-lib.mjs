#!/usr/bin/env node
/**
 * Builds the Node side of the package into dist/: the library entry points (`tidemark`,
 * `tidemark/sqlite`, `tidemark/postgres`, `tidemark/http`, `tidemark/diff`) and the CLI
 * (dist/cli.js, run by bin/tidemark.mjs) as ESM bundles from src-core with esbuild (code splitting:
 * shared code and each lazily imported backend in dist/chunks/; the CLI's actions in
 * dist/chunks/cli/), and their type declarations with tsc (tsconfig.build.json -> dist/types).
 * Dependencies stay external (they are installed beside the package), except commander, which
 * dist/cli.js bundles (see `BUNDLED`). Why esbuild for the JavaScript: the sources import each other without file
 * extensions (moduleResolution "Bundler"), which Node's ESM loader cannot resolve, so plain tsc
 * output would not run; a bundle also starts faster (docs/cli.md). The declarations get the same
 * fix: tsc writes `from './x'`, and this script rewrites each relative specifier to the `.js` file
 * TypeScript's node16/nodenext resolution expects (`./x.js` or `./x/index.js`).
 *
 * Files are written next to their final name and renamed into place, so a CLI started while a
 * build runs (vitest's global setup rebuilds the JavaScript before every run) never reads half a
 * file. Chunks of earlier builds are removed afterwards.
 *
 * Usage: node scripts/build-lib.mjs [--js-only]   (npm run build:lib)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist');
const typesDir = path.join(outDir, 'types');

/** Output name -> source of each library entry point (package.json `exports` points at these). */
export const ENTRIES = {
  index: 'src-core/index.ts',
  sqlite: 'src-core/entry/sqlite.ts',
  postgres: 'src-core/entry/postgres.ts',
  http: 'src-core/entry/http.ts',
  diff: 'src-core/entry/diff.ts',
};

/** The CLI's entry point (dist/cli.js, run by bin/tidemark.mjs): the program and its command definitions. */
export const CLI_ENTRY = 'src-core/cli/main.ts';

/** Where the commands' actions (src-core/cli/run/*.ts, loaded when a command runs) go: dist/chunks/cli. */
export const CLI_RUN_DIR = 'src-core/cli/run';

/**
 * The one dependency bundled into dist/cli.js instead of being imported from node_modules at run
 * time (docs/cli.md, "Start-up": loading it through Node's CommonJS loader costs more than its own
 * code). Its licence is appended to the bundle.
 */
export const BUNDLED = 'commander';

function writeAtomically(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

const COMMON = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
};

/** The library: its entry points in dist/*.js, the code they share and the lazily loaded backends in dist/chunks. */
function buildLib() {
  return build({
    ...COMMON,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, path.join(root, src)])),
    outdir: outDir,
    splitting: true,
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
  });
}

/**
 * dist/cli.js: the program and every command's definition, with commander, in one file and
 * without splitting, so `tidemark --help` loads one module of ours. Each `import('./run/x')` of a
 * definition (lazy-action.ts) stays a dynamic import, of ./chunks/cli/x.js. Commander requires
 * node:child_process at load time for a feature the CLI does not use (executable subcommands); the
 * bundled copy gets it on first use instead, which spares every start about a tenth of a bare
 * Node start (docs/bench.md).
 */
function buildCliEntry() {
  const plugin = {
    name: 'tidemark-cli-entry',
    setup(b) {
      b.onResolve({ filter: /^\.\/run\/[\w-]+$/ }, (a) => ({
        path: `./chunks/cli/${a.path.slice('./run/'.length)}.js`,
        external: true,
      }));
      b.onResolve({ filter: /^node:child_process$/ }, (a) =>
        a.importer.includes(`${path.sep}node_modules${path.sep}${BUNDLED}${path.sep}`)
          ? { path: 'child_process', namespace: 'lazy-builtin' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (a) => ({
        contents: `module.exports = new Proxy({}, { get: (_t, key) => require('node:${a.path}')[key] });`,
        loader: 'js',
      }));
      // Every other package stays external.
      b.onResolve({ filter: /^[^./]/ }, (a) =>
        a.path === BUNDLED || a.path.startsWith('node:') ? undefined : { path: a.path, external: true },
      );
    },
  };
  const license = readFileSync(path.join(root, 'node_modules', BUNDLED, 'LICENSE'), 'utf8').trimEnd();
  return build({
    ...COMMON,
    entryPoints: { cli: path.join(root, CLI_ENTRY) },
    outdir: outDir,
    splitting: false,
    plugins: [plugin],
    // The bundled CommonJS (commander) calls require(): give the ES module one.
    banner: {
      js: "import { createRequire as __tidemarkCreateRequire } from 'node:module';\nconst require = __tidemarkCreateRequire(import.meta.url);",
    },
    footer: { js: `/*\n${BUNDLED} (bundled above), its licence:\n\n${license.replaceAll('*/', '* /')}\n*/` },
  });
}

/**
 * dist/chunks/cli: the actions (src-core/cli/run/*.ts), one module each plus the chunks they share.
 * Code that the definitions use too (options, the model's validators) is in dist/cli.js and here
 * again: the two copies share no state (an action gets the parsed option values and the commander
 * Command; its errors are told apart by code, output.ts `isOutputClosed`).
 */
function buildCliRun() {
  const dir = path.join(root, CLI_RUN_DIR);
  const entries = readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
  return build({
    ...COMMON,
    entryPoints: Object.fromEntries(entries.map((n) => [n.slice(0, -'.ts'.length), path.join(dir, n)])),
    outdir: path.join(outDir, 'chunks', 'cli'),
    splitting: true,
    packages: 'external',
    chunkNames: '[name]-[hash]',
  });
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/**
 * Bundles the library into dist/*.js and dist/chunks/*.js, and the CLI into dist/cli.js and
 * dist/chunks/cli/*.js. The CLI is a build of its own: in a build shared with the library (or with
 * its own actions), every module that the command definitions and some other entry both use lands
 * in a chunk of its own (esbuild splits by which entries reach a module), and `tidemark --help`
 * loaded fourteen files, most of their code for the actions (docs/cli.md, "Start-up").
 */
export async function buildJs() {
  const started = performance.now();
  const results = await Promise.all([buildLib(), buildCliEntry(), buildCliRun()]);
  const outputs = results.flatMap((r) => r.outputFiles);
  const bundledAtRunTime = outputs.filter((f) =>
    new RegExp(`(from|import)\\s*\\(?\\s*["']${BUNDLED}["']`).test(f.text),
  );
  if (bundledAtRunTime.length > 0) {
    // It is a devDependency: an installed package does not have it.
    throw new Error(
      `${bundledAtRunTime.map((f) => path.relative(root, f.path)).join(', ')} import ${BUNDLED} at run time`,
    );
  }
  const written = new Set();
  for (const file of outputs) {
    writeAtomically(file.path, file.contents);
    written.add(file.path);
  }
  for (const file of listFiles(path.join(outDir, 'chunks'))) {
    if (!written.has(file)) rmSync(file, { force: true });
  }
  return { files: written.size, ms: Math.round(performance.now() - started) };
}

/** `from './x'` -> `from './x.js'` (or `./x/index.js`), as resolved next to `file`. */
function withExtension(file, specifier) {
  if (!specifier.startsWith('.') || /\.(js|mjs|cjs|json)$/.test(specifier)) return specifier;
  const base = path.resolve(path.dirname(file), specifier);
  if (existsSync(`${base}.d.ts`)) return `${specifier}.js`;
  if (existsSync(path.join(base, 'index.d.ts'))) return `${specifier}/index.js`;
  throw new Error(`${path.relative(root, file)}: cannot resolve ${specifier}`);
}

function listDts(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return listDts(p);
    return name.endsWith('.d.ts') ? [p] : [];
  });
}

/** tsc declarations into dist/types, then the specifier rewrite. */
export function buildTypes() {
  const started = performance.now();
  rmSync(typesDir, { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  const files = listDts(typesDir);
  const re = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(re, (_m, head, q, spec) => `${head}${q}${withExtension(file, spec)}${q}`);
    if (fixed !== text) writeFileSync(file, fixed);
  }
  return { files: files.length, ms: Math.round(performance.now() - started) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const js = await buildJs();
  const rel = path.relative(process.cwd(), outDir) || '.';
  console.log(`lib: bundled ${js.files} files into ${rel} in ${js.ms} ms`);
  if (!process.argv.includes('--js-only')) {
    const types = await buildTypes();
    console.log(`lib: wrote ${types.files} declaration files into ${rel}/types in ${types.ms} ms`);
  }
}
