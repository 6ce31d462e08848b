/**
 * The cap on connections open at once (src-core/server/connection-cap.ts, `--max-connections`),
 * over raw keep-alive connections to real servers on loopback: a request on a connection past the
 * cap is answered 429 with the envelope, `Retry-After` and `Connection: close` (before
 * authentication, and in full even to a client that sends a large body before reading), nothing
 * is written, the connection closes, and a connection that closes frees its place. The metrics
 * count open connections and refusals; bad cap values are refused at start, by `buildApp` and by
 * `tidemark serve`.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src-core/model/limits';
import { buildApp } from '../../src-core/server/app';
import { CONNECTION_RETRY_AFTER_SECONDS } from '../../src-core/server/connection-cap';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { type TestServer, startTestServer, tempDir } from './helpers';
import { type Client, type RawAnswer, client } from './raw-client';
import { spawnServe } from './spawn';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

async function server(opts: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const s = await startTestServer(opts);
  cleanups.push(() => s.close());
  return s;
}

function connection(url: string, opts: { paused?: boolean } = {}): Client {
  const c = client(url, opts);
  cleanups.push(() => c.end());
  return c;
}

/** Sends a GET on `c` (keep-alive) and returns its answer. */
async function get(c: Client, url: string, path: string, token?: string): Promise<RawAnswer> {
  const auth = token === undefined ? '' : `Authorization: Bearer ${token}\r\n`;
  c.write(`GET ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n${auth}\r\n`);
  return c.next();
}

function expectRefused(a: RawAnswer, max: number): void {
  expect(a.status).toBe(429);
  expect(a.headers['retry-after']).toBe(String(CONNECTION_RETRY_AFTER_SECONDS));
  expect(a.headers.connection).toBe('close');
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  const { error } = JSON.parse(a.body) as { error: { code: string; message: string } };
  expect(error.code).toBe('TOO_MANY_REQUESTS');
  expect(error.message).toBe(
    `connections: the server already has its maximum of ${max} open (--max-connections); retry later`,
  );
}

/** A metric's value as `c` reads it from the server's /metrics. */
async function metric(c: Client, url: string, name: string): Promise<number> {
  const a = await get(c, url, '/metrics');
  expect(a.status).toBe(200);
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(a.body);
  if (m === null) throw new Error(`no ${name} in /metrics`);
  return Number(m[1]);
}

describe('the cap on open connections', () => {
  it('past the cap: 429 with the envelope, Retry-After and Connection: close; a closed connection frees its place', async () => {
    const s = await server({ maxConnections: 3, maxStreams: 2 });
    const held = [connection(s.url), connection(s.url), connection(s.url)];
    for (const c of held) expect((await get(c, s.url, '/v1/health')).status).toBe(200);

    const extra = connection(s.url);
    expectRefused(await get(extra, s.url, '/v1/health'), 3);
    extra.end();
    expect((await extra.closed).error).toBeNull(); // closed in order, not reset
    expect(await metric(held[0]!, s.url, 'tidemark_connections_refused_total')).toBe(1);
    // The refused connection counts until the server has seen it close.
    for (let i = 0; (await metric(held[0]!, s.url, 'tidemark_http_connections')) !== 3; i++) {
      expect(i).toBeLessThan(500);
      await new Promise((r) => setTimeout(r, 10));
    }

    // One of the three closes; a new connection is then served (once the server has seen the close).
    held[2]!.end();
    await held[2]!.closed;
    let refusedMeanwhile = 0;
    for (let served = false; !served;) {
      const c = connection(s.url);
      const a = await get(c, s.url, '/v1/health');
      served = a.status === 200;
      if (!served) {
        expectRefused(a, 3);
        refusedMeanwhile++;
        c.end();
        await c.closed;
      }
      expect(refusedMeanwhile).toBeLessThan(100);
    }
    expect(await metric(held[0]!, s.url, 'tidemark_connections_refused_total')).toBe(1 + refusedMeanwhile);
  });

  it('refuses before authentication, and a client that sends a large write before reading gets the whole answer; nothing is written', async () => {
    const s = await server({ maxConnections: 2, maxStreams: 1, tokens: [{ token: 'w', role: 'write', name: 'w' }] });
    const held = [connection(s.url), connection(s.url)];
    for (const c of held) expect((await get(c, s.url, '/v1/health')).status).toBe(200);

    const body = Buffer.from(JSON.stringify({ events: [{ key: 'k', data: 'x'.repeat(4 * 1024 * 1024) }] }));
    const extra = connection(s.url, { paused: true });
    extra.write(
      `POST /v1/topics/t/txns HTTP/1.1\r\nHost: ${new URL(s.url).host}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    extra.write(body);
    extra.resume();
    expectRefused(await extra.next(), 2); // 429, not 401: the token is never looked at
    const topics = await get(held[0]!, s.url, '/v1/topics', 'w');
    expect(JSON.parse(topics.body)).toEqual({ topics: [] });
  });

  it('refuses cap values that are not positive integers, or not larger than maxStreams', () => {
    const dir = tempDir();
    const store = openSqliteStore(`${dir}/s.db`);
    try {
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        expect(() => buildApp({ store, maxConnections: bad })).toThrow(/maxConnections: must be a positive integer/);
      }
      expect(() => buildApp({ store, maxStreams: 10, maxConnections: 10 })).toThrow(
        'maxConnections (--max-connections) must be larger than maxStreams (--max-streams, 10): every live stream holds a connection; got 10',
      );
      expect(LIMITS.connectionsDefault).toBeGreaterThan(LIMITS.sseStreamsDefault);
    } finally {
      void store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tidemark serve --max-connections sets the cap, and refuses a bad one with a clear error', async () => {
    const cwd = tempDir('tidemark-conns-');
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    const srv = await spawnServe(['--db', 's.db', '--port', '0', '--max-connections', '3', '--max-streams', '2'], cwd);
    cleanups.push(async () => {
      srv.proc.kill('SIGTERM');
      await srv.exit;
    });
    expect(srv.url).not.toBeNull();
    const url = srv.url!;
    for (const c of [connection(url), connection(url), connection(url)]) {
      expect((await get(c, url, '/v1/health')).status).toBe(200);
    }
    expectRefused(await get(connection(url), url, '/v1/health'), 3);

    for (const [args, says] of [
      [['--max-connections', '1'], /--max-connections/],
      [['--max-connections', '100', '--max-streams', '100'], /must be larger than maxStreams \(--max-streams, 100\)/],
    ] as const) {
      const bad = await spawnServe(['--db', 's.db', '--port', '0', ...args], cwd);
      expect(bad.firstLine).toBeNull();
      expect((await bad.exit).code).not.toBe(0);
      expect(bad.stderr()).toMatch(says);
    }
  });
});
