#!/usr/bin/env node
/**
 * Is the Electron binary here, and does it run? The electron package downloads its binary when it
 * is installed; with ELECTRON_SKIP_BINARY_DOWNLOAD, no network or an interrupted install it is
 * missing, and `electron .` then dies with a stack trace from node_modules/electron/index.js.
 * `findElectron` tells which case it is (not installed, no binary, broken binary, or the path of
 * one that runs: `--version` as Node with ELECTRON_RUN_AS_NODE, which still loads every shared
 * library the app needs); `problemMessage` says it for a person, with what to do. Run directly
 * (first step of `npm start`) it exits 0 when Electron runs, else prints that message, without a
 * stack trace, and exits 1. test/electron/electron-env.ts uses the same detection.
 *
 * Usage: node scripts/electron-binary.mjs
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {string} root the project whose node_modules/electron is checked
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ ok: true, path: string, version: string } | { ok: false, problem: 'not-installed' | 'no-binary' | 'broken', detail: string }}
 */
export function findElectron(root = repoRoot, env = process.env) {
  let dir;
  try {
    dir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { ok: false, problem: 'not-installed', detail: 'the electron package is not in node_modules' };
  }
  const pathFile = path.join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (relative === '' && !env.ELECTRON_OVERRIDE_DIST_PATH) {
    return {
      ok: false,
      problem: 'no-binary',
      detail: `${path.relative(root, pathFile)} is missing: the binary's download was skipped or failed`,
    };
  }
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
    : path.join(dir, 'dist', relative);
  if (!existsSync(binary)) {
    return { ok: false, problem: 'no-binary', detail: `${binary} does not exist` };
  }
  const run = spawnSync(binary, ['--version'], {
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.error || run.status !== 0) {
    const why = run.error
      ? run.error.message
      : (run.stderr || run.stdout || `exit status ${run.status}`).trim().split('\n')[0];
    return { ok: false, problem: 'broken', detail: `${binary} does not run: ${why}` };
  }
  return { ok: true, path: binary, version: run.stdout.trim() };
}

/** What happened and what to do, for a person (no stack trace). */
export function problemMessage(found) {
  const what = {
    'not-installed': 'Electron is not installed',
    'no-binary': 'the Electron binary is missing',
    broken: 'the Electron binary does not run',
  }[found.problem];
  return [
    `tidemark: the desktop app cannot start: ${what} (${found.detail}).`,
    '  Fix: reinstall Electron on a machine with network access (it downloads its binary from GitHub):',
    '         rm -rf node_modules/electron && npm install',
    '  Or use the same app in your browser, no Electron needed:',
    '         npx tidemark serve --open',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = findElectron();
  if (!found.ok) {
    console.error(problemMessage(found));
    process.exit(1);
  }
}
