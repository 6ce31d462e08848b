/**
 * Helpers for the diff route limit tests (route-limits.int.test.ts): `diffServer` starts a real
 * server (port 0) over a given store with its own spill directory; `upload` opens a diff upload
 * over raw node:http so the test decides when each body byte goes out and sees the answer as soon
 * as it arrives; `probe` sends a small complete diff to tell whether a slot is free; `clean`
 * asserts nothing is left behind (no spill file, no spill worker); `until` polls a condition with
 * a bound; `errorOf` reads the error envelope; `rows` makes CSV rows.
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import { expect } from 'vitest';
import { spillWorkers } from '../../src-core/diff/spill';
import { type ServerOptions, startServer } from '../../src-core/server/index';
import type { EventStore } from '../../src-core/store/types';
import { filesIn, tempDir } from './helpers';

export { errorOf } from '../http/envelope';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface Upload {
  /** Sends part of the body (the request stays open). */
  write(text: string): void;
  /** Sends the rest and ends the body. */
  end(text?: string): void;
  /** Drops the connection, as a client that goes away. */
  destroy(): void;
  /** The server's answer (resolves as soon as it arrives, even mid-upload). */
  answer: Promise<Answer>;
}

/** A server over `store` with its own fresh spill directory. */
export async function diffServer(store: EventStore, opts: Omit<ServerOptions, 'store'> = {}) {
  const tmp = tempDir('tm-diff-spill-');
  const s = await startServer({ store, port: 0, diffTmpDir: tmp.dir, ...opts });
  return {
    url: s.url,
    tmp: tmp.dir,
    close: () => s.close(),
    async dispose() {
      await s.close();
      tmp.cleanup();
    },
  };
}

/** Opens a diff upload; headers go out at once, body bytes only when the test sends them. */
export function upload(
  url: string,
  opts: { contentLength?: number; type?: string; query?: string; accept?: string } = {},
): Upload {
  const u = new URL(url);
  const headers: Record<string, string | number> = { 'content-type': opts.type ?? 'text/csv' };
  if (opts.contentLength !== undefined) headers['content-length'] = opts.contentLength;
  if (opts.accept !== undefined) headers.accept = opts.accept;
  const req = request({
    host: u.hostname,
    port: u.port,
    method: 'POST',
    path: `/v1/topics/t/diff${opts.query ?? ''}`,
    headers,
    agent: false,
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response cut')));
    });
    // Writes after the server answered and closed fail (EPIPE, reset): only the answer matters.
    req.on('error', reject);
  });
  answer.catch(() => undefined);
  req.flushHeaders();
  return {
    write: (text) => void req.write(text),
    end: (text) => void req.end(text),
    destroy: () => void req.destroy(),
    answer,
  };
}

export async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting until ${what}`);
}

/** A small complete diff; its status (200, or 429 while every slot is taken). */
export async function probe(url: string): Promise<number> {
  const res = await fetch(`${url}/v1/topics/t/diff`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: 'key,qty\nA,1\n',
  });
  await res.arrayBuffer();
  return res.status;
}

/** Nothing left behind: no spill file, no spill worker. */
export function clean(tmp: string): void {
  expect(filesIn(tmp)).toEqual([]);
  expect(spillWorkers()).toHaveLength(0);
}

export const rows = (from: number, n: number): string => {
  let s = '';
  for (let i = from; i < from + n; i++) s += `K${i},${i}\n`;
  return s;
};
