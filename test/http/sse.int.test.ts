/**
 * The live tail over SSE against a real server: backlog then live events with `id: <seq>`, resume
 * with `Last-Event-ID`, waiting on an empty topic, heartbeats with a short interval, the client's
 * reconnect (HttpEventStore.tail) and a slow reader that does not stall writers or other readers
 * yet still gets every event in order once it reads again.
 */
import { connect } from 'node:net';
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-core/server/index';
import { openHttpStore } from '../../src-core/store/http/index';
import { readSse, startTestServer, type TestServer } from './helpers';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ heartbeatMs: 50, sseMaxBufferedBytes: 64 * 1024 });
});
afterAll(async () => {
  await s.close();
});

const seqs = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('SSE tail', () => {
  it('waits on an empty topic, then sends backlog-free live events with id = seq', async () => {
    const r = readSse(`${s.url}/v1/topics/live/events/stream`);
    await r.until(() => r.comments.length > 0); // connected / heartbeat
    await s.store.append('live', {
      events: [
        { key: 'a', data: 1 },
        { key: 'b', data: 2 },
      ],
    });
    await s.store.append('live', { events: [{ key: 'c', data: 3 }] });
    await r.until(() => r.ids.length === 3);
    expect(r.ids).toEqual([1, 2, 3]);
    expect(r.events.map((e) => e.key)).toEqual(['a', 'b', 'c']);
    expect(r.events[2]).toMatchObject({ topic: 'live', seq: 3, txn: 2, data: 3, type: 'event' });
    r.stop();
  });

  it('starts after `after`, and Last-Event-ID wins over it', async () => {
    const a = readSse(`${s.url}/v1/topics/live/events/stream?after=1`);
    await a.until(() => a.ids.length === 2);
    expect(a.ids).toEqual([2, 3]);
    a.stop();
    const b = readSse(`${s.url}/v1/topics/live/events/stream?after=0`, { 'last-event-id': '2' });
    await b.until(() => b.ids.length === 1);
    await s.store.append('live', { events: [{ key: 'd', data: 4 }] });
    await b.until(() => b.ids.length === 2);
    expect(b.ids).toEqual([3, 4]);
    b.stop();
  });

  it('sends heartbeat comments at the configured interval', async () => {
    const r = readSse(`${s.url}/v1/topics/quiet/events/stream`);
    await r.until(() => r.comments.filter((c) => c.trim() === 'hb').length >= 2);
    expect(r.ids).toEqual([]);
    r.stop();
  });

  it('rejects a bad Last-Event-ID with a 400 envelope', async () => {
    const res = await fetch(`${s.url}/v1/topics/live/events/stream`, { headers: { 'last-event-id': 'x' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/Last-Event-ID/) as unknown },
    });
  });

  it('the HTTP client tail reconnects from its last id after the server goes away, without gaps or repeats', async () => {
    const first = await startServer({ store: s.store, port: 0, heartbeatMs: 50 });
    const port = new URL(first.url).port;
    const client = openHttpStore({ url: first.url, sse: { reconnectMs: 20 } });
    const got: number[] = [];
    const stop = client.tail('recon', 0, (events) => got.push(...events.map((e) => e.seq)));
    const wait = async (n: number): Promise<void> => {
      const end = Date.now() + 20_000;
      while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    };
    await s.store.append('recon', { events: [{ key: 'a', data: 1 }] });
    await wait(1);
    await first.close(); // ends the stream
    await s.store.append('recon', {
      events: [
        { key: 'b', data: 2 },
        { key: 'c', data: 3 },
      ],
    });
    const second = await startServer({ store: s.store, port: Number(port), heartbeatMs: 50 });
    await wait(3);
    await s.store.append('recon', { events: [{ key: 'd', data: 4 }] });
    await wait(4);
    expect(got).toEqual([1, 2, 3, 4]);
    stop();
    await client.close();
    await second.close();
  });

  it('a reader that stops reading does not stall writers or other readers, and later gets everything in order', async () => {
    const topic = 'slow';
    const host = new URL(s.url);
    // A raw HTTP/1.0 socket (no chunked framing) that sends the request and then does not read.
    const sock = connect(Number(host.port), host.hostname);
    await new Promise<void>((res) => sock.once('connect', () => res()));
    sock.write(
      `GET /v1/topics/${topic}/events/stream HTTP/1.0\r\nHost: ${host.host}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    sock.pause();
    const fast = readSse(`${s.url}/v1/topics/${topic}/events/stream`);

    const payload = 'p'.repeat(2000);
    const txns = 200;
    for (let t = 0; t < txns; t++) {
      await s.store.append(topic, {
        events: Array.from({ length: 20 }, (_, i) => ({ key: `k${t}-${i}`, data: payload })),
      });
    }
    const total = txns * 20; // ~8 MB of events, far beyond the 64 KiB per-client bound
    await fast.until(() => fast.ids.length === total, 60_000);
    expect(fast.ids).toEqual(seqs(1, total));
    fast.stop();
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(Number(/^tidemark_sse_pauses_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);

    // Now the slow reader reads: every event, in order, none twice.
    const ids: number[] = [];
    const parser = createParser({ onEvent: (m) => ids.push(Number(m.id)) });
    let headerDone = false;
    let pendingText = '';
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      if (!headerDone) {
        pendingText += chunk;
        const i = pendingText.indexOf('\r\n\r\n');
        if (i < 0) return;
        headerDone = true;
        chunk = pendingText.slice(i + 4);
      }
      parser.feed(chunk); // HTTP/1.0: no chunked framing
    });
    sock.resume();
    const end = Date.now() + 60_000;
    while (ids.length < total && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    sock.destroy();
    expect(ids.length).toBe(total);
    expect(ids).toEqual(seqs(1, total));
  });
});
