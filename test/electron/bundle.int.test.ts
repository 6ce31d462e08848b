/**
 * The built Electron bundles (scripts/build-electron.mjs -> dist-electron/), checked without an
 * Electron binary: the preload is one self-contained CommonJS file that requires nothing but
 * `electron`; main requires only Electron, Node built-ins and its own chunks; better-sqlite3 is
 * required by the stand-in alone (chunks/sqlite-binding.cjs), the only file that mentions
 * `nativeBinding`; the real bundled job worker runs an export and a diff on a real SQLite file in
 * plain Node, loading the addon TIDEMARK_SQLITE_ADDON names (here Node's own; in the app the
 * Electron one); and the bundled diff's spill worker thread loads that addon too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { minimatch } from 'minimatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src-core/store/sqlite';
import { JobRunner, type runJob } from '../../electron/jobs';
import { electronNativeBindingPath } from '../../electron/native-binding';
import { SQLITE_ADDON_ENV, setSqliteAddon } from '../../electron/sqlite-binding';

const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'dist-electron');
let dir: string;

const nodeAddon = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
const savedAddon = process.env[SQLITE_ADDON_ENV];

/** Runs `body` with TIDEMARK_SQLITE_ADDON naming `addon` (worker threads started meanwhile inherit it). */
async function withAddon<T>(addon: string, body: () => Promise<T>): Promise<T> {
  setSqliteAddon(process.env, addon);
  try {
    return await body();
  } finally {
    setSqliteAddon(process.env, savedAddon);
  }
}

function bundleFiles(): string[] {
  return [
    'main.cjs',
    'job-worker.cjs',
    ...readdirSync(path.join(out, 'chunks'))
      .filter((f) => f.endsWith('.cjs'))
      .map((f) => `chunks/${f}`),
  ];
}

function requiresOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...new Set([...text.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]!))].sort();
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-electron.mjs')], { cwd: root, stdio: 'pipe' });
  dir = mkdtempSync(path.join(tmpdir(), 'tidemark-bundle-'));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dist-electron', () => {
  it('has a self-contained CommonJS preload that requires only electron', () => {
    const preload = path.join(out, 'preload.cjs');
    expect(requiresOf(preload)).toEqual(['electron']);
    const text = readFileSync(preload, 'utf8');
    expect(text).not.toMatch(/\bimport\s*\(|^import |^export /m);
    expect(text).toContain('exposeInMainWorld("tidemark"');
  });

  it('main and the worker require only electron, node built-ins, better-sqlite3 and their chunks', () => {
    const files = bundleFiles();
    for (const f of files) {
      for (const r of requiresOf(path.join(out, f))) {
        expect(
          r === 'electron' ||
            r === 'better-sqlite3' ||
            r.startsWith('node:') ||
            r.startsWith('./') ||
            builtinModules.includes(r),
          `${f}: ${r}`,
        ).toBe(true);
      }
    }
  });

  it('reaches better-sqlite3 only through the stand-in, the one file that passes nativeBinding', () => {
    const standIn = 'chunks/sqlite-binding.cjs';
    const files = bundleFiles();
    expect(files).toContain(standIn);
    for (const f of files) {
      const requiresSqlite = requiresOf(path.join(out, f)).some(
        (r) => r === 'better-sqlite3' || r.startsWith('better-sqlite3/'),
      );
      expect(requiresSqlite, `${f} requires better-sqlite3`).toBe(f === standIn);
      expect(/nativeBinding/.test(readFileSync(path.join(out, f), 'utf8')), `${f} mentions nativeBinding`).toBe(
        f === standIn,
      );
    }
  });

  it('runs an export and a diff in the bundled worker, with the addon TIDEMARK_SQLITE_ADDON names', async () => {
    const file = path.join(dir, 'store.db');
    const store = openSqliteStore(file);
    await store.append('b.t', {
      events: [
        { key: 'a', data: { px: '1' } },
        { key: 'b', data: { px: '2' } },
      ],
    });
    await store.close();
    const jobs = new JobRunner(path.join(out, 'job-worker.cjs'));
    const exported = path.join(dir, 'out.ndjson');
    const res = await withAddon(nodeAddon, () =>
      jobs.run({ kind: 'sqlite', file }, { job: 'export', topic: 'b.t', req: { format: 'ndjson' }, file: exported }),
    );
    expect(res).toEqual({ rows: 2 });
    expect(
      readFileSync(exported, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { key: string }).key),
    ).toEqual(['a', 'b']);
    const diff = await withAddon(nodeAddon, () =>
      jobs.run(
        { kind: 'sqlite', file },
        {
          job: 'diff',
          topic: 'b.t',
          source: { kind: 'bytes', bytes: new TextEncoder().encode('key,px\na,1\nb,3\n') },
          fileName: 's.csv',
        },
      ),
    );
    expect(diff.summary).toMatchObject({ equal: 1, different: 1 });
    // a wrong addon path fails inside the worker with a coded error, not a crash of the caller
    const missing = path.join(dir, 'missing.node');
    await expect(
      withAddon(missing, () =>
        jobs.run(
          { kind: 'sqlite', file },
          { job: 'export', topic: 'b.t', req: { format: 'csv' }, file: path.join(dir, 'x.csv') },
        ),
      ),
    ).rejects.toMatchObject({
      code: expect.any(String) as string,
      message: expect.stringContaining(missing) as string,
    });
  });

  it("loads the named addon in the bundled diff's spill worker thread too", async () => {
    // The bundled job body, run here: the store is opened by the sources (Node's better-sqlite3, no
    // stand-in), so only the bundled diff's own databases, the spill worker's first, see the variable.
    const chunk = requiresOf(path.join(out, 'job-worker.cjs'))
      .filter((r) => r.startsWith('./chunks/'))
      .map((r) => createRequire(import.meta.url)(path.join(out, r)) as { runJob?: typeof runJob })
      .find((m) => typeof m.runJob === 'function');
    if (chunk?.runJob === undefined) throw new Error('no chunk of job-worker.cjs exports runJob');
    const bundledRunJob = chunk.runJob;
    const file = path.join(dir, 'spill.db');
    const store = openSqliteStore(file);
    try {
      await store.append('s.t', { events: [{ key: 'a', data: { px: '1' } }] });
      const job = () => ({
        job: 'diff' as const,
        topic: 's.t',
        source: { kind: 'bytes' as const, bytes: new TextEncoder().encode('key,px\na,1\n') },
        fileName: 's.csv',
      });
      const missing = path.join(dir, 'spill-missing', 'better_sqlite3.node');
      await expect(withAddon(missing, () => bundledRunJob(store, job(), {}, { tmpDir: dir }))).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(/spill worker failed: Cannot find module .*spill-missing/) as string,
      });
      const res = await withAddon(nodeAddon, () => bundledRunJob(store, job(), {}, { tmpDir: dir }));
      expect(res).toMatchObject({ summary: { equal: 1 } });
    } finally {
      await store.close();
    }
  });

  it('packs every built file electron-builder.yml should pack (and no source maps)', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    const patterns = (config.files as Array<string | { filter?: string[] }>).flatMap((e) =>
      typeof e === 'string' ? [e] : (e.filter ?? []),
    );
    const packed = (f: string): boolean =>
      patterns.reduce(
        (inc, p) => (p.startsWith('!') ? (minimatch(f, p.slice(1)) ? false : inc) : minimatch(f, p) ? true : inc),
        false,
      );
    const built = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => path.relative(root, path.join(d.parentPath, d.name)).split(path.sep).join('/'));
    expect(built.length).toBeGreaterThan(3);
    for (const f of built) expect(packed(f), f).toBe(!f.endsWith('.map'));
  });

  it('puts the Electron addon where scripts/electron-native.mjs builds it', () => {
    const printed = execFileSync(process.execPath, [path.join(root, 'scripts/electron-native.mjs'), '--print-path'], {
      cwd: root,
    })
      .toString()
      .trim();
    const version = (
      JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
    ).version;
    expect(printed).toBe(electronNativeBindingPath(root, version));
  });
});
