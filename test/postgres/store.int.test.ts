/**
 * PostgreSQL-specific behaviour of the backend, on the shared test cluster with a fresh schema per
 * test: migrations (versioned, idempotent, safe when several openers race), two stores (two pools,
 * as two servers would have) writing the same topics concurrently and staying dense and
 * de-duplicated, live commits crossing from one store to another through LISTEN/NOTIFY, code point
 * key order, text PostgreSQL cannot store rejected cleanly, and an unreachable database reported
 * as UNAVAILABLE naming the host.
 */
import { describe, expect, it, vi } from 'vitest';
import { compareKeys } from '../../src-core/model/canonical';
import type { StoredEvent } from '../../src-core/model/types';
import { openPostgresStore, type PostgresEventStore } from '../../src-core/store/postgres';
import { CommitFeed, RECHECK_MS } from '../../src-core/store/postgres/feed';
import { CommitNotifier } from '../../src-core/store/postgres/notify';
import { SCHEMA_VERSION } from '../../src-core/store/postgres/schema';
import { expectCode, surfaceAll, waitFor } from '../contract/harness';
import { checkStore } from './checker';
import { PG_URL, adminQuery, openShared, uniqueName } from './pg-helpers';
import { runWorkload } from './workload';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

describe('postgres backend', () => {
  it('migrates once, records the version, and tolerates openers racing', async () => {
    const { schema, stores } = await openShared(cleanups, { n: 4 });
    expect(stores).toHaveLength(4);
    const res = await adminQuery(`SELECT version FROM "${schema}".tidemark_schema_version ORDER BY version`);
    expect(res.rows.map((r: { version: number }) => r.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
    const again = await openPostgresStore({ url: PG_URL, schema });
    cleanups.push(() => again.close());
    const res2 = await adminQuery(`SELECT count(*)::int AS n FROM "${schema}".tidemark_schema_version`);
    expect((res2.rows[0] as { n: number }).n).toBe(SCHEMA_VERSION);
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expectCode(openPostgresStore({ url: PG_URL, schema: 'x"; drop' }), 'BAD_REQUEST', /schema/);
  });

  it('keeps numbering dense and dedup exact with eight writers on two pools', async () => {
    const { stores } = await openShared(cleanups, { n: 2 });
    const topics = ['c.a', 'c.b', 'c.c'];
    const result = await runWorkload({ writers: 8, txnsPerWriter: 30, topics }, (w, txn) =>
      stores[w % 2]!.append(txn.topic, { events: txn.events }),
    );
    expect(result.failures).toEqual([]);
    const report = await checkStore(stores[1]!, result.acked, { exact: true });
    expect(report.topics).toBe(3);
    expect(report.duplicates).toBeGreaterThan(0);
  });

  it('applies batches atomically per transaction under contention, stopping at the first failure', async () => {
    const { stores } = await openShared(cleanups, { n: 2 });
    const [a, b] = stores as [PostgresEventStore, PostgresEventStore];
    // Opposite topic orders in concurrent batches must not deadlock (topics are locked in name order).
    const batches = Array.from({ length: 20 }, (_, i) => {
      const order = i % 2 === 0 ? ['x.1', 'x.2'] : ['x.2', 'x.1'];
      return (i % 2 === 0 ? a : b).appendBatch(order.map((topic) => ({ topic, events: [{ key: `k${i}`, data: i }] })));
    });
    const answers = await Promise.all(batches);
    for (const r of answers) {
      expect(r.error).toBeNull();
      expect(r.results).toHaveLength(2);
    }
    expect((await a.topicInfo('x.1')).maxTxn).toBe(20);
    expect((await a.topicInfo('x.2')).maxTxn).toBe(20);
    const before = await a.topicInfo('x.1');
    const failed = await b.appendBatch([
      { topic: 'x.1', events: [{ key: 'new', data: 1 }] },
      { topic: 'x.1', expectMaxSeq: 0, events: [{ key: 'never', data: 1 }] },
      { topic: 'x.2', events: [{ key: 'never', data: 1 }] },
    ]);
    expect(failed.error).toMatchObject({ index: 1, status: 409, code: 'CONFLICT' });
    expect(failed.results).toHaveLength(1);
    expect((await a.topicInfo('x.1')).maxSeq).toBe(before.maxSeq + 1);
    expect((await a.readEvents('x.2', { key: 'never' })).events).toEqual([]);
  });

  it('delivers commits made through one store to a subscriber of another, in order', async () => {
    const { stores } = await openShared(cleanups, { n: 2 });
    const [writer, reader] = stores as [PostgresEventStore, PostgresEventStore];
    await writer.append('live', { events: [{ key: 'before', data: 0 }] });
    const got: StoredEvent[] = [];
    const stop = reader.subscribe('live', (evs) => got.push(...evs));
    cleanups.push(async () => stop());
    await reader.whenListening();
    for (let i = 1; i <= 5; i++) await writer.append('live', { events: [{ key: `k${i}`, data: i }] });
    await writer.invalidate('live', 2, 'test');
    await waitFor(() => expect(got.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7]));
    expect(got[5]).toMatchObject({ type: 'invalidate', target: 2, reason: 'test' });
  });

  it('delivers a commit whose data fills more than one page (pages cut by bytes) whole, on its notification', async () => {
    const { stores } = await openShared(cleanups, { n: 2 });
    const [writer, reader] = stores as [PostgresEventStore, PostgresEventStore];
    // Only the notification may deliver it: the re-check (RECHECK_MS) would hide a feed that stops early.
    const recheck = vi.spyOn(CommitFeed.prototype as unknown as { scheduleRecheck(): void }, 'scheduleRecheck');
    recheck.mockImplementation(() => undefined);
    cleanups.push(async () => recheck.mockRestore());
    const got: StoredEvent[] = [];
    const stop = reader.subscribe('big', (evs) => got.push(...evs));
    cleanups.push(async () => stop());
    await reader.whenListening();
    // Ten MiB each: the page holding the first two reaches LIMITS.pageDataBytesMax and ends there.
    const big = (c: string): string => c.repeat(10 * 1024 * 1024);
    await writer.append('big', {
      events: [
        { key: 'a', data: big('a') },
        { key: 'b', data: big('b') },
        { key: 'c', data: 'small' },
      ],
    });
    expect((await writer.readEvents('big', { limit: 10 })).events).toHaveLength(2);
    await waitFor(() => expect(got.map((e) => e.seq)).toEqual([1, 2, 3]));
    expect(got[2]!.data).toBe('small');
  });

  it('tails natively: commits through another store arrive by NOTIFY, with no topicInfo poll while listening', async () => {
    const { stores } = await openShared(cleanups, { n: 2 });
    const [writer, reader] = stores as [PostgresEventStore, PostgresEventStore];
    await writer.append('native', { events: [{ key: 'before', data: 0 }] });
    const got: StoredEvent[] = [];
    const stop = reader.tail('native', 0, (evs) => got.push(...evs), { pollMs: 20 });
    cleanups.push(async () => stop());
    await reader.whenListening();
    await waitFor(() => expect(got.map((e) => e.seq)).toEqual([1]));
    const polls = vi.spyOn(reader, 'topicInfo');
    for (let i = 1; i <= 5; i++) await writer.append('native', { events: [{ key: `k${i}`, data: i }] });
    await writer.invalidate('native', 2, 'test');
    await waitFor(() => expect(got.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]));
    await new Promise((r) => setTimeout(r, 100)); // five poll intervals: a polling tail would have asked
    expect(polls).not.toHaveBeenCalled();
    expect(got[6]).toMatchObject({ type: 'invalidate', target: 2, reason: 'test' });
  });

  it('announces a commit after it, from the notifier: the write transaction itself does not notify', async () => {
    const { schema, stores } = await openShared(cleanups, { n: 2 });
    const [writer, reader] = stores as [PostgresEventStore, PostgresEventStore];
    const got: StoredEvent[] = [];
    const stop = reader.subscribe('after', (evs) => got.push(...evs));
    cleanups.push(async () => stop());
    await reader.whenListening();
    // Keep the notifier silent: the writes still commit and answer (they do not wait for it).
    const sent = vi.spyOn(CommitNotifier.prototype, 'committed');
    const queued: [string, number][] = [];
    sent.mockImplementation((topic, maxSeq) => void queued.push([topic, maxSeq]));
    cleanups.push(async () => sent.mockRestore());
    await writer.append('after', { events: [{ key: 'a', data: 1 }] });
    await writer.appendBatch([{ topic: 'after', events: [{ key: 'b', data: 2 }] }]);
    expect(queued).toEqual([
      ['after', 1],
      ['after', 2],
    ]);
    // No notification was part of the transactions: only the re-check (RECHECK_MS) can find them.
    const t0 = Date.now();
    await waitFor(() => expect(got.map((e) => e.seq)).toEqual([1, 2]), RECHECK_MS * 3);
    expect(Date.now() - t0).toBeLessThan(RECHECK_MS * 3);
    sent.mockRestore();
    await writer.append('after', { events: [{ key: 'c', data: 3 }] });
    await waitFor(() => expect(got.map((e) => e.seq)).toEqual([1, 2, 3]));
    expect((await adminQuery(`SELECT max_seq FROM "${schema}".topics WHERE topic = 'after'`)).rows).toEqual([
      { max_seq: '3' },
    ]);
  });

  it('keeps stores in different schemas of one database apart, live feeds included', async () => {
    const a = await openShared(cleanups);
    const b = await openShared(cleanups);
    const [sa, sb] = [a.stores[0]!, b.stores[0]!];
    const seenOnB: StoredEvent[] = [];
    const stop = sb.subscribe('same', (evs) => seenOnB.push(...evs));
    cleanups.push(async () => stop());
    await sb.whenListening();
    await sa.append('same', { events: [{ key: 'k', data: 'in a' }] });
    await sb.append('same', { events: [{ key: 'k', data: 'in b' }] });
    await waitFor(() => expect(seenOnB.map((e) => e.data)).toEqual(['in b']));
    expect((await sa.readEvents('same')).events.map((e) => e.data)).toEqual(['in a']);
    expect(await sa.topicInfo('same')).toMatchObject({ maxSeq: 1, keys: 1 });
  });

  it('queues writers beyond the pool size instead of failing them', async () => {
    const { schema, stores } = await openShared(cleanups, { poolSize: 2 });
    const s = stores[0]!;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => s.append('burst', { events: [{ key: `k${i % 7}`, data: i }] })),
    );
    expect(answers.map((a) => a.txn).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await s.topicInfo('burst')).maxSeq).toBe(40);
    await expectCode(openPostgresStore({ url: PG_URL, schema, poolSize: 0 }), 'BAD_REQUEST', /poolSize/);
  });

  it('orders keys by code point, as compareKeys does', async () => {
    const { stores } = await openShared(cleanups);
    const s = stores[0]!;
    const keys = ['b', 'B', 'a\u00e9', 'a\uffff', 'a\u{1f600}', 'a\ue000', 'a', 'a b', 'Z', '~', '\u00e9'];
    await s.append('order', { events: keys.map((key) => ({ key, data: key })) });
    const rows = await surfaceAll(s, 'order');
    expect(rows.map((r) => r.key)).toEqual([...keys].sort(compareKeys));
    const page = await s.surface('order', { prefix: 'a', limit: 2 });
    expect(page.rows.map((r) => r.key)).toEqual(['a', 'a b']);
    expect(page.next).toBe('a b');
    const rest = await s.surface('order', { prefix: 'a', after: page.next! });
    expect(rest.rows.map((r) => r.key)).toEqual(['a\u00e9', 'a\ue000', 'a\uffff', 'a\u{1f600}']);
    // LIKE metacharacters in a prefix are literal.
    await s.append('order', {
      events: [
        { key: 'a%x', data: 1 },
        { key: 'a_y', data: 1 },
      ],
    });
    expect((await s.surface('order', { prefix: 'a%' })).rows.map((r) => r.key)).toEqual(['a%x']);
    expect((await s.surface('order', { prefix: 'a_' })).rows.map((r) => r.key)).toEqual(['a_y']);
  });

  it('rejects text PostgreSQL cannot store, naming the field, and writes nothing', async () => {
    const { stores } = await openShared(cleanups);
    const s = stores[0]!;
    await expectCode(
      s.append('nul', {
        events: [
          { key: 'ok', data: 1 },
          { key: 'a\u0000b', data: 1 },
        ],
      }),
      'BAD_REQUEST',
      /events\[1\]\.key.*U\+0000/,
    );
    await expectCode(s.append('nul', { events: [{ key: 'x\ud800', data: 1 }] }), 'BAD_REQUEST', /events\[0\]\.key/);
    // Inside data too (one rule on every backend, model/text.ts), though the JSON text could escape it.
    await expectCode(s.append('nul', { events: [{ key: 'k', data: { v: 'a\u0000b' } }] }), 'BAD_REQUEST', /data\.v/);
    await expectCode(s.topicInfo('nul'), 'NOT_FOUND');
  });

  it('reports an unreachable database as UNAVAILABLE naming the host', async () => {
    await expectCode(
      openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/x' }),
      'UNAVAILABLE',
      /127\.0\.0\.1:1\/x/,
    );
  });

  it('reports "too many connections" as UNAVAILABLE (a role allowed no connections)', async () => {
    const role = uniqueName('tm_role');
    await adminQuery(`CREATE ROLE "${role}" LOGIN CONNECTION LIMIT 0`);
    cleanups.push(async () => {
      await adminQuery(`DROP ROLE IF EXISTS "${role}"`);
    });
    const u = new URL(PG_URL);
    u.username = role;
    u.password = '';
    await expectCode(openPostgresStore({ url: u.toString() }), 'UNAVAILABLE', /too many connections/);
  });

  it('answers UNAVAILABLE after close, and close waits for in-flight writes', async () => {
    const { stores } = await openShared(cleanups);
    const s = stores[0]!;
    const write = s.append('closing', { events: [{ key: 'k', data: 1 }] });
    await s.close();
    await expect(write).resolves.toMatchObject({ txn: 1 });
    await expectCode(s.topicInfo('closing'), 'UNAVAILABLE', /closed/);
  });
});
