/**
 * The error envelope for what goes wrong before a route runs, and errors that leak nothing
 * (src-core/server/errors.ts, app.ts). Over a raw socket (node:net) to a real server: malformed
 * percent-encoding, malformed request lines, unknown methods and versions, HTTP/2 without TLS,
 * oversized headers (431), Content-Length that lies or repeats, Content-Length with
 * Transfer-Encoding, a malformed chunk, forbidden header characters: each answers its status and
 * `{"error":{"code","message"}}`, and nothing is written. Internal errors: a store that throws a
 * raw error carrying driver text and a file path, and a real SQLite failure (a trigger that aborts
 * the write), answer 500 whose message is only `internal error (request id …)`, and the server's
 * log has exactly one line for it, under that request id, with the original error in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-core/server/index';
import { clientErrorText } from '../../src-core/server/errors';
import { type TestServer, errorOf, snapshot, startTestServer } from './helpers';
import { type RawAnswer, httpText, rawRequest } from './raw-socket';

let s: TestServer;
let host: string;
beforeAll(async () => {
  s = await startTestServer();
  host = new URL(s.url).host;
  await s.store.append('t', { events: [{ key: 'a', data: 1 }] });
});
afterAll(async () => {
  await s.close();
});

describe('framework-level errors answer the envelope', () => {
  const json = (n: number): string[] => ['Content-Type: application/json', `Content-Length: ${n}`];
  const cases: { name: string; request: () => string; status: number; code: string; message: RegExp; end?: boolean }[] =
    [
      {
        name: 'bad percent-encoding in the path',
        request: () => httpText(['GET /v1/topics/%zz HTTP/1.1', `Host: ${host}`]),
        status: 400,
        code: 'BAD_REQUEST',
        message: /^url: "\/v1\/topics\/%zz" has malformed percent-encoding/,
      },
      {
        name: 'percent-encoding of invalid UTF-8',
        request: () => httpText(['GET /v1/topics/%E0%A4 HTTP/1.1', `Host: ${host}`]),
        status: 400,
        code: 'BAD_REQUEST',
        message: /percent-encoding/,
      },
      {
        name: 'a request line that is not HTTP',
        request: () => 'GARBAGE\r\n\r\n',
        status: 400,
        code: 'BAD_REQUEST',
        message: /^request line: /,
      },
      {
        name: 'an unknown method',
        request: () => httpText(['FOO /v1/topics HTTP/1.1', `Host: ${host}`]),
        status: 400,
        code: 'BAD_REQUEST',
        message: /^request line: unknown or malformed method/,
      },
      {
        name: 'a space in the target',
        request: () => httpText(['GET /v1/to pics HTTP/1.1', `Host: ${host}`]),
        status: 400,
        code: 'BAD_REQUEST',
        message: /^request line: /,
      },
      {
        name: 'an unsupported HTTP version',
        request: () => httpText(['GET /v1/topics HTTP/3.0', `Host: ${host}`]),
        status: 400,
        code: 'BAD_REQUEST',
        message: /HTTP version/,
      },
      {
        name: 'HTTP/2 without TLS',
        request: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
        status: 400,
        code: 'BAD_REQUEST',
        message: /HTTP\/2 is not served/,
      },
      {
        name: 'headers larger than 16 KiB',
        request: () => httpText(['GET /v1/topics HTTP/1.1', `Host: ${host}`, `X-Big: ${'a'.repeat(20_000)}`]),
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        message: /^headers: the request line and headers exceed 16384 bytes$/,
      },
      {
        name: 'a header with a control character',
        request: () => httpText(['GET /v1/topics HTTP/1.1', `Host: ${host}`, 'X-A: a\x01b']),
        status: 400,
        code: 'BAD_REQUEST',
        message: /^headers: /,
      },
      {
        name: 'Content-Length larger than the body (the client then closes)',
        request: () =>
          ['POST /v1/topics/t/txns HTTP/1.1', `Host: ${host}`, ...json(100), '', '{"events":[]}'].join('\r\n'),
        end: true,
        status: 400,
        code: 'BAD_REQUEST',
        message: /^body: the connection ended before the body the headers announced$/,
      },
      {
        name: 'Content-Length twice with different values',
        request: () =>
          httpText(['POST /v1/topics/t/txns HTTP/1.1', `Host: ${host}`, ...json(2), 'Content-Length: 3'], '{}'),
        status: 400,
        code: 'BAD_REQUEST',
        message: /^content-length: sent more than once/,
      },
      {
        name: 'a Content-Length that is not a number',
        request: () => httpText(['POST /v1/topics/t/txns HTTP/1.1', `Host: ${host}`, 'Content-Length: 2x'], '{}'),
        status: 400,
        code: 'BAD_REQUEST',
        message: /^content-length: not a valid length$/,
      },
      {
        name: 'Content-Length with Transfer-Encoding',
        request: () =>
          httpText(
            ['POST /v1/topics/t/txns HTTP/1.1', `Host: ${host}`, ...json(2), 'Transfer-Encoding: chunked'],
            '0\r\n\r\n',
          ),
        status: 400,
        code: 'BAD_REQUEST',
        message: /^transfer-encoding: /,
      },
      {
        name: 'a malformed chunk size',
        request: () =>
          httpText(
            [
              'POST /v1/topics/t/txns HTTP/1.1',
              `Host: ${host}`,
              'Content-Type: application/json',
              'Transfer-Encoding: chunked',
            ],
            'zz\r\n{}\r\n0\r\n\r\n',
          ),
        status: 400,
        code: 'BAD_REQUEST',
        message: /^body: malformed chunk size/,
      },
    ];

  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.code}`, async () => {
      const before = await snapshot(s.store);
      const a = await rawRequest(s.url, c.request(), { end: c.end === true });
      expect(a.status, a.raw.slice(0, 300)).toBe(c.status);
      expect(a.headers['content-type']).toMatch(/^application\/json/);
      expect(errorOf(a)).toEqual({ code: c.code, message: expect.stringMatching(c.message) as unknown });
      expect(await snapshot(s.store)).toEqual(before);
    });
  }

  it('a body longer than its Content-Length: the rest is a malformed next request, answered with the envelope', async () => {
    const before = await snapshot(s.store);
    const body = JSON.stringify({ events: [{ key: 'zz', data: 1 }] });
    const a = await rawRequest(
      s.url,
      [
        'POST /v1/topics/t/txns HTTP/1.1',
        `Host: ${host}`,
        'Content-Type: application/json',
        'Content-Length: 2',
        '',
        body,
      ].join('\r\n'),
    );
    expect(a.status).toBe(400);
    expect(errorOf(a).code).toBe('BAD_REQUEST');
    // Every response on the connection is an envelope, never Node's or Fastify's own body.
    expect(a.raw).not.toMatch(/"statusCode"|Client Error|Bad Request"/);
    expect(await snapshot(s.store)).toEqual(before);
  });

  it('a header timeout is 408 TIMEOUT with the envelope (the text the socket gets)', () => {
    const text = clientErrorText({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, 16384)!;
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'TIMEOUT', message: 'request: the headers or the body did not arrive in time' },
    });
    expect(clientErrorText({ code: 'ECONNRESET' }, 16384)).toBeNull();
  });

  it('a JSON body that stops arriving is ended after --body-timeout: 408 TIMEOUT, nothing written', async () => {
    const slow = await startTestServer({ bodyTimeoutMs: 1500 });
    try {
      const before = await snapshot(slow.store);
      const a = await rawRequest(
        slow.url,
        [
          'POST /v1/topics/t/txns HTTP/1.1',
          `Host: ${new URL(slow.url).host}`,
          'Content-Type: application/json',
          'Content-Length: 200',
          '',
          '{"events":[{"key":"slow",',
        ].join('\r\n'),
      );
      expect(a.status).toBe(408);
      expect(a.body).toEqual({
        error: { code: 'TIMEOUT', message: 'request: the headers or the body did not arrive in time' },
      });
      expect(await snapshot(slow.store)).toEqual(before);
    } finally {
      await slow.close();
    }
  });
});

describe('internal errors leak nothing and are logged once under the request id', () => {
  /** A server over `store` whose error log lines are collected. */
  async function withLog(store: typeof s.store) {
    const lines: Record<string, unknown>[] = [];
    const server = await startServer({
      store,
      port: 0,
      logger: {
        level: 'error',
        stream: {
          write: (line: string) => {
            lines.push(JSON.parse(line) as Record<string, unknown>);
          },
        },
      },
    });
    return { server, lines };
  }

  function idOf(message: string): string {
    const m = /^internal error \(request id (req-[0-9a-z]+)\)$/.exec(message);
    if (!m) throw new Error(`not an internal-error message: ${message}`);
    return m[1]!;
  }

  it('a raw error with driver text and a file path: 500 naming only the request id', async () => {
    const raw = Object.assign(
      new Error('SQLITE_CORRUPT: database disk image is malformed (/home/alice/data/tidemark.db)'),
      { code: 'SQLITE_CORRUPT' },
    );
    const broken = new Proxy(s.store, {
      get: (target, prop, receiver): unknown =>
        prop === 'listTopics' ? () => Promise.reject(raw) : (Reflect.get(target, prop, receiver) as unknown),
    });
    const { server, lines } = await withLog(broken);
    try {
      const a = await rawRequest(
        server.url,
        httpText(['GET /v1/topics HTTP/1.1', `Host: ${new URL(server.url).host}`]),
      );
      expect(a.status).toBe(500);
      const e = errorOf(a);
      expect(e.code).toBe('INTERNAL');
      const id = idOf(e.message);
      expect(a.text).not.toMatch(/SQLITE|\/home|alice|tidemark\.db|malformed|\bat /);
      const logged = lines.filter((l) => l.msg === 'internal error');
      expect(logged).toHaveLength(1);
      expect(logged[0]!.reqId).toBe(id);
      expect(JSON.stringify(logged[0]!.err)).toContain('SQLITE_CORRUPT: database disk image is malformed');
    } finally {
      await server.close();
    }
  });

  /**
   * Posts `value` as JSON to `path` on a logging server while `trigger` (a CREATE TRIGGER named
   * no_write) makes SQLite abort the write; hands the answer, the error log and the store as it was
   * before to `check`, then drops the trigger and closes the server.
   */
  async function postWhileTriggerAborts(
    trigger: string,
    path: string,
    value: unknown,
    check: (
      a: RawAnswer,
      lines: Record<string, unknown>[],
      before: Awaited<ReturnType<typeof snapshot>>,
    ) => Promise<void>,
  ): Promise<void> {
    const { server, lines } = await withLog(s.store);
    s.store.database.exec(trigger);
    try {
      const before = await snapshot(s.store);
      const body = JSON.stringify(value);
      const a = await rawRequest(
        server.url,
        httpText(
          [
            `POST ${path} HTTP/1.1`,
            `Host: ${new URL(server.url).host}`,
            'Content-Type: application/json',
            `Content-Length: ${body.length}`,
          ],
          body,
        ),
      );
      await check(a, lines, before);
    } finally {
      s.store.database.exec('DROP TRIGGER no_write');
      await server.close();
    }
  }

  it('a real SQLite failure (a trigger aborts the write): 500 without driver text, logged with its cause', async () => {
    await postWhileTriggerAborts(
      "CREATE TRIGGER no_write BEFORE INSERT ON txns BEGIN SELECT RAISE(ABORT, 'refused by /secret/trigger.sql'); END",
      '/v1/topics/t/txns',
      { events: [{ key: 'b', data: 2 }] },
      async (a, lines, before) => {
        expect(a.status).toBe(500);
        const id = idOf(errorOf(a).message);
        expect(a.text).not.toMatch(/SQLITE|secret|refused|trigger/i);
        const logged = lines.filter((l) => l.msg === 'internal error');
        expect(logged.map((l) => l.reqId)).toEqual([id]);
        expect(JSON.stringify(logged[0]!.err)).toMatch(/refused by \/secret\/trigger\.sql/);
        expect(await snapshot(s.store)).toEqual(before);
      },
    );
  });
  it('the same failure in the second transaction of /v1/batch: 500 naming only the request id, logged with its cause, nothing applied', async () => {
    await postWhileTriggerAborts(
      "CREATE TRIGGER no_write BEFORE INSERT ON events WHEN NEW.key = 'bad' BEGIN SELECT RAISE(ABORT, 'refused by /secret/trigger.sql'); END",
      '/v1/batch',
      {
        txns: [
          { topic: 't', events: [{ key: 'c', data: 3 }] },
          { topic: 't', events: [{ key: 'bad', data: 4 }] },
        ],
      },
      async (a, lines, before) => {
        expect(a.text).not.toMatch(/SQLITE|secret|refused|trigger/i);
        const error = errorOf(a);
        expect(error.code).toBe('INTERNAL');
        const id = idOf(error.message);
        const logged = lines.filter((l) => l.reqId === id);
        expect(logged).toHaveLength(1);
        expect(JSON.stringify(logged[0])).toMatch(/refused by \/secret\/trigger\.sql/);
        // SQLite commits a batch once: the whole request fails and nothing of it is applied
        expect(a.status).toBe(500);
        expect(await snapshot(s.store)).toEqual(before);
      },
    );
  });
});
