/**
 * The package as a user gets it: `npm pack` the project (after building the library and its type
 * declarations from the current sources), install the tarball into a fresh temporary project with
 * npm (dependencies from the npm cache), and there import every entry point from a plain Node ESM
 * script, type-check a TypeScript consumer under `nodenext` resolution, run `npx tidemark
 * write`/`surface`/`--version`, and start `npx tidemark serve --port 0`, which must serve the web
 * UI at `/` and the API at `/v1/health` with no other step. The tarball must hold only what users
 * need (no sources, tests or benchmarks).
 *
 * One deliberate shortcut: the install runs with `--ignore-scripts`, and better-sqlite3's native
 * addon is copied from this checkout's own build (same package version, same Node) instead of
 * compiled again, which would take over a minute here. Tidemark itself has no install script
 * (`prepare` does not run for a tarball), so everything of ours is exercised as a user's install
 * would.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', NO_COLOR: '1' };
delete env.TIDEMARK_TOKEN;

let tmp: string;
let project: string;
let pack: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };

async function sh(cmd: string, args: string[], cwd: string, input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await run(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`)),
    );
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tidemark-pack-'));
  // The library and its declarations from the current sources; the UI build if there is none yet
  // (`npm install`/`npm ci` build it through `prepare`).
  await sh(process.execPath, [join(ROOT, 'scripts/build-lib.mjs')], ROOT);
  if (!existsSync(join(ROOT, 'dist/renderer/index.html'))) await sh('npm', ['run', 'build:renderer'], ROOT);
  const packed = JSON.parse(
    await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], ROOT),
  ) as (typeof pack)[];
  pack = packed[0]!;
  console.log(
    `npm pack: ${pack.filename}, ${(pack.size / 1024).toFixed(0)} KiB packed, ` +
      `${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${pack.files.length} files`,
  );

  project = join(tmp, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await sh(
    'npm',
    ['install', join(tmp, pack.filename), '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'],
    project,
  );
  // better-sqlite3's addon: this checkout's build when it is the same version (see the header).
  const theirs = join(project, 'node_modules/better-sqlite3');
  const ours = join(ROOT, 'node_modules/better-sqlite3');
  const version = (dir: string): unknown =>
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
  if (version(theirs) === version(ours) && existsSync(join(ours, 'build/Release/better_sqlite3.node'))) {
    mkdirSync(join(theirs, 'build/Release'), { recursive: true });
    copyFileSync(join(ours, 'build/Release/better_sqlite3.node'), join(theirs, 'build/Release/better_sqlite3.node'));
  } else {
    await sh('npm', ['rebuild', 'better-sqlite3'], project);
  }
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the built package and its docs, and no sources, tests or benchmarks', () => {
    const paths = pack.files.map((f) => f.path);
    for (const need of [
      'package.json',
      'README.md',
      'bin/tidemark.mjs',
      'dist/cli.js',
      'dist/index.js',
      'dist/types/index.d.ts',
      'dist/renderer/index.html',
      'docs/api.md',
      'docs/cli.md',
    ]) {
      expect(paths).toContain(need);
    }
    const unwanted = paths.filter((p) =>
      /^(src-core|renderer|electron|test|bench|scripts|\.ci)\/|\.map$|\.ts$(?<!\.d\.ts)|^tsconfig/.test(p),
    );
    expect(unwanted).toEqual([]);
  });

  it('every entry point imports from plain Node ESM, and only the entry points do', async () => {
    writeFileSync(
      join(project, 'entries.mjs'),
      `
const out = {};
for (const name of ['tidemark', 'tidemark/sqlite', 'tidemark/postgres', 'tidemark/http', 'tidemark/diff']) {
  const mod = await import(name);
  out[name] = Object.keys(mod).sort();
}
try { await import('tidemark/dist/cli.js'); out.internal = 'importable'; } catch (e) { out.internal = e.code; }
const { openStore, TidemarkError, hasErrorCode } = await import('tidemark');
const store = await openStore({ db: 'lib.db' });
const res = await store.append('trades', { events: [{ key: 'T-1', data: { qty: 5 } }] });
const page = await store.surface('trades');
let err;
try { await store.topicInfo('nothing-here'); } catch (e) { err = { code: e.code, coded: hasErrorCode(e), cls: e instanceof TidemarkError }; }
await store.close();
out.write = { txn: res.txn, rows: page.rows.map((r) => [r.key, r.data]), err };
console.log(JSON.stringify(out));
`,
    );
    const out = JSON.parse(await sh(process.execPath, ['entries.mjs'], project)) as Record<string, unknown>;
    expect(out['tidemark']).toEqual(expect.arrayContaining(['openStore', 'TidemarkError', 'hasErrorCode', 'LIMITS']));
    expect(out['tidemark/sqlite']).toEqual(expect.arrayContaining(['openSqliteStore', 'SqliteEventStore']));
    expect(out['tidemark/postgres']).toEqual(expect.arrayContaining(['openPostgresStore', 'PostgresEventStore']));
    expect(out['tidemark/http']).toEqual(expect.arrayContaining(['openHttpStore', 'OrderedWriter']));
    expect(out['tidemark/diff']).toEqual(expect.arrayContaining(['diffSnapshot', 'formatFromFileName']));
    expect(out.internal).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(out.write).toEqual({
      txn: 1,
      rows: [['T-1', { qty: 5 }]],
      err: { code: 'NOT_FOUND', coded: true, cls: true },
    });
  });

  it('its type declarations serve a strict TypeScript consumer under nodenext resolution', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `
import { openStore, type EventStore, type SurfaceRow, TidemarkError, type ErrorCode } from 'tidemark';
import { openSqliteStore } from 'tidemark/sqlite';
import { openPostgresStore, type PostgresStoreOptions } from 'tidemark/postgres';
import { openHttpStore, OrderedWriter } from 'tidemark/http';
import { diffSnapshot, type DiffOptions } from 'tidemark/diff';

export async function use(): Promise<SurfaceRow[]> {
  const store: EventStore = await openStore({ db: 'x.db' });
  const local: EventStore = openSqliteStore('y.db');
  const remote: EventStore = openHttpStore({ url: 'http://127.0.0.1:4180' });
  const pgOptions: PostgresStoreOptions = { url: 'postgres://x' };
  const opts: DiffOptions = { keyField: 'id' };
  const code: ErrorCode = new TidemarkError('NOT_FOUND', 'x').code;
  void [local, remote, pgOptions, opts, code, openPostgresStore, OrderedWriter, diffSnapshot];
  // @ts-expect-error: the API checks its argument types (a number is no topic)
  await store.surface(42);
  return (await store.surface('t')).rows;
}
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          skipLibCheck: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await expect(sh(process.execPath, [tsc, '-p', 'tsconfig.json'], project)).resolves.toBe('');
  });

  it('npx tidemark writes and reads a new store file, and knows its version', async () => {
    const written = await sh(
      'npx',
      ['--no', '--', 'tidemark', 'write', '--db', 'cli.db', '--topic', 'trades'],
      project,
      '{"key":"A","data":{"px":"1.5"}}\n{"key":"B","data":2}\n',
    );
    expect(JSON.parse(written)).toMatchObject({ events: 2, written: 2 });
    const surface = await sh(
      'npx',
      ['--no', '--', 'tidemark', 'surface', '--db', 'cli.db', '--topic', 'trades'],
      project,
    );
    const rows = surface
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; data: unknown });
    expect(rows.map((r) => [r.key, r.data])).toEqual([
      ['A', { px: '1.5' }],
      ['B', 2],
    ]);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect((await sh('npx', ['--no', '--', 'tidemark', '--version'], project)).trim()).toBe(version);
  });

  it('npx tidemark serve serves the web UI at / and the API, with no other step', async () => {
    const child = spawn('npx', ['--no', '--', 'tidemark', 'serve', '--db', 'serve.db', '--port', '0'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: npx and the node it starts are stopped together
    });
    try {
      const url = await firstLine(child);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toMatch(/<div id="root">/);
      const icon = /<link rel="icon"[^>]*href="\.\/([^"]+)"/.exec(html);
      expect(icon).not.toBeNull();
      expect((await fetch(`${url}/${icon![1]}`)).status).toBe(200);
      const health = await fetch(`${url}/v1/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      await stop(child);
    }
  });
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => reject(new Error(`serve did not start in 30 s: ${err}`)), 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolvePromise(m[1]!);
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
