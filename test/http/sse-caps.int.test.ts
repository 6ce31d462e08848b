/**
 * Caps on open live streams (issue 9 item 6; API.md v1.1: every cap is 429 TOO_MANY_REQUESTS
 * with `Retry-After`), against real servers: the stream past the per-server cap gets the envelope
 * and `Retry-After`, closing one frees a slot, the per-token cap counts each token on its own and
 * apart from the server cap, bad cap values are refused at start, the HTTP client reports a 429
 * and retries after `Retry-After`, and `tidemark serve --max-streams` sets the cap.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src-core/server/app';
import { STREAM_RETRY_AFTER_SECONDS } from '../../src-core/server/sse';
import { openHttpStore } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { type SseReader, type TestServer, readSse, startTestServer, tempDir } from './helpers';
import { spawnServe } from './spawn';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

async function server(opts: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const s = await startTestServer(opts);
  cleanups.push(() => s.close());
  return s;
}

/** Opens a stream and waits until it is either streaming (its `: connected` came) or refused. */
async function open(url: string, token?: string): Promise<SseReader> {
  const r = readSse(url, token === undefined ? {} : { authorization: `Bearer ${token}` });
  cleanups.push(async () => r.stop());
  await r.until(() => r.comments.length > 0 || r.ended);
  return r;
}

function expectRefused(r: SseReader, cap: RegExp): void {
  expect(r.status).toBe(429);
  expect(r.headers?.get('retry-after')).toBe(String(STREAM_RETRY_AFTER_SECONDS));
  expect(r.headers?.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(r.text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('TOO_MANY_REQUESTS');
  expect(body.error.message).toMatch(cap);
}

/** Refusals met by `openWhenFree` (the server counts them too). */
let waited = 0;

/** Opens streams until one is accepted (a closed stream's slot is freed once the server sees the close). */
async function openWhenFree(url: string, token?: string): Promise<SseReader> {
  for (let i = 0; i < 500; i++) {
    const r = await open(url, token);
    if (r.status === 200) return r;
    expect(r.status).toBe(429);
    waited++;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('no slot became free');
}

async function waitForClients(url: string, n: number, token: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    if (text.includes(`\ntidemark_sse_clients ${n}\n`)) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`the server never had ${n} open streams`);
}

describe('caps on open SSE streams', () => {
  it('past the server cap: 429 with the envelope and Retry-After; closing one frees a slot', async () => {
    const s = await server({ maxStreams: 3 });
    waited = 0;
    const url = `${s.url}/v1/topics/t/events/stream`;
    const streams = [await open(url), await open(url), await open(url)];
    for (const r of streams) expect(r.status).toBe(200);
    const refused = await open(url);
    expectRefused(refused, /the server already has its maximum of 3 open \(--max-streams\)/);

    streams[0]!.stop();
    const again = await openWhenFree(url);
    expect(again.status).toBe(200);
    // Full again, and the streams that stayed open still work.
    expectRefused(await open(url), /--max-streams/);
    await s.store.append('t', { events: [{ key: 'a', data: 1 }] });
    for (const r of [streams[1]!, streams[2]!, again]) await r.until(() => r.ids.length === 1);

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain(`\ntidemark_sse_refused_total{cap="server"} ${2 + waited}\n`);
    expect(metrics).toMatch(/^tidemark_sse_clients 3$/m);
  });

  it('the per-token cap counts each token apart, and apart from the server cap', async () => {
    const tokens = new Map([
      ['ta', 'read'],
      ['tb', 'read'],
      ['tc', 'admin'],
    ] as const);
    const s = await server({ tokens: new Map(tokens), maxStreams: 5, maxStreamsPerToken: 2 });
    const url = `${s.url}/v1/topics/t/events/stream`;
    const a = [await open(url, 'ta'), await open(url, 'ta')];
    expectRefused(await open(url, 'ta'), /this token already has its maximum of 2 open \(--max-streams-per-token\)/);
    const b = [await open(url, 'tb'), await open(url, 'tb')];
    const c = await open(url, 'tc');
    for (const r of [...a, ...b, c]) expect(r.status).toBe(200);
    // tc is under its own cap, but the server is full.
    expectRefused(await open(url, 'tc'), /the server already has its maximum of 5 open/);
    // Without a valid token no stream is opened at all (auth comes first).
    expect((await open(url)).status).toBe(401);

    // A slot of ta's frees one of the server's too; ta gets it back, and is then at its own cap again.
    a[0]!.stop();
    expect((await openWhenFree(url, 'ta')).status).toBe(200);
    c.stop();
    const free = await openWhenFree(url, 'tc'); // the server has a free slot again...
    free.stop();
    await waitForClients(s.url, 4, 'tc');
    expectRefused(await open(url, 'ta'), /this token already has its maximum of 2 open/); // ...but not for ta
  });

  it('refuses cap values that are not positive integers', () => {
    const dir = tempDir();
    const store = openSqliteStore(`${dir}/s.db`);
    try {
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        expect(() => buildApp({ store, maxStreams: bad })).toThrow(/maxStreams: must be a positive integer/);
        expect(() => buildApp({ store, maxStreamsPerToken: bad })).toThrow(
          /maxStreamsPerToken: must be a positive integer/,
        );
      }
    } finally {
      void store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the HTTP client reports a 429 and connects once a slot is free, after Retry-After', async () => {
    const s = await server({ maxStreams: 1 });
    const url = `${s.url}/v1/topics/r/events/stream`;
    const holder = await open(url);
    expect(holder.status).toBe(200);
    const client = openHttpStore({ url: s.url, sse: { reconnectMs: 20 } });
    cleanups.push(() => client.close());
    const got: number[] = [];
    const errors: { code: string }[] = [];
    const stop = client.tail('r', 0, (evs) => got.push(...evs.map((e) => e.seq)), {
      onError: (e) => errors.push(e as { code: string }),
    });
    cleanups.push(async () => stop());
    await holder.until(() => errors.length > 0);
    expect(errors[0]!.code).toBe('TOO_MANY_REQUESTS');
    holder.stop();
    await s.store.append('r', { events: [{ key: 'a', data: 1 }] });
    await holder.until(() => got.length === 1, 30_000);
    expect(got).toEqual([1]);
    expect(errors.length).toBe(1); // one refusal, then it waited Retry-After before trying again
  });

  it('tidemark serve --max-streams and --max-streams-per-token set the caps', async () => {
    const cwd = tempDir('tidemark-caps-');
    cleanups.push(async () => rmSync(cwd, { recursive: true, force: true }));
    const srv = await spawnServe(
      ['--db', 's.db', '--port', '0', '--max-streams', '2', '--max-streams-per-token', '1', '--token', 'tk:read'],
      cwd,
    );
    cleanups.push(async () => {
      srv.proc.kill('SIGTERM');
      await srv.exit;
    });
    expect(srv.url).not.toBeNull();
    const url = `${srv.url!}/v1/topics/t/events/stream`;
    expect((await open(url, 'tk')).status).toBe(200);
    expectRefused(await open(url, 'tk'), /--max-streams-per-token/);

    const bad = await spawnServe(['--db', 's.db', '--port', '0', '--max-streams', '0'], cwd);
    expect(bad.firstLine).toBeNull();
    expect((await bad.exit).code).not.toBe(0);
    expect(bad.stderr()).toMatch(/--max-streams/);
  });
});
