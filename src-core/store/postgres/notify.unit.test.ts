/**
 * CommitNotifier (notify.ts) on fake timers, with stand-ins for the pool and an append's
 * connection: when a notification rides behind an append, when it goes out on its own, and that
 * nothing is lost when a carried one fails. End to end over a real PostgreSQL (notifications
 * reaching another store's subscriber, two servers) is test/postgres/store.int.test.ts and
 * servers.int.test.ts.
 */
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from './db';
import { CommitNotifier } from './notify';

interface Sent {
  via: 'pool' | 'append';
  payloads: string[];
}

function setup(): {
  notifier: CommitNotifier;
  sent: Sent[];
  local: [string, number][];
  conn: (fail?: boolean) => pg.ClientBase;
} {
  const sent: Sent[] = [];
  const record = (via: Sent['via'], q: pg.QueryConfig): void => {
    expect(q.text).toContain('pg_notify($1, x)');
    expect(q.values?.[0]).toBe('chan');
    sent.push({ via, payloads: q.values?.[1] as string[] });
  };
  const pool = {
    query: vi.fn((q: pg.QueryConfig) => {
      record('pool', q);
      return Promise.resolve({ rows: [] });
    }),
  };
  const db = { pool, channel: 'chan' } as unknown as Db;
  const local: [string, number][] = [];
  const notifier = new CommitNotifier(db, (topic, maxSeq) => void local.push([topic, maxSeq]));
  const conn = (fail = false): pg.ClientBase =>
    ({
      query: (q: pg.QueryConfig) => {
        if (fail) return Promise.reject(new Error('connection terminated'));
        record('append', q);
        return Promise.resolve({ rows: [] });
      },
    }) as unknown as pg.ClientBase;
  return { notifier, sent, local, conn };
}

describe('CommitNotifier', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wakes its own feed at once and lets the next append carry the notifications once they are due', async () => {
    const { notifier, sent, local, conn } = setup();
    notifier.committed('a', 1);
    notifier.committed('b', 4);
    notifier.committed('a', 2);
    expect(local).toEqual([
      ['a', 1],
      ['b', 4],
      ['a', 2],
    ]);
    notifier.carry(conn()); // not due yet: nothing rides behind this append
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    notifier.carry(conn());
    expect(sent).toEqual([{ via: 'append', payloads: ['{"topic":"a","maxSeq":2}', '{"topic":"b","maxSeq":4}'] }]);
    // Carried: the timer finds nothing left to send.
    await vi.advanceTimersByTimeAsync(50);
    expect(sent).toHaveLength(1);
    await notifier.close();
  });

  it('sends on its own, from the pool, what no append carried in time', async () => {
    const { notifier, sent } = setup();
    notifier.committed('a', 1);
    await vi.advanceTimersByTimeAsync(3);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ via: 'pool', payloads: ['{"topic":"a","maxSeq":1}'] }]);
    await notifier.close();
  });

  it('queues a carried notification that failed again, with what came after it', async () => {
    const { notifier, sent, conn } = setup();
    notifier.committed('a', 1);
    await vi.advanceTimersByTimeAsync(2);
    notifier.carry(conn(true));
    await vi.advanceTimersByTimeAsync(0);
    notifier.committed('a', 3);
    notifier.committed('c', 1);
    await vi.advanceTimersByTimeAsync(4);
    expect(sent).toEqual([{ via: 'pool', payloads: ['{"topic":"a","maxSeq":3}', '{"topic":"c","maxSeq":1}'] }]);
    await notifier.close();
  });

  it('sends what is queued when closed, and nothing after', async () => {
    const { notifier, sent, conn } = setup();
    notifier.committed('a', 1);
    await notifier.close();
    expect(sent).toEqual([{ via: 'pool', payloads: ['{"topic":"a","maxSeq":1}'] }]);
    notifier.committed('a', 2);
    await vi.advanceTimersByTimeAsync(10);
    notifier.carry(conn());
    expect(sent).toHaveLength(1);
  });
});
