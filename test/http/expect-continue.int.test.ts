/**
 * `Expect: 100-continue` (src-core/server/expect-continue.ts), over raw connections to a real
 * server: the client sends the request head only and waits, as curl does for bodies over 1 MiB. A
 * request its route reads gets `100 Continue`, then the body, then its answer; a request refused
 * before its body is read (no token, a role too weak, `Content-Length` over `--body-limit` or
 * `--diff-limit`, past the connection cap) gets its final answer and no `100 Continue`, so the
 * client never uploads the body, and the connection closes. Before, Node said `100 Continue` to
 * every one of them at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, call, startTestServer } from './helpers';
import { type Client, type RawAnswer, client } from './raw-client';

let s: TestServer;
const open: Client[] = [];
beforeAll(async () => {
  s = await startTestServer({
    tokens: [
      { token: 'w', role: 'write', name: 'writer' },
      { token: 'r', role: 'read', name: 'reader' },
    ],
    bodyLimit: 64 * 1024,
    diffLimit: 64 * 1024,
  });
});
afterEach(() => {
  for (const c of open.splice(0)) c.end();
});
afterAll(async () => {
  await s.close();
});

/** Sends the head of a POST that expects 100-continue, and returns the first answer to it. */
async function postHead(
  url: string,
  path: string,
  length: number,
  token?: string,
  contentType = 'application/json',
): Promise<[Client, RawAnswer]> {
  const c = client(url);
  open.push(c);
  const lines = [
    `POST ${path} HTTP/1.1`,
    `Host: ${new URL(url).host}`,
    `Content-Type: ${contentType}`,
    `Content-Length: ${length}`,
    'Expect: 100-continue',
    ...(token === undefined ? [] : [`Authorization: Bearer ${token}`]),
  ];
  c.write(lines.join('\r\n') + '\r\n\r\n');
  return [c, await c.next()];
}

async function expectRefusedWithoutContinue(c: Client, a: RawAnswer, status: number, code: string): Promise<void> {
  expect(a.status).toBe(status); // the first answer, not 100
  expect((JSON.parse(a.body) as { error: { code: string } }).error.code).toBe(code);
  expect(a.headers.connection).toBe('close');
  c.end();
  const seen = await c.closed;
  expect(seen.error).toBeNull();
  expect(seen.text).not.toMatch(/100 Continue/);
}

describe('Expect: 100-continue', () => {
  it('a request its route reads: 100 Continue, then the body, then the answer', async () => {
    const body = JSON.stringify({ events: [{ key: 'k', data: { n: 1 } }] });
    const [c, first] = await postHead(s.url, '/v1/topics/ec/txns', Buffer.byteLength(body), 'w');
    expect(first.status).toBe(100);
    c.write(body);
    const answer = await c.next();
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { txn: number }).txn).toBe(1);
  });

  it('a diff upload (the route streams its body): 100 Continue, then the snapshot, then the diff', async () => {
    expect(
      (
        await call(`${s.url}/v1/topics/ed/txns`, {
          method: 'POST',
          token: 'w',
          body: JSON.stringify({ events: [{ key: 'k', data: { id: 'k', n: 1 } }] }),
        })
      ).status,
    ).toBe(200);
    const snapshot = '{"id":"k","n":1}\n{"id":"only-upstream","n":2}\n';
    const [c, first] = await postHead(s.url, '/v1/topics/ed/diff?key=id', snapshot.length, 'r', 'application/x-ndjson');
    expect(first.status).toBe(100);
    c.write(snapshot);
    const answer = await c.next();
    expect(answer.status).toBe(200);
    const diff = JSON.parse(answer.body) as { summary: { equal: number; missingInStore: number } };
    expect(diff.summary).toMatchObject({ equal: 1, missingInStore: 1 });
  });

  it.each([
    { name: 'no token', path: '/v1/topics/t1/txns', token: undefined, length: 1000, status: 401, code: 'UNAUTHORIZED' },
    {
      name: 'a read token on a write',
      path: '/v1/topics/t1/txns',
      token: 'r',
      length: 1000,
      status: 403,
      code: 'FORBIDDEN',
    },
    {
      name: 'over --body-limit',
      path: '/v1/topics/t1/txns',
      token: 'w',
      length: 10_000_000,
      status: 413,
      code: 'TOO_LARGE',
    },
    {
      name: 'a diff over --diff-limit',
      path: '/v1/topics/ec/diff',
      token: 'r',
      length: 10_000_000,
      status: 413,
      code: 'TOO_LARGE',
    },
  ])('refused before the body is read ($name): the final answer, no 100 Continue, nothing written', async (t) => {
    const [c, first] = await postHead(s.url, t.path, t.length, t.token);
    await expectRefusedWithoutContinue(c, first, t.status, t.code);
    const topics = (await call(`${s.url}/v1/topics`, { token: 'r' })).body as { topics: { topic: string }[] };
    expect(topics.topics.map((x) => x.topic)).not.toContain('t1');
  });

  it('past the connection cap: 429, no 100 Continue', async () => {
    const capped = await startTestServer({ maxConnections: 2, maxStreams: 1 });
    try {
      const held = [client(capped.url), client(capped.url)];
      open.push(...held);
      for (const c of held) {
        c.write(`GET /v1/health HTTP/1.1\r\nHost: ${new URL(capped.url).host}\r\n\r\n`);
        expect((await c.next()).status).toBe(200);
      }
      const [c, first] = await postHead(capped.url, '/v1/topics/t/txns', 1000);
      await expectRefusedWithoutContinue(c, first, 429, 'TOO_MANY_REQUESTS');
    } finally {
      for (const c of open.splice(0)) c.end();
      await capped.close();
    }
  });
});
