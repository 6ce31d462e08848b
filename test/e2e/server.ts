/**
 * Starts a real `tidemark serve` on a fresh SQLite file in a temp dir, port 0, serving the built
 * renderer; reads the first stdout line `listening on http://HOST:PORT`; stops it with SIGTERM
 * (and removes the temp dir) when done. Used by the e2e fixture and scripts/perf-ui.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningServer {
  url: string;
  dbPath: string;
  stop: () => Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '..', '..');

export async function startServer(opts: { args?: string[]; dbPath?: string } = {}): Promise<RunningServer> {
  const staticDir = join(ROOT, 'dist', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`${staticDir}/index.html is missing: run \`npm run build:renderer\` first`);
  }
  const dir = opts.dbPath ? null : await mkdtemp(join(tmpdir(), 'tidemark-e2e-'));
  const dbPath = opts.dbPath ?? join(dir!, 't.db');
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'tidemark.mjs'),
      'serve',
      '--db',
      dbPath,
      '--port',
      '0',
      '--static',
      staticDir,
      ...(opts.args ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const url = await firstLine(child, () => stderr);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    dbPath,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tidemark serve did not start within 30 s: ${stderr()}`));
    }, 30_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (http:\/\/\S+)$/.exec(line.trim());
      if (m?.[1]) resolvePromise(m[1]);
      else reject(new Error(`unexpected first line from tidemark serve: ${line}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tidemark serve exited with ${code}: ${stderr()}`));
    });
  });
}
