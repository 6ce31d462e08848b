/**
 * The remote client beyond the contract suite: errors keep the server's code (404, 401, 403),
 * an unreachable server is UNAVAILABLE, whoami and (through the HTTP services) the sample and preview reach their
 * routes, and subscribe() starts at the topic's end (only later commits are delivered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role, StoredEvent } from '../../src-core/model/types';
import { servicesFor } from '../../src-core/services/index';
import { openHttpStore } from '../../src-core/store/http/index';
import { startTestServer, type TestServer } from './helpers';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({
    tokens: new Map<string, Role>([
      ['r', 'read'],
      ['w', 'write'],
    ]),
  });
  await s.store.append('t', { events: [{ key: 'a', data: 1 }] });
});
afterAll(async () => {
  await s.close();
});

describe('HTTP client', () => {
  it('rebuilds errors by code', async () => {
    const reader = openHttpStore({ url: s.url, token: 'r' });
    await expect(reader.topicInfo('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(reader.append('t', { events: [{ key: 'b', data: 2 }] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(openHttpStore({ url: s.url }).listTopics()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(openHttpStore({ url: s.url, token: 'nope' }).listTopics()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect((await s.store.topicInfo('t')).maxSeq).toBe(1);
    await reader.close();
  });

  it('eventPages reads every page in order, one page ahead, and stops when asked', async () => {
    const events = Array.from({ length: 25 }, (_, i) => ({ key: `p${i % 4}`, data: { i, s: 'é😀' } }));
    await s.store.append('pages', { events });
    const reader = openHttpStore({ url: s.url, token: 'r' });
    const pages: number[][] = [];
    for await (const p of reader.eventPages('pages', { limit: 10 })) pages.push(p.events.map((e) => e.seq));
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // The same pages as readEvents, newest first and with a key filter too.
    const byKey: number[] = [];
    for await (const p of reader.eventPages('pages', { order: 'desc', key: 'p1', limit: 2 })) {
      expect(p).toEqual(
        await s.store.readEvents('pages', { order: 'desc', key: 'p1', limit: 2, before: byKey.at(-1) }),
      );
      byKey.push(...p.events.map((e) => e.seq));
    }
    expect(byKey).toEqual([22, 18, 14, 10, 6, 2]);
    let seen = 0;
    for await (const p of reader.eventPages('pages', { limit: 3 })) {
      seen += p.events.length;
      if (seen >= 6) break;
    }
    expect(seen).toBe(6);
    await expect(reader.eventPages('pages', { limit: 0 }).next()).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(reader.eventPages('missing').next()).resolves.toEqual({
      done: false,
      value: { events: [], next: null },
    });
    await reader.close();
  });

  it('an unreachable server is UNAVAILABLE', async () => {
    const gone = openHttpStore({ url: 'http://127.0.0.1:9' });
    await expect(gone.listTopics()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/could not reach/) as unknown,
    });
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => openHttpStore({ url: 'ftp://x' })).toThrow(/url: must start with http/);
  });

  it('reaches the extra routes', async () => {
    const writer = openHttpStore({ url: s.url, token: 'w' });
    expect(await writer.whoami()).toEqual({ role: 'write', name: 'write-2' });
    expect(await servicesFor(writer).loadSample()).toEqual({ topic: 'demo.trades' });
    const preview = await servicesFor(writer).previewInvalidation('demo.trades', 1, 5);
    expect(preview).toMatchObject({ topic: 'demo.trades', txn: 1 });
    expect(preview.rows.length).toBeLessThanOrEqual(5);
    await writer.close();
  });

  it('subscribe delivers only commits made after it, in order', async () => {
    const client = openHttpStore({ url: s.url, token: 'w' });
    const got: StoredEvent[] = [];
    const un = client.subscribe('t', (events) => got.push(...events));
    // Wait until the stream is open (its start position is then fixed), then write.
    const open = async (): Promise<boolean> => {
      const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer r' } })).text();
      return /^tidemark_sse_clients 1$/m.test(text);
    };
    while (!(await open())) await new Promise((r) => setTimeout(r, 20));
    await s.store.append('t', { events: [{ key: 'b', data: 2 }] });
    await s.store.append('t', { events: [{ key: 'c', data: 3 }] });
    const end = Date.now() + 20_000;
    while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(got.map((e) => e.seq)).toEqual([2, 3]);
    un();
    await client.close();
  });
});
