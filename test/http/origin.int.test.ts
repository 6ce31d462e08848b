/**
 * Browser-origin attacks on a server without tokens (src-core/server/origin.ts), sent over a raw
 * socket exactly as a browser sends them to a real server on a real SQLite file: a cross-site HTML
 * form POST and a no-cors `fetch` of `POST /v1/sample` (which load sample data into an open server)
 * are 403 and the store stays empty; so are `Origin: null`, another port of the same host, another
 * scheme, `Sec-Fetch-Site: cross-site|same-site`, and a DNS-rebinding `Host`. The same requests
 * from the server's own origin, or from a client that sends no Origin, still work (so the refusals
 * are the check, not the request shape). With tokens the browser checks do not apply, and no
 * response ever carries CORS headers (checked on preflights and plain requests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, errorOf, snapshot, startTestServer } from './helpers';
import { type RawAnswer, httpText, rawRequest } from './raw-socket';

function noCorsHeaders(a: RawAnswer): void {
  expect(Object.keys(a.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
}

describe('a server without tokens', () => {
  let s: TestServer;
  let port: number;
  let self: string;
  beforeAll(async () => {
    s = await startTestServer();
    port = Number(new URL(s.url).port);
    self = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await s.close();
  });

  /** Sends a request; asserts 403 FORBIDDEN with the envelope naming `what`, and an unchanged store. */
  async function refused(lines: string[], what: RegExp, body = ''): Promise<void> {
    const before = await snapshot(s.store);
    const a = await rawRequest(s.url, httpText(lines, body));
    expect(a.status, a.text).toBe(403);
    expect(errorOf(a)).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(what) as unknown });
    noCorsHeaders(a);
    expect(await snapshot(s.store)).toEqual(before);
  }

  it('refuses a cross-site HTML form POST to /v1/sample, as a browser sends it', async () => {
    await refused(
      [
        'POST /v1/sample HTTP/1.1',
        `Host: ${self}`,
        'Origin: http://evil.example',
        'Content-Type: application/x-www-form-urlencoded',
        'Content-Length: 0',
        'Sec-Fetch-Site: cross-site',
        'Sec-Fetch-Mode: navigate',
        'Sec-Fetch-Dest: document',
      ],
      /^origin: "http:\/\/evil\.example" is not this server's origin/,
    );
    expect(await s.store.listTopics()).toEqual([]);
  });

  it('refuses a no-cors fetch POST /v1/sample with no body (Origin present, no content-type)', async () => {
    await refused(
      [
        'POST /v1/sample HTTP/1.1',
        `Host: ${self}`,
        'Origin: http://evil.example',
        'Content-Length: 0',
        'Sec-Fetch-Site: cross-site',
        'Sec-Fetch-Mode: no-cors',
        'Sec-Fetch-Dest: empty',
      ],
      /^origin: /,
    );
    expect(await s.store.listTopics()).toEqual([]);
  });

  it('refuses Origin: null, another port, another scheme, and a look-alike', async () => {
    const post = (origin: string): string[] => [
      'POST /v1/sample HTTP/1.1',
      `Host: ${self}`,
      `Origin: ${origin}`,
      'Content-Length: 0',
    ];
    await refused(post('null'), /^origin: "null"/);
    await refused(post(`http://127.0.0.1:${port === 65535 ? 1 : port + 1}`), /^origin: /);
    await refused(post(`https://127.0.0.1:${port}`), /^origin: /);
    await refused(post(`http://127.0.0.1:${port}.evil.example`), /^origin: /);
    await refused(post(`http://localhost:${port}`), /^origin: /); // Host says 127.0.0.1: another origin
    await refused(post(`http://evil@127.0.0.1:${port}`), /^origin: /);
    expect(await s.store.listTopics()).toEqual([]);
  });

  it('refuses a write that Sec-Fetch-Site marks as from another site or origin, even without Origin', async () => {
    for (const site of ['cross-site', 'same-site']) {
      await refused(
        ['POST /v1/sample HTTP/1.1', `Host: ${self}`, `Sec-Fetch-Site: ${site}`, 'Content-Length: 0'],
        /^sec-fetch-site: /,
      );
    }
  });

  it('refuses every state-changing method and POST .../diff from another origin', async () => {
    const events = JSON.stringify({ events: [{ key: 'k', data: 1 }] });
    await refused(
      [
        'POST /v1/topics/t/txns HTTP/1.1',
        `Host: ${self}`,
        'Origin: http://evil.example',
        'Content-Type: application/json',
        `Content-Length: ${events.length}`,
      ],
      /^origin: /,
      events,
    );
    await refused(
      [
        'POST /v1/topics/t/diff HTTP/1.1',
        `Host: ${self}`,
        'Origin: http://evil.example',
        'Content-Type: text/plain',
        'Content-Length: 4',
      ],
      /^origin: .*POST requests only/,
      'key\n',
    );
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      await refused([`${method} /v1/topics/t HTTP/1.1`, `Host: ${self}`, 'Origin: null'], /^origin: /);
    }
  });

  it('refuses a DNS-rebinding Host on every request, reads and the UI included', async () => {
    await refused(
      ['GET /v1/topics HTTP/1.1', `Host: evil.example:${port}`],
      /^host: "evil\.example:\d+" is not a loopback/,
    );
    await refused(['GET / HTTP/1.1', 'Host: evil.example'], /^host: /);
    await refused(['GET /v1/health HTTP/1.1', `Host: 127.0.0.1.evil.example:${port}`], /^host: /);
    await refused(['GET /v1/health HTTP/1.1', `Host: [::ffff:7f00:1]:${port}`], /^host: /);
    await refused(['GET /v1/health HTTP/1.1', `Host: localhost.:${port}`], /^host: /);
    await refused(['GET /v1/health HTTP/1.1', `Host: 127.0.0.1@evil.example`], /^host: /);
    await refused(
      [
        'POST /v1/sample HTTP/1.1',
        `Host: evil.example:${port}`,
        `Origin: http://evil.example:${port}`,
        'Content-Length: 0',
      ],
      /^host: /,
    );
    expect(await s.store.listTopics()).toEqual([]);
  });

  it('answers loopback names and addresses with or without a port, in any case', async () => {
    for (const host of [self, '127.0.0.1', `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`, '127.9.8.7:1']) {
      const a = await rawRequest(s.url, httpText(['GET /v1/health HTTP/1.1', `Host: ${host}`]));
      expect(a.status, host).toBe(200);
      expect(a.body).toEqual({ status: 'ok' });
    }
  });

  it('needs one Host on HTTP/1.1 (400 with the envelope); HTTP/1.0 without Host is served', async () => {
    const missing = await rawRequest(s.url, httpText(['GET /v1/health HTTP/1.1']));
    expect(missing.status).toBe(400);
    expect(errorOf(missing)).toEqual({
      code: 'BAD_REQUEST',
      message: 'host: the Host header is required (HTTP/1.1)',
    });
    const twice = await rawRequest(s.url, httpText(['GET /v1/health HTTP/1.1', `Host: ${self}`, 'Host: evil.example']));
    expect(twice.status).toBe(400);
    expect(errorOf(twice).message).toMatch(/more than once/);
    const old = await rawRequest(s.url, 'GET /v1/health HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(200);
    // ...but with no Host there is no own origin to match: a write carrying an Origin is refused.
    await refused(['POST /v1/sample HTTP/1.0', 'Origin: http://evil.example', 'Content-Length: 0'], /^origin: /);
  });

  it('lets reads from another origin through, without CORS headers (the browser keeps the answer from the page)', async () => {
    const a = await rawRequest(
      s.url,
      httpText([
        'GET /v1/topics HTTP/1.1',
        `Host: ${self}`,
        'Origin: http://evil.example',
        'Sec-Fetch-Site: cross-site',
      ]),
    );
    expect(a.status).toBe(200);
    noCorsHeaders(a);
  });

  it("accepts the same writes from the server's own origin and from clients that send no Origin", async () => {
    const own = await rawRequest(
      s.url,
      httpText([
        'POST /v1/sample HTTP/1.1',
        `Host: ${self}`,
        `Origin: http://${self}`,
        'Sec-Fetch-Site: same-origin',
        'Content-Length: 0',
      ]),
    );
    expect(own.status, own.text).toBe(200);
    const topics = (await s.store.listTopics()).length;
    expect(topics).toBeGreaterThan(0);
    // Host and Origin spelled alike (case, default port) match; a CLI client sends neither Origin nor Sec-Fetch-*.
    for (const lines of [
      ['POST /v1/sample HTTP/1.1', `Host: LOCALHOST:${port}`, `Origin: http://localhost:${port}`],
      ['POST /v1/sample HTTP/1.1', 'Host: 127.0.0.1:80', 'Origin: http://127.0.0.1'],
      ['POST /v1/sample HTTP/1.1', `Host: ${self}`],
    ]) {
      const a = await rawRequest(s.url, httpText([...lines, 'Content-Length: 0']));
      expect(a.status, `${lines.join(' | ')}: ${a.text}`).toBe(200);
    }
  });
});

