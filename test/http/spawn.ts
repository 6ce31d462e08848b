/**
 * Runs the real `tidemark serve` (node bin/tidemark.mjs) as a child process for the CLI and fault
 * tests: waits for its first stdout line, keeps stdout/stderr, and exposes its exit. Also finds a
 * free port for tests that must restart a server on the same one. `env` adds environment variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/tidemark.mjs');

export interface Served {
  proc: ChildProcess;
  /** The first stdout line, or null if the process exited without one. */
  firstLine: string | null;
  url: string | null;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnServe(
  args: string[],
  cwd: string,
  timeoutMs = 30_000,
  env: Record<string, string> = {},
): Promise<Served> {
  const proc = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d: string) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const firstLine = await new Promise<string | null>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start in ${timeoutMs} ms; stderr: ${err}`)),
      timeoutMs,
    );
    proc.stdout.on('data', (d: string) => {
      out += d;
      const i = out.indexOf('\n');
      if (i >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, i));
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      const i = out.indexOf('\n');
      resolve(i >= 0 ? out.slice(0, i) : null);
    });
  });
  const m = firstLine !== null ? /^listening on (http:\/\/\S+)$/.exec(firstLine) : null;
  return { proc, firstLine, url: m?.[1] ?? null, stdout: () => out, stderr: () => err, exit };
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
