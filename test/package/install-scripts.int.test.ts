/**
 * `npm install` on a fresh machine must build better-sqlite3 (and fetch esbuild's and Electron's
 * binaries). npm 11.16+ lists dependencies whose install scripts `allowScripts` in package.json
 * does not cover, and npm 12 skips those scripts, which leaves better-sqlite3 without its addon:
 * the store then fails at run time, not at install. So package.json reviews every install script
 * of the installed tree (`allowScripts`), and this test keeps it so: a new dependency with an
 * install script fails it until it is approved or denied (`npm install-scripts approve <pkg>`),
 * and an entry for a package no longer installed fails it too (`npm install-scripts prune`).
 * Older npm has no `install-scripts` command: the test is then skipped with its reason printed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

async function npm(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout, stderr } = await run('npm', args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return { ok: true, out: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const probe = await npm(['install-scripts', 'ls']);
const supported = probe.ok && !/Unknown command/i.test(probe.out);
if (!supported) {
  console.log(
    `install-scripts test skipped: this npm has no \`npm install-scripts\` (needs npm 11.16+): ${probe.out.trim().split('\n')[0] ?? ''}`,
  );
}

describe.skipIf(!supported)('install scripts (allowScripts in package.json)', () => {
  it('covers every dependency that has an install script', () => {
    expect(probe.out).toContain('No packages with unreviewed install scripts');
  });

  it('names only packages that are installed and have an install script', async () => {
    const { ok, out } = await npm(['install-scripts', 'prune', '--dry-run']);
    expect(ok).toBe(true);
    expect(out).toContain('No unused allowScripts entries');
  });

  it('allows better-sqlite3, whose addon the store cannot run without', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    expect(pkg.allowScripts?.['better-sqlite3']).toBe(true);
  });
});
