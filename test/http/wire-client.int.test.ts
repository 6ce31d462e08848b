/**
 * The wire's transport and live tail (src-core/wire/transport.ts, sse-tail.ts) against a scripted
 * HTTP server on 127.0.0.1 port 0, which answers each request as the test says and records what it
 * was asked: error rules of every kind of answer, and the tail's reconnect policy — where each
 * connection resumes, what ends it, what it reports with which failure count, and that a consumer
 * that throws gets the same events again.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src-core/model/types';
import { tailStream } from '../../src-core/wire/sse-tail';
import { WireTransport } from '../../src-core/wire/transport';
import { waitFor } from '../contract/harness';
import { cleanupsAfterEach } from '../cleanups';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

interface Scripted {
  url: string;
  requests: { url: string; lastEventId: string | undefined; auth: string | undefined }[];
  close(): Promise<void>;
}

const cleanups = cleanupsAfterEach();

async function scripted(handler: Handler): Promise<Scripted> {
  const requests: Scripted['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({
      url: req.url ?? '',
      lastEventId: req.headers['last-event-id'] as string | undefined,
      auth: req.headers.authorization,
    });
    handler(req, res, requests.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const s: Scripted = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  cleanups.push(() => s.close());
  return s;
}

const event = (seq: number): string =>
  `id: ${seq}\ndata: ${JSON.stringify({ topic: 't', seq, txn: seq, key: `k${seq}`, type: 'event', data: seq })}\n\n`;

function envelope(res: ServerResponse, status: number, code: string, message: string, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { code, message } }));
}

function stream(res: ServerResponse, text: string, end = true): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(': connected\n\n' + text);
  if (end) res.end();
}

describe('WireTransport', () => {
  it('sends the token, and rebuilds every kind of failure as a coded error', async () => {
    const s = await scripted((req, res) => {
      if (req.url === '/v1/envelope') envelope(res, 409, 'CONFLICT', 'expectMaxSeq: is 3');
      else if (req.url === '/v1/proxy') res.writeHead(502).end('<html>bad gateway</html>');
      else if (req.url === '/v1/html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      else if (req.url === '/v1/whoami') res.writeHead(200).end('{"role":"write","name":"ci"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const t = new WireTransport({ url: `${s.url}/`, token: 'tk' });
    expect(t.baseUrl).toBe(s.url);
    expect(await t.json('GET', '/v1/ok', { query: { a: 1, b: undefined } })).toEqual({ ok: true });
    expect(s.requests[0]).toMatchObject({ url: '/v1/ok?a=1', auth: 'Bearer tk' });
    await expect(t.json('POST', '/v1/envelope', { body: {} })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'expectMaxSeq: is 3',
    });
    await expect(t.json('GET', '/v1/proxy', { what: 'Loading topics' })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'Loading topics failed: the server answered 502 (<html>bad gateway</html>)',
    });
    await expect(t.json('GET', '/v1/html')).rejects.toMatchObject({
      code: 'INTERNAL',
      message: "GET /v1/html failed: the server's answer is not JSON",
    });
    const ac = new AbortController();
    ac.abort();
    await expect(t.json('GET', '/v1/ok', { signal: ac.signal, what: 'Exporting' })).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'Exporting was cancelled',
    });
    expect(new WireTransport({ url: s.url, token: '' }).authHeaders()).toEqual({});
  });

  it('a server that is gone is UNAVAILABLE, naming it', async () => {
    const s = await scripted((_req, res) => res.end());
    const url = s.url;
    await s.close();
    await expect(new WireTransport({ url }).json('GET', '/v1/topics')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`GET /v1/topics could not reach the server at ${url} (ECONNREFUSED)`) as unknown,
    });
  });
});

describe('tailStream', () => {
  it('resumes each connection after the last event delivered, with Last-Event-ID and after', async () => {
    const s = await scripted((_req, res, n) => {
      if (n === 1) stream(res, event(3) + event(4));
      else if (n === 2) stream(res, event(4) + event(5), false);
      else res.writeHead(500).end();
    });
    const got: number[] = [];
    const errors: unknown[] = [];
    const stop = tailStream(
      new WireTransport({ url: s.url, token: 'tk' }),
      'a:b',
      2,
      (evs) => got.push(...evs.map((e) => e.seq)),
      {
        reconnectMs: 10,
        onError: (e) => errors.push(e),
      },
    );
    cleanups.push(stop);
    await waitFor(() => expect(got).toEqual([3, 4, 5]));
    expect(s.requests.map((r) => [r.url, r.lastEventId, r.auth])).toEqual([
      ['/v1/topics/a%3Ab/events/stream?after=2', '2', 'Bearer tk'],
      ['/v1/topics/a%3Ab/events/stream?after=4', '4', 'Bearer tk'],
    ]);
    expect(errors).toEqual([]); // a stream the server ended is not a failure
  });

  it('counts consecutive failures, reset once the stream delivers, and reports the server error event', async () => {
    const s = await scripted((_req, res, n) => {
      if (n <= 2) envelope(res, 503, 'UNAVAILABLE', `down ${n}`);
      else if (n === 3)
        stream(
          res,
          event(1) + 'event: error\ndata: {"error":{"code":"INTERNAL","message":"event 2 cannot be sent"}}\n\n',
        );
      else if (n === 4)
        stream(res, 'event: error\ndata: {"error":{"code":"INTERNAL","message":"event 2 cannot be sent"}}\n\n');
      else stream(res, event(2), false);
    });
    const got: number[] = [];
    const errors: [string, number][] = [];
    const stop = tailStream(new WireTransport({ url: s.url }), 't', 0, (evs) => got.push(...evs.map((e) => e.seq)), {
      reconnectMs: 10,
      onError: (e, failures) => errors.push([(e as Error).message, failures]),
    });
    cleanups.push(stop);
    await waitFor(() => expect(got).toEqual([1, 2]));
    expect(errors).toEqual([
      ['down 1', 1],
      ['down 2', 2],
      ['event 2 cannot be sent', 1], // event 1 was delivered in between: the count started again
      ['event 2 cannot be sent', 2],
    ]);
  });

  it('a fatal answer is reported once and ends the tail', async () => {
    for (const [status, code] of [
      [400, 'BAD_REQUEST'],
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
    ] as const) {
      const s = await scripted((_req, res) => envelope(res, status, code, 'no'));
      const errors: [string, number][] = [];
      let ended = false;
      tailStream(new WireTransport({ url: s.url }), 't', 0, () => undefined, {
        reconnectMs: 1,
        onError: (e, failures) => {
          errors.push([(e as { code: string }).code, failures]);
          ended = true;
        },
      });
      await waitFor(() => expect(ended).toBe(true));
      // Another connection would come within 1 ms; give it many times that.
      await new Promise((r) => setTimeout(r, 100));
      expect(errors).toEqual([[code, 1]]);
      expect(s.requests).toHaveLength(1);
    }
  });

  it('a consumer that throws is reported and gets the same events again, never a gap', async () => {
    const s = await scripted((req, res) => {
      const after = Number(req.headers['last-event-id']);
      stream(
        res,
        [1, 2, 3]
          .filter((n) => n > after)
          .map(event)
          .join(''),
        false,
      );
    });
    const batches: number[][] = [];
    const errors: [string, number][] = [];
    let throwOnce = true;
    const stop = tailStream(
      new WireTransport({ url: s.url }),
      't',
      0,
      (evs: StoredEvent[]) => {
        batches.push(evs.map((e) => e.seq));
        if (throwOnce) {
          throwOnce = false;
          throw new Error('consumer failed');
        }
      },
      { reconnectMs: 10, onError: (e, failures) => errors.push([(e as Error).message, failures]) },
    );
    cleanups.push(stop);
    await waitFor(() => expect(batches).toHaveLength(2));
    expect(batches).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(errors).toEqual([['consumer failed', 1]]);
    expect(s.requests.map((r) => r.lastEventId)).toEqual(['0', '0']);
  });

  it('a 429 is reported and retried after Retry-After; stopping ends everything', async () => {
    const s = await scripted((_req, res, n) => {
      if (n === 1) envelope(res, 429, 'TOO_MANY_REQUESTS', 'at most 1 stream', { 'retry-after': '1' });
      else stream(res, event(1), false);
    });
    const got: number[] = [];
    const errors: string[] = [];
    const stop = tailStream(new WireTransport({ url: s.url }), 't', 0, (evs) => got.push(...evs.map((e) => e.seq)), {
      reconnectMs: 1,
      onError: (e) => errors.push((e as { code: string }).code),
    });
    await waitFor(() => expect(got).toEqual([1]));
    expect(errors).toEqual(['TOO_MANY_REQUESTS']);
    expect(s.requests).toHaveLength(2); // one refusal, one reconnect (the delay itself: sse-policy.unit.test.ts)
    stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(s.requests).toHaveLength(2);
    expect(errors).toEqual(['TOO_MANY_REQUESTS']);
  });
});
