/**
 * Runs `tidemark serve` as a real child process (node bin/tidemark.mjs serve ...) for the
 * multi-server tests: waits for its first stdout line `listening on http://HOST:PORT`, keeps its
 * stderr for failure messages, and stops it with SIGTERM (resolving with the exit code). Also a
 * small fetch helper that writes one transaction and turns an error envelope into a thrown error
 * carrying the HTTP status and the contract's code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AppendResponse, EventInput } from '../../src-core/model/types';

const BIN = fileURLToPath(new URL('../../bin/tidemark.mjs', import.meta.url));

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (for start-up failures). */
export function runCli(args: string[], timeoutMs = 30_000): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tidemark ${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function startServe(args: string[], timeoutMs = 30_000): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let done = false;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const fail = (why: string): void => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`tidemark serve ${why}; stderr: ${stderr.slice(0, 2000)}`));
    };
    const timer = setTimeout(() => fail(`did not print its URL within ${timeoutMs} ms`), timeoutMs);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^listening on (http:\/\/\S+)\n/.exec(stdout);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          stderr: () => stderr,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(`exited with ${code} before listening`);
    });
  });
}

export class HttpWriteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** POSTs one transaction; resolves with the response or throws HttpWriteError (status, code). */
export async function postTxn(base: string, topic: string, events: EventInput[]): Promise<AppendResponse> {
  let res: Response;
  try {
    res = await fetch(`${base}/v1/topics/${encodeURIComponent(topic)}/txns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
  } catch (err) {
    throw new HttpWriteError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  const body = (await res.json()) as AppendResponse & { error?: { code: string; message: string } };
  if (res.status !== 200) {
    throw new HttpWriteError(res.status, body.error?.code ?? '?', body.error?.message ?? JSON.stringify(body));
  }
  return body;
}
