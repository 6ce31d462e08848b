/**
 * The bounds of POST /v1/topics/:topic/diff on real servers (startServer, port 0, a real SQLite
 * store, uploads over raw node:http so a test controls every byte): a Content-Length over
 * `diffLimit` is a 413 before any body byte is sent, a chunked body over it a 413 with nothing
 * kept; `--body-limit` does not apply to diffs; unknown query parameters are a 400; beyond
 * `maxDiffs` a 429 envelope with Retry-After, freed when a diff ends; no worker thread and no temp
 * file before the first body byte; a stalled upload (idle) or a diff over its total time is a 408
 * TIMEOUT; and after every way out (success, bad snapshot, duplicate key, too large, idle, total
 * timeout, slow reader, client gone, worker crash, server close) the temp dir is empty, no spill
 * worker is alive and the slot is free. Last, the `tidemark serve` flags reach the route.
 */
import { type IncomingMessage, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spillWorkers } from '../../src-core/diff/spill';
import type { DiffResult } from '../../src-core/model/types';
import { type ServerOptions, startServer } from '../../src-core/server/index';
import type { EventStore } from '../../src-core/store/types';
import { spawnServe } from '../http/spawn';
import { filesIn, sqliteStore, tempDir } from './helpers';
import { clean, diffServer, errorOf, probe, rows, until, upload } from './upload';

let dir: { dir: string; cleanup: () => void };
let store: EventStore;

beforeAll(async () => {
  dir = tempDir();
  store = sqliteStore(dir.dir);
  await store.append('t', { events: [{ key: 'A', data: { qty: 1 } }] });
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
});

/** Runs `run` against a fresh server over the shared store, disposing of it afterwards. */
async function withServer(
  opts: Omit<ServerOptions, 'store'>,
  run: (s: Awaited<ReturnType<typeof diffServer>>) => Promise<void>,
): Promise<void> {
  const s = await diffServer(store, opts);
  try {
    await run(s);
  } finally {
    await s.dispose();
  }
}

