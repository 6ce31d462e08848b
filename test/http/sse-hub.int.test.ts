/**
 * One poll or notification per topic, shared by all its streams (issue 9 item 6), against a real
 * server over a real store (SQLite, and PostgreSQL on the test cluster) whose calls are counted:
 * with twenty streams open on a topic there is one store tail (`EventStore.tail`, the backend's
 * native one), a write of another connection is read from the store once (not once per stream), at
 * most one `topicInfo` poll is ever in flight however slow the store is (none on PostgreSQL, whose
 * LISTEN/NOTIFY feed needs no poll), every stream still gets every event in order once,
 * and the feed is torn down when the last stream leaves.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TopicInfo } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { openPostgresStore } from '../../src-core/store/postgres';
import { PG_URL, makePgStore } from '../postgres/pg-helpers';
import { type SseReader, readSse, tempDir } from './helpers';
import { cleanupsAfterEach } from '../cleanups';

interface Counts {
  /** Live tails the server opened on the store (`EventStore.tail`), and those still open. */
  subscribes: number;
  activeSubscriptions: number;
  readEvents: number;
  topicInfo: number;
  /** topicInfo calls not answered yet. */
  pendingTopicInfo: number;
  /** While set, topicInfo waits for this promise before answering. */
  gate: Promise<void> | null;
}

/** The real store, with its calls counted (and topicInfo optionally held back). */
function counted(real: EventStore, c: Counts): EventStore {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'tail') {
        // The backend's own tail, run on this proxy so that its reads go through it and are counted.
        return (...args: Parameters<EventStore['tail']>) => {
          c.subscribes++;
          c.activeSubscriptions++;
          const un = target.tail.apply(receiver, args);
          let done = false;
          return () => {
            if (!done) c.activeSubscriptions--;
            done = true;
            un();
          };
        };
      }
      if (prop === 'readEvents') {
        return (...args: Parameters<EventStore['readEvents']>) => {
          c.readEvents++;
          return target.readEvents(...args);
        };
      }
      if (prop === 'topicInfo') {
        return async (topic: string): Promise<TopicInfo> => {
          c.topicInfo++;
          c.pendingTopicInfo++;
          try {
            if (c.gate) await c.gate;
            return await target.topicInfo(topic);
          } finally {
            c.pendingTopicInfo--;
          }
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const N = 20;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const cleanups = cleanupsAfterEach();

interface Backend {
  name: string;
  /** The server's store and a second, independent connection to the same data. */
  open(): Promise<{ store: EventStore; other: EventStore; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = tempDir('tidemark-sse-hub-');
      const store = openSqliteStore(join(dir, 's.db'));
      const other = openSqliteStore(join(dir, 's.db'));
      return {
        store,
        other,
        cleanup: async () => {
          await store.close();
          await other.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const h = await makePgStore();
      const other = await openPostgresStore({ url: PG_URL, schema: h.schema });
      return {
        store: h.store,
        other,
        cleanup: async () => {
          await other.close();
          await h.cleanup();
        },
      };
    },
  },
];

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
}

async function until(pred: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`not reached: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(backends)('SSE streams share one feed per topic ($name)', (backend) => {
  async function setUp(ssePollMs: number) {
    const b = await backend.open();
    const c: Counts = {
      subscribes: 0,
      activeSubscriptions: 0,
      readEvents: 0,
      topicInfo: 0,
      pendingTopicInfo: 0,
      gate: null,
    };
    const server = await startServer({ store: counted(b.store, c), port: 0, heartbeatMs: 20, ssePollMs });
    cleanups.push(async () => {
      await server.close();
      await b.cleanup();
    });
    return { ...b, c, url: server.url };
  }

  it('one subscription and one read per foreign commit for twenty streams; torn down when they leave', async () => {
    const s = await setUp(20);
    await s.store.append('h', { events: [{ key: 'a', data: 1 }] });
    const readers: SseReader[] = [];
    for (let i = 0; i < N; i++) readers.push(readSse(`${s.url}/v1/topics/h/events/stream`));
    await until(() => readers.every((r) => r.ids.length === 1), 'every stream has the backlog');
    // The topic's feed starts beside the backlog reads (it first asks where the topic ends).
    await until(async () => (await metric(s.url, 'tidemark_sse_topic_feeds')) === 1, 'the feed is up');
    expect(s.c.activeSubscriptions).toBe(1);

    // A commit of another connection: the shared feed reads it once and every stream gets it.
    const before = s.c.readEvents;
    await s.other.append('h', {
      events: [
        { key: 'b', data: 2 },
        { key: 'c', data: 3 },
      ],
    });
    await until(() => readers.every((r) => r.ids.length === 3), 'every stream has the foreign commit');
    expect(s.c.readEvents - before).toBeLessThanOrEqual(2); // one stream each would be >= 20

    // A commit through the server's own store reaches them through the one subscription.
    await s.store.append('h', { events: [{ key: 'd', data: 4 }] });
    await until(() => readers.every((r) => r.ids.length === 4), 'every stream has the local commit');
    for (const r of readers) expect(r.ids).toEqual(range(1, 4));
    expect(s.c.subscribes).toBe(1);

    for (const r of readers) r.stop();
    await until(async () => (await metric(s.url, 'tidemark_sse_clients')) === 0, 'streams closed');
    expect(s.c.activeSubscriptions).toBe(0);
    expect(await metric(s.url, 'tidemark_sse_topic_feeds')).toBe(0);

    // And a new stream starts a new feed from where it asks.
    const late = readSse(`${s.url}/v1/topics/h/events/stream?after=2`);
    await until(() => late.ids.length === 2, 'a late stream has its backlog');
    expect(late.ids).toEqual([3, 4]);
    expect(s.c.activeSubscriptions).toBe(1);
    late.stop();
  });

  it('never more than one topicInfo poll in flight per topic, however many streams and however slow the store', async () => {
    const s = await setUp(5);
    await s.store.append('g', { events: [{ key: 'a', data: 1 }] });
    const readers: SseReader[] = [];
    for (let i = 0; i < N; i++) readers.push(readSse(`${s.url}/v1/topics/g/events/stream`));
    await until(() => readers.every((r) => r.ids.length === 1), 'every stream has the backlog');
    await until(async () => (await metric(s.url, 'tidemark_sse_topic_feeds')) === 1, 'the feed is up');

    // Hold every topicInfo answer back; polls keep firing every 5 ms meanwhile.
    let release!: () => void;
    s.c.gate = new Promise<void>((r) => (release = r));
    const hb = readers[0]!.comments.length;
    await until(() => readers[0]!.comments.length >= hb + 10, 'ten heartbeats (~40 poll intervals) pass');
    // With one poll per stream this would be 20 (or more, stacked); PostgreSQL's tail does not poll.
    expect(s.c.pendingTopicInfo).toBe(backend.name === 'PostgreSQL' ? 0 : 1);
    s.c.gate = null;
    release();

    // Still a working tail for every stream afterwards.
    await s.other.append('g', { events: [{ key: 'b', data: 2 }] });
    await until(() => readers.every((r) => r.ids.length === 2), 'every stream has the foreign commit');
    for (const r of readers) {
      expect(r.ids).toEqual([1, 2]);
      r.stop();
    }
  });
});
