/**
 * Every error case of API.md against a real server over a real SQLite file: each answer has the
 * right status and the `{"error":{"code","message"}}` envelope with a message naming what was
 * wrong, and NOTHING changed (every topic's counters are the same before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface Case {
  name: string;
  method?: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  message: RegExp;
}

const longTopic = 'x'.repeat(201);
const manyEvents = JSON.stringify({ events: Array.from({ length: 10_001 }, (_, i) => ({ key: `k${i}`, data: i })) });

const cases: Case[] = [
  // malformed or mistyped bodies
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[',
    status: 400,
    code: 'BAD_REQUEST',
    message: /body: malformed JSON/,
  },
  {
    name: 'body not an object',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '[1,2]',
    status: 400,
    code: 'BAD_REQUEST',
    message: /body: must be a JSON object/,
  },
  {
    name: 'no body',
    method: 'POST',
    path: '/v1/topics/t/txns',
    status: 400,
    code: 'BAD_REQUEST',
    message: /body: must be a JSON object/,
  },
  {
    name: 'events not an array',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":{}}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /events: must be an array/,
  },
  {
    name: 'empty transaction',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /events: a transaction holds 1 to 10000/,
  },
  {
    name: 'too many events',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: manyEvents,
    status: 400,
    code: 'BAD_REQUEST',
    message: /got 10001/,
  },
  {
    name: 'key a number',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[{"key":"ok","data":1},{"key":7,"data":1}]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /events\[1\]\.key/,
  },
  {
    name: 'key too long',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: JSON.stringify({ events: [{ key: 'k'.repeat(1025), data: 1 }] }),
    status: 400,
    code: 'BAD_REQUEST',
    message: /events\[0\]\.key: .*1024/,
  },
  {
    name: 'reserved key',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[{"key":"$invalidate","data":null}]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /reserved/,
  },
  {
    name: 'data missing',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[{"key":"a"}]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /events\[0\]\.data: is required/,
  },
  {
    name: 'bad hash',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[{"key":"a","data":1,"hash":"ABC"}]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /events\[0\]\.hash/,
  },
  {
    name: 'expectMaxSeq a string',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[{"key":"a","data":9}],"expectMaxSeq":"4"}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /expectMaxSeq/,
  },
  {
    name: 'wrong content type',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[{"key":"a","data":9}]}',
    headers: { 'content-type': 'text/plain' },
    status: 400,
    code: 'BAD_REQUEST',
    message: /content-type/,
  },
  {
    name: 'unknown query parameter on a write',
    method: 'POST',
    path: '/v1/topics/t/txns?dryRun=1',
    body: '{"events":[{"key":"a","data":9}]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /dryRun: unknown query parameter/,
  },
  // topic names
  {
    name: 'topic with a space',
    method: 'POST',
    path: '/v1/topics/bad%20name/txns',
    body: '{"events":[{"key":"a","data":1}]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /topic: "bad name" is not a valid topic name/,
  },
  {
    name: 'topic starting with a dot',
    method: 'POST',
    path: '/v1/topics/.hidden/txns',
    body: '{"events":[{"key":"a","data":1}]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /topic:/,
  },
  {
    name: 'topic of 201 characters',
    method: 'POST',
    path: `/v1/topics/${longTopic}/txns`,
    body: '{"events":[{"key":"a","data":1}]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /topic:/,
  },
  {
    name: 'bad topic on a read',
    path: '/v1/topics/%C3%A9t%C3%A9/events',
    status: 400,
    code: 'BAD_REQUEST',
    message: /topic:/,
  },
  // query parameters
  {
    name: 'limit 0',
    path: '/v1/topics/t/events?limit=0',
    status: 400,
    code: 'BAD_REQUEST',
    message: /limit: must be an integer from 1 to 10000/,
  },
  {
    name: 'limit too big',
    path: '/v1/topics/t/events?limit=10001',
    status: 400,
    code: 'BAD_REQUEST',
    message: /limit:/,
  },
  {
    name: 'after not a number',
    path: '/v1/topics/t/events?after=abc',
    status: 400,
    code: 'BAD_REQUEST',
    message: /after: must be a non-negative integer, got "abc"/,
  },
  { name: 'after negative', path: '/v1/topics/t/events?after=-1', status: 400, code: 'BAD_REQUEST', message: /after:/ },
  {
    name: 'order unknown',
    path: '/v1/topics/t/events?order=up',
    status: 400,
    code: 'BAD_REQUEST',
    message: /order: must be "asc" or "desc"/,
  },
  {
    name: 'before without desc',
    path: '/v1/topics/t/events?before=3',
    status: 400,
    code: 'BAD_REQUEST',
    message: /before:/,
  },
  {
    name: 'repeated parameter',
    path: '/v1/topics/t/events?limit=1&limit=2',
    status: 400,
    code: 'BAD_REQUEST',
    message: /limit: given more than once/,
  },
  {
    name: 'typo in a parameter',
    path: '/v1/topics/t/events?limt=5',
    status: 400,
    code: 'BAD_REQUEST',
    message: /limt: unknown query parameter/,
  },
  {
    name: 'view unknown',
    path: '/v1/topics/t/surface?view=all',
    status: 400,
    code: 'BAD_REQUEST',
    message: /view: must be "valid" or "raw"/,
  },
  {
    name: 'asOfTxn not a number',
    path: '/v1/topics/t/surface?asOfTxn=x',
    status: 400,
    code: 'BAD_REQUEST',
    message: /asOfTxn:/,
  },
  {
    name: 'txn path not a number',
    path: '/v1/topics/t/txns/abc',
    status: 400,
    code: 'BAD_REQUEST',
    message: /txn: must be a positive integer/,
  },
  {
    name: 'export format unknown',
    path: '/v1/topics/t/surface/export?format=xml',
    status: 400,
    code: 'BAD_REQUEST',
    message: /format: must be one of/,
  },
  // not found
  { name: 'unknown topic', path: '/v1/topics/nosuch', status: 404, code: 'NOT_FOUND', message: /nosuch/ },
  { name: 'unknown txn', path: '/v1/topics/t/txns/99', status: 404, code: 'NOT_FOUND', message: /99/ },
  { name: 'unknown route', path: '/v1/nothing/here', status: 404, code: 'NOT_FOUND', message: /no such route/ },
  {
    name: 'unknown method',
    method: 'DELETE',
    path: '/v1/topics/t',
    status: 404,
    code: 'NOT_FOUND',
    message: /no such route/,
  },
  // invalidation
  {
    name: 'invalidate unknown txn',
    method: 'POST',
    path: '/v1/topics/t/txns/99/invalidate',
    body: '{"reason":"x"}',
    status: 404,
    code: 'NOT_FOUND',
    message: /99/,
  },
  {
    name: 'invalidate a marker',
    method: 'POST',
    path: '/v1/topics/t/txns/3/invalidate',
    body: '{"reason":"x"}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /invalidat/,
  },
  {
    name: 'invalidate without reason',
    method: 'POST',
    path: '/v1/topics/t/txns/1/invalidate',
    body: '{}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /reason:/,
  },
  {
    name: 'reason too long',
    method: 'POST',
    path: '/v1/topics/t/txns/1/invalidate',
    body: JSON.stringify({ reason: 'r'.repeat(1001) }),
    status: 400,
    code: 'BAD_REQUEST',
    message: /reason: must be a string of 1 to 1000/,
  },
  // conflict
  {
    name: 'expectMaxSeq mismatch',
    method: 'POST',
    path: '/v1/topics/t/txns',
    body: '{"events":[{"key":"z","data":1}],"expectMaxSeq":1}',
    status: 409,
    code: 'CONFLICT',
    message: /./,
  },
  {
    name: 'expectMaxSeq on an empty topic',
    method: 'POST',
    path: '/v1/topics/fresh/txns',
    body: '{"events":[{"key":"z","data":1}],"expectMaxSeq":5}',
    status: 409,
    code: 'CONFLICT',
    message: /./,
  },
  // batch envelope errors (nothing applied)
  {
    name: 'batch without txns',
    method: 'POST',
    path: '/v1/batch',
    body: '{"txn":[]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /txns: must be an array/,
  },
  {
    name: 'batch malformed',
    method: 'POST',
    path: '/v1/batch',
    body: '{"txns":[{]}',
    status: 400,
    code: 'BAD_REQUEST',
    message: /malformed JSON/,
  },
];

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
      expect(a.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
      expect(a.text).not.toMatch(/secret|at |\.ts/);
    } finally {
      await broken.close();
    }
  });
});
