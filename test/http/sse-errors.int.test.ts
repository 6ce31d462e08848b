/**
 * The live tail never skips silently (issue 9 item 3), against a real server over a real SQLite
 * store wrapped so that one event cannot be serialised (its data holds a BigInt, or a `toJSON` that
 * throws) or so that store reads fail: the client gets every event before it, then an
 * `event: error` with the envelope (no driver text, no stack), the stream ends, nothing after it is
 * sent, and reconnecting with `Last-Event-ID` meets the same error instead of a gap. Also the HTTP
 * client's handling of that event, and that a read failure that does not persist is retried while
 * one that does ends the stream.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonValue, StoredEvent } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { openHttpStore } from '../../src-core/store/http/index';
import { type SqliteEventStore, openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { readSse, tempDir } from './helpers';
import { cleanupsAfterEach } from '../cleanups';

interface Wrapper {
  /** Replaces an event on its way out of the store (both reads and commit notifications). */
  poison?: (e: StoredEvent) => StoredEvent;
  /** Calls of topicInfo / readEvents that throw a non-coded error with driver-like text, in turn. */
  failReads: number;
}

/** A real store seen through `w`: everything else is passed through untouched. */
function wrapStore(real: SqliteEventStore, w: Wrapper): EventStore {
  const out = (e: StoredEvent): StoredEvent => (w.poison ? w.poison(e) : e);
  const maybeFail = (): void => {
    if (w.failReads > 0) {
      w.failReads--;
      throw new Error('SQLITE_IOERR: disk I/O error reading /srv/secret/store.db');
    }
  };
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'tail') {
        // The backend's own tail, run on this proxy so that its reads and feed go through it.
        return (...args: Parameters<EventStore['tail']>) => target.tail.apply(receiver, args);
      }
      // Only the parsed reads, so what this wrapper does to them is what the server sees (the
      // server reads backlogs as stored text when a store offers it, store/text-reads.ts).
      if (prop === 'readEventsText' || prop === 'surfaceText' || prop === 'getTxnText') return undefined;
      if (prop === 'readEvents') {
        return async (...args: Parameters<EventStore['readEvents']>) => {
          maybeFail();
          const page = await target.readEvents(...args);
          return { ...page, events: page.events.map(out) };
        };
      }
      if (prop === 'topicInfo') {
        return async (topic: string) => {
          maybeFail();
          return target.topicInfo(topic);
        };
      }
      if (prop === 'subscribe') {
        return (topic: string, listener: (events: StoredEvent[]) => void) =>
          target.subscribe(topic, (events) => listener(events.map(out)));
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
}

