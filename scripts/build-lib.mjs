#!/usr/bin/env node
/**
 * Builds the Node side of the package into dist/: the library entry points (`tidemark`,
 * `tidemark/sqlite`, `tidemark/postgres`, `tidemark/http`, `tidemark/diff`) and the CLI
 * (dist/cli.js, run by bin/tidemark.mjs) as ESM bundles from src-core with esbuild (code splitting:
 * shared code and each lazily imported backend in dist/chunks/), and their type declarations with
 * tsc (tsconfig.build.json -> dist/types). Dependencies stay external (they are installed beside
 * the package). Why esbuild for the JavaScript: the sources import each other without file
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

/** Output name -> source of each entry point (package.json `exports` and `bin` point at these). */
export const ENTRIES = {
  index: 'src-core/index.ts',
  sqlite: 'src-core/entry/sqlite.ts',
  postgres: 'src-core/entry/postgres.ts',
  http: 'src-core/entry/http.ts',
  diff: 'src-core/entry/diff.ts',
  cli: 'src-core/cli/main.ts',
};

function writeAtomically(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/** Bundles the entry points into dist/*.js and dist/chunks/*.js. */
export async function buildJs() {
  const started = performance.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, path.join(root, src)])),
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });
  const written = new Set();
  for (const file of result.outputFiles) {
    writeAtomically(file.path, file.contents);
    written.add(file.path);
  }
  const chunks = path.join(outDir, 'chunks');
  for (const name of existsSync(chunks) ? readdirSync(chunks) : []) {
    const file = path.join(chunks, name);
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
