/**
 * The body timeout (src-core/server/body-timeout.ts) ends a JSON body that takes too long, but
 * leaves alone a route that times its own streamed body: a diff snapshot uploaded in pieces over
 * longer than `bodyTimeoutMs` (each piece well within the diff's idle timeout) is answered.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from './helpers';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ bodyTimeoutMs: 300 });
  await s.store.append('t', { events: [{ key: 'a', data: { v: 1 } }] });
});
afterAll(async () => {
  await s.close();
});

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('body timeout', () => {
  it('does not cut a diff snapshot streamed for longer than it (the diff route times its own body)', async () => {
    const u = new URL(s.url);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: '/v1/topics/t/diff',
          headers: { 'content-type': 'text/csv' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      void (async () => {
        for (const piece of ['key,v\n', 'a,1\n', 'b,2\n']) {
          req.write(piece);
          await pause(250); // 750 ms in all: longer than the 300 ms body timeout
        }
        req.end();
      })();
    });
    const a = await answer;
    expect(a.status).toBe(200);
    expect((JSON.parse(a.body) as { summary: { equal: number; missingInStore: number } }).summary).toMatchObject({
      equal: 1,
      missingInStore: 1,
    });
  });
});
