/**
 * Every error case of API.md against a real server over a real SQLite file: each answer has the
 * right status and the `{"error":{"code","message"}}` envelope with a message naming what was
 * wrong, and NOTHING changed (every topic's counters are the same before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from './error-cases';
import { call, errorOf, snapshot, startTestServer, type TestServer } from './helpers';

let s: TestServer;
let small: TestServer;

beforeAll(async () => {
  s = await startTestServer();
  small = await startTestServer({ bodyLimit: 2048 });
  await s.store.append('t', {
    events: [
      { key: 'a', data: { v: 1 } },
      { key: 'b', data: { v: 2 } },
    ],
  });
  await s.store.append('t', { events: [{ key: 'a', data: { v: 3 } }] });
  await s.store.invalidate('t', 2, 'bad feed');
});
afterAll(async () => {
  await s.close();
  await small.close();
});

describe('error envelope and nothing changed', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.code}`, async () => {
      const before = await snapshot(s.store);
      const a = await call(s.url + c.path, {
        method: c.method ?? 'GET',
        ...(c.body !== undefined ? { body: c.body } : {}),
        ...(c.headers ? { headers: c.headers } : {}),
      });
      expect(a.status).toBe(c.status);
      expect(a.headers.get('content-type')).toMatch(/^application\/json/);
      const e = errorOf(a);
      expect(e.code).toBe(c.code);
      expect(e.message).toMatch(c.message);
      expect(Object.keys(a.body as object)).toEqual(['error']);
      expect(await snapshot(s.store)).toEqual(before);
    });
  }

  it('413 TOO_LARGE over the body limit, nothing written', async () => {
    const before = await snapshot(small.store);
    const body = JSON.stringify({ events: [{ key: 'big', data: 'x'.repeat(4000) }] });
    const a = await call(small.url + '/v1/topics/t/txns', { method: 'POST', body });
    expect(a.status).toBe(413);
    expect(errorOf(a)).toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/2048 bytes/) as unknown });
    expect(await snapshot(small.store)).toEqual(before);
  });

  it('a batch stops at the first failing transaction and reports it; earlier ones stay applied', async () => {
    const before = (await s.store.topicInfo('t')).maxSeq;
    const a = await call(s.url + '/v1/batch', {
      method: 'POST',
      body: JSON.stringify({
        txns: [
          { topic: 't', events: [{ key: 'batch-1', data: 1 }] },
          { topic: 't', events: [{ key: 'batch-2', data: 2 }], expectMaxSeq: 1 },
          { topic: 't', events: [{ key: 'batch-3', data: 3 }] },
        ],
      }),
    });
    expect(a.status).toBe(200);
    const body = a.body as { results: unknown[]; error: { index: number; status: number; code: string } };
    expect(body.results).toHaveLength(1);
    expect(body.error).toMatchObject({ index: 1, status: 409, code: 'CONFLICT' });
    const info = await s.store.topicInfo('t');
    expect(info.maxSeq).toBe(before + 1);
    const page = await s.store.readEvents('t', { key: 'batch-3' });
    expect(page.events).toHaveLength(0);
  });

  it('a batch with an invalid transaction applies the ones before it only', async () => {
    const before = (await s.store.topicInfo('t')).maxSeq;
    const a = await call(s.url + '/v1/batch', {
      method: 'POST',
      body: JSON.stringify({
        txns: [
          { topic: 't', events: [{ key: 'v-1', data: 1 }] },
          { topic: 'bad topic', events: [{ key: 'v-2', data: 2 }] },
          { topic: 't', events: [{ key: 'v-3', data: 3 }] },
        ],
      }),
    });
    const body = a.body as {
      results: unknown[];
      error: { index: number; status: number; code: string; message: string };
    };
    expect(body.results).toHaveLength(1);
    expect(body.error).toMatchObject({ index: 1, status: 400, code: 'BAD_REQUEST' });
    expect(body.error.message).toMatch(/txns\[1\]\.topic/);
    expect((await s.store.topicInfo('t')).maxSeq).toBe(before + 1);
  });

  it('500 INTERNAL carries no stack trace', async () => {
    const { startServer } = await import('../../src-core/server/index');
    const broken = await startServer({
      port: 0,
      // The real store, except that listing topics fails with a plain (non-Tidemark) error.
      store: new Proxy(s.store, {
        get: (target, prop, receiver): unknown =>
          prop === 'listTopics'
            ? () => Promise.reject(new Error('disk on fire at /secret/path.ts:12'))
            : (Reflect.get(target, prop, receiver) as unknown),
      }),
    });
    try {
      const a = await call(broken.url + '/v1/topics');
      expect(a.status).toBe(500);
      expect(errorOf(a)).toEqual({
        code: 'INTERNAL',
        message: expect.stringMatching(/^internal error \(request id req-[0-9a-z]+\)$/) as unknown,
      });
      expect(a.text).not.toMatch(/secret|at |\.ts/);
    } finally {
      await broken.close();
    }
  });
});
