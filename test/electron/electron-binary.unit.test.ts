/**
 * `npm start`'s first step (scripts/electron-binary.mjs): each way Electron can be unusable is told
 * apart, and said to a person with what to do, never as a stack trace. Each case is a throwaway
 * project in a temp folder with a node_modules/electron laid out as the real package lays it out;
 * the "binary" is a shell script that runs, or fails the way a binary missing a shared library does.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectron, problemMessage } from '../../scripts/electron-binary.mjs';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A project; `electron` lays out node_modules/electron (package, path.txt, binary script). */
function project(electron?: { pathTxt?: string; binary?: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'tidemark-electron-bin-'));
  dirs.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'p', private: true }));
  if (electron) {
    const dir = join(root, 'node_modules/electron');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '41.0.0', main: 'index.js' }));
    if (electron.pathTxt !== undefined) writeFileSync(join(dir, 'path.txt'), electron.pathTxt);
    if (electron.binary !== undefined) {
      writeFileSync(join(dir, 'dist/electron'), `#!/bin/sh\n${electron.binary}\n`);
      chmodSync(join(dir, 'dist/electron'), 0o755);
    }
  }
  return root;
}

const env = { PATH: process.env.PATH ?? '' };

describe('findElectron', () => {
  it('not installed: no electron package', () => {
    expect(findElectron(project(), env)).toMatchObject({ ok: false, problem: 'not-installed' });
  });

  it('no binary: the download was skipped (no path.txt), or the file it names is gone', () => {
    expect(findElectron(project({}), env)).toMatchObject({ ok: false, problem: 'no-binary' });
    const gone = findElectron(project({ pathTxt: 'electron' }), env);
    expect(gone).toMatchObject({ ok: false, problem: 'no-binary' });
    expect(gone.ok ? '' : gone.detail).toMatch(/dist\/electron does not exist/);
  });

  it('broken: the binary is there but does not run', () => {
    const found = findElectron(
      project({
        pathTxt: 'electron',
        binary: 'echo "electron: error while loading shared libraries: libgtk-3.so.0" >&2; exit 127',
      }),
      env,
    );
    expect(found).toMatchObject({ ok: false, problem: 'broken' });
    expect(found.ok ? '' : found.detail).toMatch(/does not run: electron: error while loading shared libraries/);
  });

  it('ok: the binary runs, as Node (ELECTRON_RUN_AS_NODE), and says its version', () => {
    const root = project({ pathTxt: 'electron', binary: '[ "$ELECTRON_RUN_AS_NODE" = 1 ] && echo v41.0.0' });
    expect(findElectron(root, env)).toEqual({
      ok: true,
      path: join(root, 'node_modules/electron/dist/electron'),
      version: 'v41.0.0',
    });
  });
});

describe('the message', () => {
  it('says what happened and both ways out', () => {
    const text = problemMessage({ problem: 'no-binary', detail: 'node_modules/electron/path.txt is missing' });
    expect(text).toMatch(/^tidemark: the desktop app cannot start: the Electron binary is missing/);
    expect(text).toContain('rm -rf node_modules/electron && npm install');
    expect(text).toContain('npx tidemark serve --open');
  });

  it('is all `npm start` prints on this machine when Electron is unusable: no stack trace', () => {
    const script = resolve(import.meta.dirname, '../../scripts/electron-binary.mjs');
    const found = findElectron();
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    if (found.ok) {
      expect(r.status).toBe(0);
      return;
    }
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(problemMessage(found) + '\n');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
