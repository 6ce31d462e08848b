/**
 * The one-round-trip append on PostgreSQL (store/postgres/append-fn.ts), whose SQL renders the
 * hash chain's layout a second time: on hostile inputs (unicode, astral and look-alike keys, `by`
 * and content types, meta with nested unicode, tombstones, duplicates within and across
 * transactions, single-event tombstones, hashes of the writer's, data and keys holding the set-based
 * function's separators) every chain the function writes recomputes byte for byte with store/chain.ts, and
 * the same writes through the two-round-trip path (`appendBatch`) store the same log, answers,
 * transactions and counters (time and chain aside). A topic whose last commit time is ahead of
 * the database clock gets that time again (never earlier), formatted as readers see it. A session
 * that lost the function writes through the two-round-trip path and creates it again.
 */
import { describe, expect, it } from 'vitest';
import type { AppendRequest, AppendResponse, StoredEvent } from '../../src-core/model/types';
import type { PostgresEventStore } from '../../src-core/store/postgres';
import {
  FALL_BACK,
  FEW_EVENTS,
  callAppendFn,
  ensureAppendFn,
  predictedBase,
} from '../../src-core/store/postgres/append-fn';
import { channelFor, createDb, tablesFor } from '../../src-core/store/postgres/db';
import { prepareTxn } from '../../src-core/store/prepare';
import { expectChainHolds } from '../contract/oracle';
import { PG_URL, adminQuery, openShared } from './pg-helpers';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

const KEYS = [
  'plain',
  'ключ',
  '鍵',
  '😀 astral 𝄞',
  'e\u0301 vs é',
  'tab\tnl\nq"b\\',
  ' ',
  '~',
  '5:event,',
  'sep\u001e,{}"',
];

function hostileWrites(): AppendRequest[] {
  const out: AppendRequest[] = [];
  for (let i = 0; i < 24; i++) {
    const key = KEYS[i % KEYS.length]!;
    const req: AppendRequest = {
      events: [
        { key, data: { i, s: `värde ${key} 🎉`, nested: { 'ключ 😀': [i, null, true] } } },
        // A hash of the writer's (the chain covers the data's digest, not this hash), and data
        // holding the set-based function's data separator and its list punctuation.
        ...(i % 4 === 1
          ? [{ key: `${key}-h`, data: { sep: 'a\u001eb,c"{}', i }, hash: (i % 16).toString(16).repeat(64) }]
          : []),
        ...(i % 3 === 0 ? [{ key: KEYS[(i + 1) % KEYS.length]!, data: null }] : []),
        ...(i % 4 === 0 ? [{ key, data: { i, s: `värde ${key} 🎉`, nested: { 'ключ 😀': [i, null, true] } } }] : []),
        ...(i % 5 === 0 ? [{ key: `${key}-ct`, data: 'text 𝄞', contentType: 'text/plain; charset=ütf-8 😀' }] : []),
      ],
    };
    if (i % 2 === 0) req.by = `writer ${KEYS[i % KEYS.length]!} 🖋`;
    if (i % 3 === 1) req.meta = { why: `μ ${i} 😀`, κλειδί: { nested: [1, '𝄞'] } };
    out.push(req);
    // Repeat some writes unchanged: every event a duplicate of the newest valid one.
    if (i % 6 === 5) out.push(req);
  }
  // Single-event transactions of a tombstone: of a live key, again (a duplicate), then a new value.
  out.push({ events: [{ key: KEYS[0]!, data: null }] });
  out.push({ events: [{ key: KEYS[0]!, data: null }] });
  out.push({ events: [{ key: KEYS[0]!, data: { back: 1 } }] });
  return out;
}

const withoutTime = (e: StoredEvent): Omit<StoredEvent, 'time'> => {
  const { time: _time, ...rest } = e;
  return rest;
};

/**
 * The same writes, each grown past FEW_EVENTS (so the set-based function takes them): its events
 * repeated (duplicates within the transaction, of stored and of just-written events), with a
 * changed value and a tombstone of the same keys in between.
 */
