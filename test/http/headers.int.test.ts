/**
 * What the server makes of a request's headers (docs/security.md, "Errors that leak nothing"),
 * over a raw socket to real servers with tokens: every header within the 16 KiB limit reaches the
 * route, however many there are (Node's count cap, which dropped the ones past about the
 * thousandth, is off), and a request that repeats a header the server reads as one value
 * (once-headers.ts) is refused 400 naming it, before authentication, with nothing written.
 */
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach } from '../cleanups';
import { envelopeOf } from '../security/raw-http';
import { type TestServer, startTestServer } from './helpers';
import { type RawAnswer, httpText, rawRequest } from './raw-socket';

const cleanups = cleanupsAfterEach();

async function server(tokens: { token: string; role: 'read' | 'write'; name: string }[]): Promise<TestServer> {
  const s = await startTestServer({ tokens });
  cleanups.push(() => s.close());
  return s;
}

/** A write of `body` with the request line, `Host`, then `headers` as given. */
function write(s: TestServer, headers: string[], body: string): Promise<RawAnswer> {
  return rawRequest(s.url, writeText(s, headers, body));
}

function writeText(s: TestServer, headers: string[], body: string): string {
  return httpText(['POST /v1/topics/t/txns HTTP/1.1', `Host: ${new URL(s.url).host}`, ...headers], body);
}

const body = (key: string): string => JSON.stringify({ events: [{ key, data: 1 }] });
const jsonHeaders = (b: string): string[] => [
  'Content-Type: application/json',
  `Content-Length: ${Buffer.byteLength(b)}`,
];

describe('request headers', () => {
  it('every header within 16 KiB reaches the route, however many: none is dropped past a count', async () => {
    // 1,500 headers before the ones that matter; Node's default count cap dropped the headers past
    // about the thousandth, so this write lost its Authorization and Content-Type (401).
    const w = await server([{ token: 'w', role: 'write', name: 'writer' }]);
    const b = body('many-headers');
    const filler = Array.from({ length: 1_500 }, (_, i) => `X${i % 10}:`);
    const request = writeText(w, [...filler, 'Authorization: Bearer w', ...jsonHeaders(b)], b);
    expect(request.length).toBeLessThan(16_384);
    const a = await rawRequest(w.url, request);
    expect(a.status, a.raw.slice(0, 300)).toBe(200);
    const [event] = (await w.store.readEvents('t', { limit: 10 })).events;
    expect(event?.key).toBe('many-headers');
    expect((await w.store.getTxn('t', event!.txn)).by).toBe('writer'); // the token after 1,500 headers
  });

  it('a write that repeats Authorization or Content-Type is refused 400 naming the header, before auth', async () => {
    // Node keeps the first of such headers and drops the rest without a word; served, the write
    // would run as whichever token or type came first.
    const w = await server([
      { token: 'r', role: 'read', name: 'reader' },
      { token: 'w', role: 'write', name: 'writer' },
    ]);
    const b = body('k');
    const length = `Content-Length: ${Buffer.byteLength(b)}`;
    const cases = [
      {
        headers: ['Authorization: Bearer w', 'Authorization: Bearer r', 'Content-Type: application/json', length],
        message: 'authorization: the Authorization header was sent more than once',
      },
      {
        headers: ['Authorization: Bearer nope', 'authorization: Bearer w', 'Content-Type: application/json', length],
        message: 'authorization: the Authorization header was sent more than once', // 400, not 401
      },
      {
        headers: ['Authorization: Bearer w', 'Content-Type: application/json', 'Content-Type: text/csv', length],
        message: 'content-type: the Content-Type header was sent more than once',
      },
    ];
    for (const c of cases) {
      const a = await write(w, c.headers, b);
      expect(a.status, a.raw.slice(0, 300)).toBe(400);
      expect(envelopeOf(a)).toEqual({ code: 'BAD_REQUEST', message: c.message });
    }
    expect(await w.store.listTopics()).toEqual([]);
    const once = await write(w, ['Authorization: Bearer w', ...jsonHeaders(b)], b);
    expect(once.status, once.raw.slice(0, 300)).toBe(200);
  });
});