/** Retries an async check until it passes (bounded). */
async function waitFor(check: () => Promise<void>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const cleanups = cleanupsAfterEach();

async function setUp(w: Wrapper, extra: { ssePollMs?: number } = {}) {
  const dir = tempDir('tidemark-sse-err-');
  const real = openSqliteStore(join(dir, 's.db'));
  const other = openSqliteStore(join(dir, 's.db')); // another connection, as another process would be
  const server = await startServer({ store: wrapStore(real, w), port: 0, heartbeatMs: 50, ...extra });
  cleanups.push(async () => {
    await server.close();
    await real.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const stream = (topic: string): string => `${server.url}/v1/topics/${topic}/events/stream`;
  return { real, other, url: server.url, stream };
}

const events = (from: number, to: number): { key: string; data: number }[] =>
  range(from, to).map((i) => ({ key: `k${i}`, data: i }));

/** No driver text, stack frame, file path or JS engine wording in what a client is told. */
function expectClean(message: string): void {
  expect(message).not.toMatch(/SQLITE|BigInt|serialize a|toJSON|\/srv\/|\.ts:|\n\s+at /);
}

describe('SSE: a failure ends the stream with an error event, never a gap', () => {
  it('backlog: events before the unserialisable one, then the error; reconnecting meets it again', async () => {
    const w: Wrapper = {
      failReads: 0,
      poison: (e) => (e.topic === 'p' && e.seq === 5 ? { ...e, data: { n: 5n } as unknown as JsonValue } : e),
    };
    const s = await setUp(w);
    await s.real.append('p', { events: events(1, 10) });

    const r = readSse(`${s.stream('p')}?after=0`);
    await r.until(() => r.ended);
    expect(r.status).toBe(200);
    expect(r.log).toEqual(['id:1', 'id:2', 'id:3', 'id:4', 'error:INTERNAL']);
    expect(r.errors[0]!.message).toMatch(/event 5 of topic "p" cannot be serialised; the stream ends after event 4/);
    expectClean(r.errors[0]!.message);

    // A client resuming from the last event it got sees the problem again rather than skipping it.
    const again = readSse(s.stream('p'), { 'last-event-id': '4' });
    await again.until(() => again.ended);
    expect(again.log).toEqual(['error:INTERNAL']);

    expect(await gauge(s.url, 'tidemark_sse_errors_total')).toBe(2);
    expect(await gauge(s.url, 'tidemark_sse_clients')).toBe(0);
  });

  it('live: every open stream gets the events before it, then the error, and nothing after', async () => {
    const w: Wrapper = {
      failReads: 0,
      poison: (e) => {
        if (e.topic !== 'q' || e.seq !== 5) return e;
        const data = {
          toJSON: () => {
            throw new Error('boom at /srv/secret/app.ts:12');
          },
        };
        return { ...e, data: data as unknown as JsonValue };
      },
    };
    const s = await setUp(w);
    const a = readSse(s.stream('q'));
    const b = readSse(s.stream('q'));
    await a.until(() => a.comments.length > 0 && b.comments.length > 0);
    // The topic's shared feed is up before the writes, so they reach the streams through it.
    await waitFor(async () => expect(await gauge(s.url, 'tidemark_sse_topic_feeds')).toBe(1));
    await s.real.append('q', { events: events(1, 3) });
    await a.until(() => a.ids.length === 3 && b.ids.length === 3);
    await s.real.append('q', { events: events(4, 7) }); // the bad event is in the middle of a commit
    await s.real.append('q', { events: events(8, 10) });
    await a.until(() => a.ended && b.ended);
    for (const r of [a, b]) {
      expect(r.log).toEqual(['id:1', 'id:2', 'id:3', 'id:4', 'error:INTERNAL']);
      expect(r.errors[0]!.message).toMatch(/event 5 of topic "q" cannot be serialised/);
      expectClean(r.errors[0]!.message);
    }

    const again = readSse(s.stream('q'), { 'last-event-id': '4' });
    await again.until(() => again.ended);
    expect(again.log).toEqual(['error:INTERNAL']);

    // Only a client that explicitly asks to start after the bad event gets past it.
    const past = readSse(s.stream('q'), { 'last-event-id': '5' });
    await past.until(() => past.ids.length === 5);
    await s.real.append('q', { events: events(11, 11) });
    await past.until(() => past.ids.length === 6);
    expect(past.ids).toEqual(range(6, 11));
    expect(past.errors).toEqual([]);
    past.stop();
  });

  it('the HTTP client reports the error event and resumes from its last event, never passing it', async () => {
    const w: Wrapper = {
      failReads: 0,
      poison: (e) => (e.topic === 'c' && e.seq === 3 ? { ...e, data: { n: 3n } as unknown as JsonValue } : e),
    };
    const s = await setUp(w);
    await s.real.append('c', { events: events(1, 6) });
    const client = openHttpStore({ url: s.url, sse: { reconnectMs: 20 } });
    cleanups.push(() => client.close());
    const got: number[] = [];
    const errors: { code: string; message: string }[] = [];
    const stop = client.tail('c', 0, (evs) => got.push(...evs.map((e) => e.seq)), {
      onError: (err) => errors.push(err as { code: string; message: string }),
    });
    const end = Date.now() + 20_000;
    while (errors.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(errors.length).toBeGreaterThanOrEqual(3); // it kept reconnecting, and kept being told
    expect(errors[0]).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/event 3 of topic "c"/) as unknown,
    });
    expect(got).toEqual([1, 2]);
  });

  it('a store read that fails once is retried; one that keeps failing ends the stream with a clean error', async () => {
    const w: Wrapper = { failReads: 0 };
    const s = await setUp(w, { ssePollMs: 20 });
    await s.real.append('f', { events: events(1, 1) });
    const r = readSse(s.stream('f'));
    await r.until(() => r.ids.length === 1);
    await waitFor(async () => expect(await gauge(s.url, 'tidemark_sse_topic_feeds')).toBe(1));

    // Writes of another connection are only found by the feed's poll (topicInfo, then readEvents).
    w.failReads = 1;
    await s.other.append('f', { events: events(2, 2) });
    await r.until(() => r.ids.length === 2);
    expect(r.errors).toEqual([]);

    w.failReads = 1_000_000;
    await s.other.append('f', { events: events(3, 3) });
    await r.until(() => r.ended);
    expect(r.ids).toEqual([1, 2]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.code).toBe('INTERNAL');
    expect(r.errors[0]!.message).toMatch(/live tail of topic "f" after event 2: reading the store failed/);
    expectClean(r.errors[0]!.message);
  });
});