function largeHostileWrites(): AppendRequest[] {
  const writes = hostileWrites();
  const out = writes.map((req) => {
    const events = [...req.events];
    for (const e of req.events) events.push({ ...e, data: { changed: e.key } });
    for (const e of req.events) events.push({ ...e, data: null });
    while (events.length <= FEW_EVENTS * 2) events.push(...req.events);
    return { ...req, events };
  });
  // Then a transaction of nothing but duplicates: the last write's events, which end it, again.
  const last = writes.at(-1)!;
  const events = [];
  while (events.length <= FEW_EVENTS) events.push(...last.events);
  out.push({ events });
  return out;
}

describe('PostgreSQL one-round-trip append', () => {
  it.each([
    ['few events per transaction', hostileWrites],
    [`more than ${FEW_EVENTS} events per transaction`, largeHostileWrites],
  ])(
    'writes chains that recompute with chain.ts on hostile inputs, and the same log as the batch path (%s)',
    async (_, writes) => {
      const { schema, stores } = await openShared(cleanups, { base: 'tm_append_fn' });
      const store = stores[0]!;
      const fnAnswers = [];
      const batchAnswers = [];
      const all = writes();
      expect(all.every((w) => w.events.length > FEW_EVENTS)).toBe(writes === largeHostileWrites);
      for (const req of all) {
        fnAnswers.push(await store.append('fn', req));
        const b = await store.appendBatch([{ topic: 'batch', ...req }]);
        expect(b.error).toBeNull();
        batchAnswers.push(b.results[0]);
      }
      expect(fnAnswers).toEqual(batchAnswers);
      // The appends went through the functions: they exist, in the pg_temp schema of the pooled
      // sessions that wrote (one or more: commit notifications take pooled sessions too; a session
      // without them would have taken the other path, silently).
      const fns = await adminQuery(
        `SELECT DISTINCT proname FROM pg_proc WHERE proname LIKE '${channelFor(schema)}_append%' ORDER BY proname`,
      );
      expect(fns.rows).toEqual([
        { proname: `${channelFor(schema)}_append` },
        { proname: `${channelFor(schema)}_append_one` },
        { proname: `${channelFor(schema)}_append_set` },
      ]);
      expect(fnAnswers.some((a) => a.txn === null)).toBe(true);
      await expectChainHolds(store, 'fn');
      await expectChainHolds(store, 'batch');
      const a = await store.readEvents('fn', { limit: 1000 });
      const b = await store.readEvents('batch', { limit: 1000 });
      expect(a.events.map(withoutTime)).toEqual(b.events.map((e) => ({ ...withoutTime(e), topic: 'fn' })));
      const ta = await store.listTxns('fn', { limit: 1000 });
      const tb = await store.listTxns('batch', { limit: 1000 });
      const strip = (x: (typeof ta.txns)[number]): unknown => ({ ...x, time: 0, chain: 0 });
      expect(ta.txns.map(strip)).toEqual(tb.txns.map(strip));
      const ia = await store.topicInfo('fn');
      const ib = await store.topicInfo('batch');
      expect({ ...ia, topic: 0, head: 0, lastTime: 0 }).toEqual({ ...ib, topic: 0, head: 0, lastTime: 0 });
      const surfaceA = await store.surface('fn', { limit: 1000 });
      const surfaceB = await store.surface('batch', { limit: 1000 });
      expect(surfaceA.rows.length).toBeGreaterThan(5);
      expect(JSON.stringify(surfaceA.rows).replaceAll(/"time":"[^"]*"/g, '')).toBe(
        JSON.stringify(surfaceB.rows)
          .replaceAll(/"time":"[^"]*"/g, '')
          .replaceAll('"topic":"batch"', '"topic":"fn"'),
      );
    },
  );

  it('answers through the function of each kind (one, few, set), none falling back to the other path', async () => {
    // The tests above compare with the other path, which a function that failed would have taken
    // silently (FALL_BACK): here each kind must answer itself, new events and duplicates alike.
    const { schema, stores } = await openShared(cleanups, { base: 'tm_append_fn_kinds' });
    const store = stores[0]!;
    const db = createDb(PG_URL, schema, { poolSize: 1 });
    cleanups.push(() => db.pool.end());
    const c = await db.pool.connect();
    cleanups.push(async () => c.release());
    expect(await ensureAppendFn(db, { usable: null }, c)).toBe(true);
    const events = (n: number, tag: string): AppendRequest['events'] =>
      Array.from({ length: n }, (_, i) => ({
        key: `k${i}`,
        data: tag.startsWith('b') && i % 3 === 2 ? null : { tag, i },
      }));
    let seq = 0;
    for (const n of [1, 3, FEW_EVENTS + 4]) {
      for (const tag of ['a', 'b']) {
        const fresh = await callAppendFn(db, c, prepareTxn('t', { events: events(n, `${tag}${n}`) }));
        expect(fresh).not.toBe(FALL_BACK);
        expect((fresh as AppendResponse).results.filter((r) => !r.duplicate)).toHaveLength(n);
        seq += n;
        expect((fresh as AppendResponse).results.at(-1)!.seq).toBe(seq);
        const again = await callAppendFn(db, c, prepareTxn('t', { events: events(n, `${tag}${n}`) }));
        expect(again).toEqual({
          txn: null,
          results: (fresh as AppendResponse).results.map((r) => ({ ...r, duplicate: true })),
        });
      }
    }
    await expectChainHolds(store, 't');
    expect((await store.topicInfo('t')).events).toBe(seq);
  });

  it('keeps the base a set-based append lays its events out for current through smaller appends', async () => {
    // A set-based append lays its events' chain parts out after the max_seq its store's last
    // append to the topic left (append-layout.ts); one- and few-event appends keep that guess
    // current for a topic a set-based append taught, so the next one's layout holds.
    const { schema } = await openShared(cleanups, { base: 'tm_append_fn_base' });
    const db = createDb(PG_URL, schema, { poolSize: 1 });
    cleanups.push(() => db.pool.end());
    const c = await db.pool.connect();
    cleanups.push(async () => c.release());
    expect(await ensureAppendFn(db, { usable: null }, c)).toBe(true);
    const append = async (topic: string, keys: string[], tag: string): Promise<AppendResponse> => {
      const res = await callAppendFn(db, c, prepareTxn(topic, { events: keys.map((key) => ({ key, data: tag })) }));
      expect(res).not.toBe(FALL_BACK);
      return res as AppendResponse;
    };
    const keys = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `k${from + i}`);
    const n = FEW_EVENTS + 4;
    await append('t', keys(n), 'set');
    expect(predictedBase(db, 't')).toBe(n);
    await append('t', ['k0'], 'one');
    expect(predictedBase(db, 't')).toBe(n + 1);
    await append('t', keys(3, 100), 'few');
    expect(predictedBase(db, 't')).toBe(n + 4);
    await append('t', ['k0'], 'one'); // a duplicate: max_seq stays
    expect(predictedBase(db, 't')).toBe(n + 4);
    const next = await append('t', keys(n, 200), 'set');
    expect(next.results.at(-1)!.seq).toBe(n + 4 + n);
    expect(predictedBase(db, 't')).toBe(n + 4 + n);
    // A topic written one event at a time is not remembered.
    await append('u', ['a'], 'one');
    expect(predictedBase(db, 'u')).toBeNull();
  });

  it('never commits earlier than the topic last did, and writes that time as readers see it', async () => {
    const { schema, stores } = await openShared(cleanups, { base: 'tm_append_fn_time' });
    const store = stores[0]!;
    await store.append('t', { events: [{ key: 'a', data: 1 }] });
    const ahead = '2999-12-31T23:59:58.007Z';
    await adminQuery(`UPDATE ${tablesFor(schema).topics} SET last_time = '${ahead}' WHERE topic = 't'`);
    const res = await store.append('t', { events: [{ key: 'b', data: 2 }], by: 'ü' });
    expect(res.txn).toBe(2);
    const log = await store.readEvents('t', {});
    expect(log.events.map((e) => e.time)).toEqual([log.events[0]!.time, ahead]);
    expect((await store.topicInfo('t')).lastTime).toBe(ahead);
    await expectChainHolds(store, 't');
  });

  it('a session that lost its function writes through the other path, then creates the function again', async () => {
    const { schema, stores } = await openShared(cleanups, { base: 'tm_append_fn_lost', poolSize: 1 });
    const store = stores[0]!;
    await store.append('t', { events: [{ key: 'a', data: 1 }] });
    const where = `FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = '${channelFor(schema)}_append_one'`;
    const found = await adminQuery(`SELECT n.nspname ${where}`);
    expect(found.rows).toHaveLength(1);
    const ns = (found.rows[0] as { nspname: string }).nspname;
    await adminQuery(`DROP FUNCTION "${ns}"."${channelFor(schema)}_append_one"`);
    expect((await adminQuery(`SELECT 1 ${where}`)).rows).toHaveLength(0);
    expect(await store.append('t', { events: [{ key: 'b', data: 2 }] })).toEqual({
      txn: 2,
      results: [{ seq: 2, txn: 2, duplicate: false }],
    });
    expect(
      await store.append('t', {
        events: [
          { key: 'b', data: 2 },
          { key: 'c', data: 3 },
        ],
      }),
    ).toEqual({
      txn: 3,
      results: [
        { seq: 2, txn: 2, duplicate: true },
        { seq: 3, txn: 3, duplicate: false },
      ],
    });
    expect((await adminQuery(`SELECT 1 ${where}`)).rows).toHaveLength(1);
    await expectChainHolds(store, 't');
  });

  it('lays the chain out in SQL when the seqs the client laid its events out for do not hold', async () => {
    // Larger transactions send the layout of their events' part of the chain, numbered after the
    // max_seq their store's last append to the topic left (append-layout.ts). Two stores append to
    // one topic in turn, so each one's guess is stale (another writer moved max_seq); then one of
    // them sends events that duplicate stored heads between new ones (its guess of max_seq right,
    // the numbering not). Each time the function must lay the part out itself.
    const { stores } = await openShared(cleanups, { base: 'tm_append_fn_layout', n: 2 });
    const [a, b] = stores as [PostgresEventStore, PostgresEventStore];
    const n = FEW_EVENTS + 4;
    const events = (tag: string, from: number, count: number): AppendRequest['events'] =>
      Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, data: { tag, i } }));
    let seq = 0;
    for (let round = 0; round < 3; round++) {
      for (const [name, store] of [
        ['a', a],
        ['b', b],
      ] as const) {
        const res = await store.append('t', { events: events(`${name}${round}`, 0, n) });
        expect(res.results.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => seq + i + 1));
        seq += n;
      }
    }
    // b wrote last: its guess of max_seq holds, but 3 of its events are stored heads again.
    const mixed = [...events('new', 100, 4), ...events('b2', 0, 3), ...events('new', 104, 4)];
    const res = await b.append('t', { events: mixed });
    expect(res.results).toEqual([
      ...[1, 2, 3, 4].map((i) => ({ seq: seq + i, txn: 7, duplicate: false })),
      ...[1, 2, 3].map((i) => ({ seq: seq - n + i, txn: 6, duplicate: true })),
      ...[5, 6, 7, 8].map((i) => ({ seq: seq + i, txn: 7, duplicate: false })),
    ]);
    // And its next append, whose guess holds again.
    expect((await b.append('t', { events: events('c', 200, n) })).results.at(-1)!.seq).toBe(seq + 8 + n);
    await expectChainHolds(a, 't');
  });
});
