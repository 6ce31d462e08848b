/**
 * "Who and why" over HTTP, against real servers on 127.0.0.1 port 0: `by` is the name of the
 * token that made a write or an invalidation (named, or `<role>-<n>` when unnamed), null on a
 * server without tokens; a body naming `by` (a transaction, any transaction of a batch, an
 * invalidation) is a 400 naming it with nothing written; `meta` round-trips and its limit is a 400
 * naming it; `POST …/txns?dryRun=true` answers what the write would return and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, errorOf, snapshot, startTestServer, type TestServer } from './helpers';

let s: TestServer;
let open: TestServer;

beforeAll(async () => {
  s = await startTestServer({
    tokens: [
      { token: 'w-secret', role: 'write', name: 'loader' },
      { token: 'a-secret', role: 'admin', name: 'ops-ann' },
      { token: 'w2-secret', role: 'write' },
    ],
  });
  open = await startTestServer();
});
afterAll(async () => {
  await s.close();
  await open.close();
});

const post = (body: unknown, token?: string) => ({
  method: 'POST',
  body: JSON.stringify(body),
  ...(token === undefined ? {} : { token }),
});

describe('by and meta over HTTP', () => {
  it('records the name of the token that wrote and that invalidated', async () => {
    const t = `${s.url}/v1/topics/who1`;
    const a = await call(`${t}/txns`, post({ events: [{ key: 'a', data: 1 }], meta: { ticket: 'T-9' } }, 'w-secret'));
    expect(a.status).toBe(200);
    const b = await call(
      `${s.url}/v1/batch`,
      post({ txns: [{ topic: 'who1', events: [{ key: 'b', data: 1 }] }] }, 'w2-secret'),
    );
    expect(b.status).toBe(200);
    const inv = await call(`${t}/txns/1/invalidate`, post({ reason: 'wrong file' }, 'a-secret'));
    expect(inv.status).toBe(200);
    const page = await call(`${t}/txns`, { token: 'w-secret' });
    const txns = (page.body as { txns: { txn: number; by: unknown; meta: unknown; reason: unknown }[] }).txns;
    expect(txns.map((x) => [x.txn, x.by, x.meta, x.reason])).toEqual([
      [1, 'loader', { ticket: 'T-9' }, 'wrong file'],
      [2, 'write-3', null, null],
      [3, 'ops-ann', null, null],
    ]);
  });

  it('by is null on a server without tokens', async () => {
    const t = `${open.url}/v1/topics/who2`;
    expect((await call(`${t}/txns`, post({ events: [{ key: 'a', data: 1 }] }))).status).toBe(200);
    expect((await call(`${t}/txns/1/invalidate`, post({ reason: 'r' }))).status).toBe(200);
    const one = await call(`${t}/txns/1`);
    expect(one.body).toMatchObject({ txn: 1, by: null, meta: null, reason: 'r' });
    expect((await call(`${t}/txns/2`)).body).toMatchObject({ txn: 2, by: null, marker: true });
  });

  it('refuses a body naming by, anywhere, with a 400 naming it, writing nothing', async () => {
    const before = await snapshot(s.store);
    const cases: [string, unknown, string][] = [
      ['/v1/topics/who3/txns', { events: [{ key: 'a', data: 1 }], by: 'mallory' }, 'by'],
      ['/v1/topics/who3/txns', { events: [{ key: 'a', data: 1 }], by: null }, 'by'],
      [
        '/v1/batch',
        {
          txns: [
            { topic: 'who3', events: [{ key: 'a', data: 1 }] },
            { topic: 'who3', events: [{ key: 'b', data: 1 }], by: 'mallory' },
          ],
        },
        'txns[1].by',
      ],
      ['/v1/topics/who1/txns/2/invalidate', { reason: 'r', by: 'mallory' }, 'by'],
    ];
    for (const [path, body, field] of cases) {
      const a = await call(s.url + path, post(body, 'a-secret'));
      expect(a.status, path).toBe(400);
      expect(errorOf(a)).toEqual({
        code: 'BAD_REQUEST',
        message: `${field}: is set by the server (the name of the token that made the request) and cannot be sent`,
      });
    }
    expect(await snapshot(s.store)).toEqual(before);
  });

  it('refuses meta over 4 KiB or not an object with a 400 naming it', async () => {
    const before = await snapshot(s.store);
    const big = await call(
      `${s.url}/v1/topics/who4/txns`,
      post({ events: [{ key: 'a', data: 1 }], meta: { n: 'x'.repeat(4089) } }, 'w-secret'),
    );
    expect(big.status).toBe(400);
    expect(errorOf(big).message).toBe('meta: is 4097 bytes as canonical JSON; at most 4096 are allowed');
    const list = await call(
      `${s.url}/v1/topics/who4/txns`,
      post({ events: [{ key: 'a', data: 1 }], meta: [1] }, 'w-secret'),
    );
    expect(errorOf(list).message).toMatch(/^meta: must be a JSON object/);
    const batch = await call(
      `${s.url}/v1/batch`,
      post({ txns: [{ topic: 'who4', events: [{ key: 'a', data: 1 }], meta: 'x' }] }, 'w-secret'),
    );
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ results: [], error: { index: 0, status: 400, code: 'BAD_REQUEST' } });
    expect((batch.body as { error: { message: string } }).error.message).toMatch(
      /^txns\[0\]\.meta: must be a JSON object/,
    );
    expect(await snapshot(s.store)).toEqual(before);
  });
});

describe('POST …/txns?dryRun=true', () => {
  it('answers what the write would return, duplicates flagged, and writes nothing', async () => {
    const t = `${s.url}/v1/topics/dry1/txns`;
    await call(t, post({ events: [{ key: 'a', data: 1 }] }, 'w-secret'));
    const before = await snapshot(s.store);
    const body = {
      events: [
        { key: 'a', data: 1 },
        { key: 'b', data: 2 },
      ],
      meta: { note: 'check' },
    };
    const dry = await call(`${t}?dryRun=true`, post(body, 'w-secret'));
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      txn: 2,
      results: [
        { seq: 1, txn: 1, duplicate: true },
        { seq: 2, txn: 2, duplicate: false },
      ],
    });
    expect(await snapshot(s.store)).toEqual(before);
    const conflict = await call(`${t}?dryRun=true`, post({ ...body, expectMaxSeq: 0 }, 'w-secret'));
    expect(conflict.status).toBe(409);
    const real = await call(`${t}?dryRun=false`, post(body, 'w-secret'));
    expect(real.body).toEqual(dry.body);
    expect((await call(`${s.url}/v1/topics/dry1/txns/2`, { token: 'w-secret' })).body).toMatchObject({
      by: 'loader',
      meta: { note: 'check' },
    });
  });

  it('needs the write role and a dryRun of true or false', async () => {
    const t = `${s.url}/v1/topics/dry2/txns`;
    const bad = await call(`${t}?dryRun=yes`, post({ events: [{ key: 'a', data: 1 }] }, 'w-secret'));
    expect(bad.status).toBe(400);
    expect(errorOf(bad).message).toMatch(/^dryRun: must be "true" or "false"/);
    const anon = await call(`${t}?dryRun=true`, post({ events: [{ key: 'a', data: 1 }] }));
    expect(anon.status).toBe(401);
    await expect(s.store.listTopics()).resolves.not.toContainEqual(expect.objectContaining({ topic: 'dry2' }));
  });

  it('the HTTP client sends a dry run as one request and writes nothing', async () => {
    const { openHttpStore } = await import('../../src-core/store/http/index');
    const client = openHttpStore({ url: s.url, token: 'w-secret' });
    try {
      const r = await client.append('dry3', { events: [{ key: 'k', data: 1 }] }, { dryRun: true });
      expect(r).toEqual({ txn: 1, results: [{ seq: 1, txn: 1, duplicate: false }] });
      await expect(client.listTopics()).resolves.not.toContainEqual(expect.objectContaining({ topic: 'dry3' }));
    } finally {
      await client.close();
    }
  });
});
