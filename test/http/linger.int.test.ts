/**
 * Closing a connection without losing its last answer (src-core/server/linger.ts), over raw
 * sockets to a real server on loopback. The client is one a server must expect: it sends the
 * request head and the start of a large body, then the rest of the body, and reads the answer only
 * after that (as a client that writes its whole request before reading does). A server that closes
 * as soon as its early refusal is written leaves the rest of the body unread, the kernel answers
 * it with a reset, and the client's unread answer is lost: every case below then fails with no
 * answer. Also: a 408 whose body arrives afterwards writes nothing, a request pipelined after a
 * closing answer never runs, and a client that never closes is dropped after LINGER_MS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINGER_MS } from '../../src-core/server/linger';
import { type TestServer, call, startTestServer } from './helpers';
import { type Seen, client } from './raw-client';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Writes `head` and the first `first` bytes of `body`, waits, writes the rest, waits, and only
 * then reads whatever the server sent until the connection closes.
 */
async function writeAllThenRead(url: string, head: string, body: Buffer, first: number): Promise<Seen> {
  const c = client(url, { paused: true });
  c.write(Buffer.concat([Buffer.from(head, 'latin1'), body.subarray(0, first)]));
  await sleep(150);
  c.write(body.subarray(first));
  await sleep(150);
  c.resume();
  // A server keeping the connection alive answers and waits for the next request.
  await sleep(200);
  c.end();
  const { text, error } = await c.closed;
  return { text, error };
}

const BODY = Buffer.alloc(4_000_000, 0x20);
const head = (url: string, lines: string[]): string =>
  [`POST /v1/topics/t/txns HTTP/1.1`, `Host: ${new URL(url).host}`, ...lines, ''].join('\r\n') + '\r\n';

function statusAndCode(seen: Seen): { status: number; code: string | null } {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(seen.text);
  if (m === null) throw new Error(`no answer (client error: ${seen.error ?? 'none'}): ${JSON.stringify(seen.text)}`);
  const body = seen.text.slice(seen.text.indexOf('\r\n\r\n') + 4);
  const parsed = JSON.parse(body) as { error?: { code?: string } };
  return { status: Number(m[1]), code: parsed.error?.code ?? null };
}

describe('an answer given before the body arrived reaches a client that reads after writing', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ tokens: [{ token: 'w', role: 'write', name: 'writer' }], bodyLimit: 1024 * 1024 });
  });
  afterAll(async () => {
    await s.close();
  });

  const cases: { name: string; lines: string[]; status: number; code: string }[] = [
    {
      name: '401, no token, Connection: close',
      lines: ['Content-Type: application/json', `Content-Length: ${BODY.length}`, 'Connection: close'],
      status: 401,
      code: 'UNAUTHORIZED',
    },
    {
      name: '413, over --body-limit, Connection: close',
      lines: [
        'Authorization: Bearer w',
        'Content-Type: application/json',
        `Content-Length: ${BODY.length}`,
        'Connection: close',
      ],
      status: 413,
      code: 'TOO_LARGE',
    },
    {
      name: '401, no token, keep-alive asked for',
      lines: ['Content-Type: application/json', `Content-Length: ${BODY.length}`],
      status: 401,
      code: 'UNAUTHORIZED',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the envelope arrives, three times in a row`, async () => {
      for (let i = 0; i < 3; i++) {
        const seen = await writeAllThenRead(s.url, head(s.url, c.lines), BODY, 64 * 1024);
        expect(statusAndCode(seen)).toEqual({ status: c.status, code: c.code });
        // Refused before its body arrived: the server closes rather than read the whole body.
        expect(seen.text.slice(0, seen.text.indexOf('\r\n\r\n'))).toMatch(/\r\nconnection: close\r\n/i);
      }
      expect((await call(s.url + '/v1/topics', { token: 'w' })).body).toEqual({ topics: [] });
    });
  }
});

describe('a connection that closes in stages runs nothing more', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ bodyTimeoutMs: 400 });
  });
  afterAll(async () => {
    await s.close();
  });

  it('408, then the rest of the body: the write never runs', async () => {
    const body = JSON.stringify({ events: [{ key: 'late', data: 1 }] });
    const c = client(s.url);
    c.write(
      head(s.url, ['Content-Type: application/json', `Content-Length: ${body.length}`]).replace('/t/', '/late/') +
        body.slice(0, 10),
    );
    expect(await c.arrived(/"TIMEOUT"/)).toMatch(/^HTTP\/1\.1 408 /);
    c.write(body.slice(10));
    await sleep(300);
    expect((await call(s.url + '/v1/topics')).body).toEqual({ topics: [] });
  });

  it('a request pipelined after an answer that closed the connection never runs', async () => {
    const c = client(s.url);
    const foreign = head(s.url, [
      'Content-Type: application/json',
      `Content-Length: ${BODY.length}`,
      'Connection: close',
    ]).replace(/Host: [^\r]*/, 'Host: elsewhere.example');
    c.write(foreign + BODY.subarray(0, 1000).toString('latin1'));
    expect(await c.arrived(/"FORBIDDEN"/)).toMatch(/^HTTP\/1\.1 403 /);
    const write = JSON.stringify({ events: [{ key: 'smuggled', data: 1 }] });
    c.write(
      Buffer.concat([
        BODY.subarray(1000),
        Buffer.from(head(s.url, ['Content-Type: application/json', `Content-Length: ${write.length}`]) + write),
      ]),
    );
    await sleep(300);
    expect((await call(s.url + '/v1/topics')).body).toEqual({ topics: [] });
  });

  it(`a client that never finishes its body nor closes is dropped after LINGER_MS (${LINGER_MS} ms)`, async () => {
    const c = client(s.url);
    c.write(head(s.url, ['Content-Type: application/json', 'Content-Length: 100000', 'Connection: close']) + '{"ev');
    expect(await c.arrived(/"TIMEOUT"/)).toMatch(/^HTTP\/1\.1 408 /);
    // Half-closed by the server, not yet dropped: more bytes are still read and thrown away.
    await sleep(200);
    c.write('ents":[');
    // Once dropped, the next bytes meet a closed socket: the client's connection is reset.
    const poke = setInterval(() => c.write('1,'), 250);
    const { afterMs, error } = await c.closed;
    clearInterval(poke);
    expect(error).toMatch(/ECONNRESET|EPIPE/);
    expect(afterMs).toBeGreaterThanOrEqual(LINGER_MS);
    expect(afterMs).toBeLessThan(LINGER_MS + 5_000);
  }, 20_000);
});