describe('a server with tokens', () => {
  let s: TestServer;
  let port: number;
  beforeAll(async () => {
    s = await startTestServer({ tokens: new Map([['adm1n', 'admin']]) });
    port = Number(new URL(s.url).port);
  });
  afterAll(async () => {
    await s.close();
  });

  it('does not apply the browser checks: any Host, any Origin, with a valid token', async () => {
    const a = await rawRequest(
      s.url,
      httpText([
        'POST /v1/sample HTTP/1.1',
        'Host: tidemark.example.org',
        'Origin: http://elsewhere.example',
        'Authorization: Bearer adm1n',
        'Content-Length: 0',
      ]),
    );
    expect(a.status, a.text).toBe(200);
    noCorsHeaders(a);
  });

  it('grants no CORS preflight, so a browser page of another origin can never send the token', async () => {
    for (const path of ['/v1/sample', '/v1/topics/t/txns', '/v1/topics', '/metrics', '/']) {
      const a = await rawRequest(
        s.url,
        httpText([
          `OPTIONS ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          'Origin: http://evil.example',
          'Access-Control-Request-Method: POST',
          'Access-Control-Request-Headers: authorization, content-type',
        ]),
      );
      expect(a.status, path).toBeGreaterThanOrEqual(400);
      noCorsHeaders(a);
    }
    const read = await rawRequest(
      s.url,
      httpText([
        'GET /v1/topics HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Origin: http://evil.example',
        'Authorization: Bearer adm1n',
      ]),
    );
    expect(read.status).toBe(200);
    noCorsHeaders(read);
  });
});