describe('diff upload limits', () => {
  it('refuses a Content-Length over the diff limit with 413 before a body byte is sent', async () => {
    await withServer({ diffLimit: 1000 }, async (s) => {
      const up = upload(s.url, { contentLength: 1001 });
      const a = await up.answer; // no body byte was ever written
      expect(a.status).toBe(413);
      expect(errorOf(a)).toEqual({
        code: 'TOO_LARGE',
        message: 'body: the snapshot is larger than the diff limit of 1000 bytes',
      });
      expect(a.headers.connection).toBe('close');
      up.destroy();
      clean(s.tmp);
      expect(await probe(s.url)).toBe(200);
    });
  });

  it('counts a chunked body and answers 413 once it passes the limit, keeping nothing', async () => {
    await withServer({ diffLimit: 20_000 }, async (s) => {
      // A body with no Content-Length that would go on for 100 times the limit.
      const enc = new TextEncoder();
      let i = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (i === 0) c.enqueue(enc.encode('key,qty\n'));
          if (i < 2000) c.enqueue(enc.encode(rows(i++ * 100, 100)));
          else c.close();
        },
      });
      const init: RequestInit & { duplex: 'half' } = {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body,
        duplex: 'half',
      };
      const res = await fetch(`${s.url}/v1/topics/t/diff`, init);
      expect(res.status).toBe(413);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('TOO_LARGE');
      expect(error.message).toMatch(/diff limit of 20000 bytes/);
      clean(s.tmp);
    });
  });

  it('is not limited by --body-limit, which keeps capping the JSON routes', async () => {
    await withServer({ bodyLimit: 1024 }, async (s) => {
      const csv = 'key,qty\n' + rows(0, 2000);
      expect(csv.length).toBeGreaterThan(1024 * 10);
      const res = await fetch(`${s.url}/v1/topics/t/diff`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as DiffResult).summary.snapshotRecords).toBe(2000);
      const json = await fetch(`${s.url}/v1/topics/t2/txns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: [{ key: 'k', data: 'x'.repeat(2000) }] }),
      });
      expect(json.status).toBe(413);
      clean(s.tmp);
    });
  });

  it('refuses unknown and repeated query parameters with a 400 naming them, starting nothing', async () => {
    await withServer({}, async (s) => {
      for (const [query, message] of [
        ['?limt=5', /^limt: unknown query parameter \(this route takes key, fields, ignore, limit, format/],
        ['?key=a&key=b', /^key: given more than once/],
        ['?limit=007', /^limit: must be an integer from 0 to 100000, got "007"$/],
        ['?includeEqual=yes', /^includeEqual: must be "true" or "false", got "yes"$/],
      ] as const) {
        const up = upload(s.url, { query, contentLength: 12 });
        const a = await up.answer;
        expect(a.status).toBe(400);
        // (toMatchObject would take any string for a RegExp: it compares the RegExp's own keys.)
        expect(errorOf(a).code).toBe('BAD_REQUEST');
        expect(errorOf(a).message).toMatch(message);
        up.destroy();
      }
      clean(s.tmp);
    });
  });

  it('takes a slot before anything starts, refuses cap+1 with 429 and Retry-After, and frees it after', async () => {
    await withServer({ maxDiffs: 2 }, async (s) => {
      const a = upload(s.url);
      const b = upload(s.url);
      // Once both hold their slot, a third diff is refused.
      await until(async () => (await probe(s.url)) === 429, 'two uploads hold both slots');
      // Lazy start: the two diffs have sent no body byte, so no worker thread and no temp file.
      clean(s.tmp);

      a.write('key,qty\nA,1\n');
      b.write('key,qty\nB,2\n');
      await until(() => spillWorkers().length === 2, 'both spills started with their first byte');
      expect(filesIn(s.tmp)).toHaveLength(2);

      const refused = await fetch(`${s.url}/v1/topics/t/diff`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'key,qty\nA,1\n',
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toEqual({
        error: {
          code: 'TOO_MANY_REQUESTS',
          message: 'diff: 2 diffs are already running, the most allowed at once; retry in a few seconds',
        },
      });
      expect(spillWorkers()).toHaveLength(2); // the refused one started nothing
      expect(filesIn(s.tmp)).toHaveLength(2);

      a.end();
      const done = await a.answer;
      expect(done.status).toBe(200);
      expect((JSON.parse(done.text) as DiffResult).summary).toMatchObject({ equal: 1 });
      expect(await probe(s.url)).toBe(200); // a's slot is free again
      b.end();
      expect((await b.answer).status).toBe(200);
      clean(s.tmp);
    });
  });

  it('answers 408 TIMEOUT when the upload stalls, before or after its first byte, and cleans up', async () => {
    await withServer({ diffIdleTimeoutMs: 200, maxDiffs: 1 }, async (s) => {
      const silent = upload(s.url, { contentLength: 100 });
      const a1 = await silent.answer;
      expect(a1.status).toBe(408);
      expect(errorOf(a1)).toEqual({
        code: 'TIMEOUT',
        message: 'body: no byte arrived for 200 ms; the upload was abandoned',
      });
      expect(a1.headers.connection).toBe('close');
      clean(s.tmp);

      const stalled = upload(s.url);
      stalled.write('key,qty\nA,1\n');
      const a2 = await stalled.answer;
      expect([a2.status, errorOf(a2).code]).toEqual([408, 'TIMEOUT']);
      clean(s.tmp);
      expect(await probe(s.url)).toBe(200);
    });
  });

  it('answers 408 TIMEOUT when a diff takes longer than its total time, and cleans up', async () => {
    await withServer({ diffTimeoutMs: 300, maxDiffs: 1 }, async (s) => {
      const up = upload(s.url);
      up.write('key,qty\nA,1\n');
      const a = await up.answer;
      expect(a.status).toBe(408);
      expect(errorOf(a)).toEqual({
        code: 'TIMEOUT',
        message: 'diff: not finished within 300 ms, the most the server allows for one diff',
      });
      clean(s.tmp);
      expect(await probe(s.url)).toBe(200);
    });
  });

  it('ends a streamed answer whose reader stopped reading once the total time is up', async () => {
    const big = tempDir();
    const bigStore = sqliteStore(big.dir);
    const tmp = tempDir('tm-diff-spill-');
    const pad = 'p'.repeat(200);
    for (let t = 0; t < 6; t++) {
      const events = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${t * 10_000 + i}`, data: { pad } }));
      await bigStore.append('t', { events });
    }
    const s = await startServer({ store: bigStore, port: 0, diffTmpDir: tmp.dir, diffTimeoutMs: 1500, maxDiffs: 1 });
    try {
      const u = new URL(s.url);
      // An empty NDJSON snapshot: every one of the 60,000 rows (~16 MB) is streamed back.
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(
          {
            host: u.hostname,
            port: u.port,
            method: 'POST',
            path: '/v1/topics/t/diff',
            headers: { 'content-type': 'application/x-ndjson', accept: 'application/x-ndjson' },
            agent: false,
          },
          resolve,
        );
        req.on('error', reject);
        req.end();
      });
      expect(res.statusCode).toBe(200);
      res.pause(); // and read nothing: the server's writes back up
      // The diff holds the one slot until its total time is up, then lets go of it.
      await until(async () => (await probe(s.url)) === 200, 'the slot is free again');
      // What the reader gets when it finally reads: rows, cut short, with no summary line.
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      await new Promise<void>((resolve) => {
        res.on('close', resolve);
        res.on('error', () => resolve());
        res.resume();
      });
      expect(text.startsWith('{"row":')).toBe(true);
      expect(text).not.toContain('"summary"');
      expect(filesIn(tmp.dir)).toEqual([]);
      expect(spillWorkers()).toHaveLength(0);
    } finally {
      await s.close();
      await bigStore.close();
      big.cleanup();
      tmp.cleanup();
    }
  });

  it('cleans up after success, a bad snapshot and a duplicate key found by the worker', async () => {
    await withServer({}, async (s) => {
      expect(await probe(s.url)).toBe(200);
      clean(s.tmp);
      const bad = upload(s.url, { type: 'application/x-ndjson' });
      bad.end('{"key":"A","qty":1}\n{"key":\n');
      const a1 = await bad.answer;
      expect([a1.status, errorOf(a1).code]).toEqual([400, 'BAD_REQUEST']);
      clean(s.tmp);
      const dup = upload(s.url);
      dup.end('key,qty\n' + rows(0, 6000) + 'K5,1\n');
      const a2 = await dup.answer;
      expect(a2.status).toBe(400);
      expect(errorOf(a2).message).toMatch(/duplicate key "K5"/);
      clean(s.tmp);
    });
  });

  it('cleans up and frees the slot when the client goes away mid-upload', async () => {
    await withServer({ maxDiffs: 1 }, async (s) => {
      const up = upload(s.url);
      up.write('key,qty\nA,1\n');
      await until(() => spillWorkers().length === 1, 'the spill started');
      up.destroy();
      await until(() => spillWorkers().length === 0 && filesIn(s.tmp).length === 0, 'the spill is gone');
      await until(async () => (await probe(s.url)) === 200, 'the slot is free again');
      clean(s.tmp);
    });
  });

  it('answers 500 and cleans up when the spill worker dies', async () => {
    await withServer({ maxDiffs: 1 }, async (s) => {
      const up = upload(s.url);
      up.write('key,qty\nA,1\n');
      await until(() => spillWorkers().length === 1, 'the spill started');
      await spillWorkers()[0]!.terminate();
      up.end(rows(0, 6000));
      const a = await up.answer;
      expect(a.status).toBe(500);
      expect(errorOf(a).code).toBe('INTERNAL');
      // An internal error names only the request id its log line carries (docs/security.md).
      expect(errorOf(a).message).toMatch(/^internal error \(request id req-[\w-]+\)$/);
      clean(s.tmp);
      expect(await probe(s.url)).toBe(200);
    });
  });

  it('ends running diffs with 503 when the server closes, removing their files', async () => {
    const s = await diffServer(store);
    const up = upload(s.url);
    try {
      up.write('key,qty\nA,1\n');
      await until(() => spillWorkers().length === 1, 'the spill started');
      await s.close();
      const a = await up.answer;
      expect([a.status, errorOf(a).code]).toEqual([503, 'UNAVAILABLE']);
      clean(s.tmp);
    } finally {
      up.destroy();
      await s.dispose();
    }
  });

  it('tidemark serve passes --diff-limit, --max-diffs and the timeouts to the route', async () => {
    const cwd = tempDir('tm-diff-serve-');
    try {
      const args = ['--db', 'a.db', '--port', '0', '--diff-limit', '100', '--max-diffs', '1'];
      const s = await spawnServe([...args, '--diff-idle-timeout', '5000', '--diff-timeout', '60000'], cwd.dir);
      try {
        const res = await fetch(`${s.url}/v1/topics/t/diff`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: 'key,qty\n' + rows(0, 20),
        });
        expect(res.status).toBe(413);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/of 100 bytes/);
      } finally {
        s.proc.kill('SIGTERM');
        expect((await s.exit).code).toBe(0);
      }
      const bad = await spawnServe(['--db', 'a.db', '--port', '0', '--max-diffs', '0'], cwd.dir);
      expect((await bad.exit).code).not.toBe(0);
      expect(bad.stderr()).toMatch(/--max-diffs/);
    } finally {
      cwd.cleanup();
    }
  });
});
