/**
 * The ordered writer against a real server: pipelined appends keep call order with dense seq/txn
 * and are coalesced into few /v1/batch requests; a failing transaction rejects itself and every
 * transaction queued after it (none of which is stored) and the writer then carries on; a
 * connection refused is retried until the server is up; a response lost after the commit (a proxy
 * cuts the connection when the answer starts) is retried and resolves with the original seq/txn
 * from the duplicate results, and nothing is stored twice; `tidemark write` counts such a recovered
 * commit's events as written.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-core/server/index';
import { writeEvents } from '../../src-core/cli/write-events';
import { OrderedWriter, openHttpStore } from '../../src-core/store/http/index';
import { startTestServer, type TestServer } from './helpers';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

async function batchRequests(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m =
    /^tidemark_http_request_duration_seconds_count\{route="\/v1\/batch",method="POST",status="200"\} (\d+)/m.exec(text);
  return Number(m?.[1] ?? 0);
}

describe('ordered writer', () => {
  it('keeps call order, numbers densely and coalesces into few requests', async () => {
    const w = new OrderedWriter({ url: s.url });
    const before = await batchRequests(s.url);
    const n = 5000;
    const ps = Array.from({ length: n }, (_, i) => w.append('ord', { events: [{ key: `k${i}`, data: i }] }));
    const rs = await Promise.all(ps);
    expect(rs.map((r) => r.txn)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(rs.map((r) => r.results[0]!.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const requests = (await batchRequests(s.url)) - before;
    expect(requests).toBeGreaterThan(0);
    expect(requests).toBeLessThan(n / 10);
    const page = await s.store.readEvents('ord', { after: 4990 });
    expect(page.events.map((e) => e.data)).toEqual([4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999]);
  });

  it('a failed transaction rejects it and everything queued after it; nothing after it is stored; then it carries on', async () => {
    const w = new OrderedWriter({ url: s.url });
    const a = w.append('fail', { events: [{ key: 'a', data: 1 }] });
    const b = w.append('fail', { events: [{ key: 'b', data: 2 }], expectMaxSeq: 99 });
    const c = w.append('fail', { events: [{ key: 'c', data: 3 }] });
    const d = w.append('other', { events: [{ key: 'd', data: 4 }] });
    const settled = await Promise.allSettled([a, b, c, d]);
    expect(settled.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    const reasons = settled
      .slice(1)
      .map((x) => (x as PromiseRejectedResult).reason as { code: string; message: string });
    expect(reasons.map((r) => r.code)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(reasons[1]!.message).toMatch(/not applied: an earlier transaction failed/);
    expect((await s.store.topicInfo('fail')).maxSeq).toBe(1);
    await expect(s.store.topicInfo('other')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const e = await w.append('fail', { events: [{ key: 'e', data: 5 }] });
    expect(e.results[0]).toMatchObject({ seq: 2, txn: 2, duplicate: false });
  });

  it('a transaction invalid on the client side fails in queue order too', async () => {
    const w = new OrderedWriter({ url: s.url });
    const a = w.append('local', { events: [{ key: 'a', data: 1 }] });
    const b = w.append('bad topic', { events: [{ key: 'b', data: 2 }] });
    const c = w.append('local', { events: [{ key: 'c', data: 3 }] });
    const settled = await Promise.allSettled([a, b, c]);
    expect(settled.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/topic/) as unknown,
    });
    expect((await s.store.topicInfo('local')).maxSeq).toBe(1);
  });

  it('non-JSON data (NaN) is rejected, not silently rewritten', async () => {
    const w = new OrderedWriter({ url: s.url });
    await expect(w.append('nan', { events: [{ key: 'a', data: { x: NaN } }] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/events\[0\]\.data\.x/) as unknown,
    });
  });

  it('the store appendBatch reports the first failure in `error` like the server does', async () => {
    const store = openHttpStore({ url: s.url });
    const res = await store.appendBatch([
      { topic: 'ab', events: [{ key: 'a', data: 1 }] },
      { topic: 'ab', events: [{ key: 'b', data: 1 }], expectMaxSeq: 0 },
      { topic: 'ab', events: [{ key: 'c', data: 1 }] },
    ]);
    expect(res.results).toHaveLength(1);
    expect(res.error).toMatchObject({ index: 1, status: 409, code: 'CONFLICT' });
    await store.close();
  });

  it('retries while the server is down and resolves once it is up', async () => {
    const probe = await startServer({ store: s.store, port: 0 });
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const w = new OrderedWriter({ url: probe.url, retryForMs: 20_000 });
    const p = w.append('down', { events: [{ key: 'a', data: 1 }] });
    await new Promise((r) => setTimeout(r, 300));
    const again = await startServer({ store: s.store, port });
    try {
      const r = await p;
      expect(r.results[0]).toMatchObject({ seq: 1, duplicate: false });
    } finally {
      await again.close();
    }
  });

  it('gives up with UNAVAILABLE after retryForMs', async () => {
    const w = new OrderedWriter({ url: 'http://127.0.0.1:9', retryForMs: 200 });
    await expect(w.append('x', { events: [{ key: 'a', data: 1 }] })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('splits a batch the server refuses as too large, keeping order; a single oversize transaction fails', async () => {
    const small = await startTestServer({ bodyLimit: 8 * 1024 });
    try {
      const w = new OrderedWriter({ url: small.url });
      const ps = Array.from({ length: 200 }, (_, i) =>
        w.append('split', { events: [{ key: `k${i}`, data: 'x'.repeat(100) }] }),
      );
      const rs = await Promise.all(ps);
      expect(rs.map((r) => r.results[0]!.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      await expect(w.append('split', { events: [{ key: 'big', data: 'x'.repeat(10_000) }] })).rejects.toMatchObject({
        code: 'TOO_LARGE',
      });
      expect((await small.store.topicInfo('split')).maxSeq).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('a response lost after the commit is retried and resolves with the original seq/txn; nothing is stored twice', async () => {
    const { url, close } = await cuttingProxy(s.url, 1);
    const w = new OrderedWriter({ url, retryForMs: 10_000 });
    try {
      const rs = await Promise.all([
        w.append('lost', { events: [{ key: 'a', data: 1 }] }),
        w.append('lost', {
          events: [
            { key: 'b', data: 2 },
            { key: 'c', data: 3 },
          ],
        }),
      ]);
      expect(rs[0]).toMatchObject({ txn: 1, retried: true, results: [{ seq: 1, txn: 1, duplicate: true }] });
      expect(rs[1]).toMatchObject({ txn: 2, retried: true });
      expect(rs[1].results.map((r) => r.seq)).toEqual([2, 3]);
      const info = await s.store.topicInfo('lost');
      expect(info).toMatchObject({ maxSeq: 3, maxTxn: 2 });
    } finally {
      await close();
    }
  });

  it('tidemark write counts a recovered commit as written: only its duplicates of older txns as duplicates', async () => {
    await s.store.append('rec', { events: [{ key: 'old', data: 1 }] });
    const { url, close } = await cuttingProxy(s.url, 1);
    const store = openHttpStore({ url, writer: { retryForMs: 10_000 } });
    try {
      const lines = ['{"key":"old","data":1}', '{"key":"new","data":2}', '{"key":"new","data":2}'];
      const summary = await writeEvents(
        store,
        'rec',
        (async function* () {
          for (let i = 0; i < lines.length; i++) yield { lineNo: i + 1, text: lines[i]! };
        })(),
        { txnSize: 10, pipeline: true },
      );
      // As first committed: 'old' a duplicate of txn 1, 'new' stored in txn 2, then 'new' again a duplicate of it.
      expect(summary).toEqual({ written: 1, duplicates: 2, txns: 1, firstTxn: 2, lastTxn: 2, events: 3 });
      expect(await s.store.topicInfo('rec')).toMatchObject({ maxSeq: 2, maxTxn: 2 });
    } finally {
      await store.close();
      await close();
    }
  });
});

/** A TCP proxy to `target` that cuts the connection when each of the first `cuts` answers starts. */
async function cuttingProxy(target: string, cuts: number): Promise<{ url: string; close: () => Promise<void> }> {
  const t = new URL(target);
  let cut = cuts;
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    sockets.add(client);
    const upstream = connect(Number(t.port), t.hostname);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (cut > 0) {
        cut--;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const addr = proxy.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    },
  };
}
