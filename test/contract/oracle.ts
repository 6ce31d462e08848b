/**
 * The in-memory reference store (src-core/store/memory) as the tests' oracle, instead of a naive
 * model written again in each test. `replayLog` writes a log read back from a store under test
 * into a fresh memory store, transaction by transaction (writer hashes kept, markers as
 * invalidations), asserting that each lands at the same seq and txn and that none is a duplicate:
 * that is numbering dense and de-duplication held. `expectSameState` then compares what the store
 * answers with what the oracle folds from the same log: the log, the transactions, the valid and
 * raw surfaces (optionally as of a txn, in pages of a given size), the counts of the timeline in one
 * bucket, and the counters. Commit times (and so chains, which cover them) differ between the two
 * and are left out; `expectChainHolds` recomputes the store's chains from its own log instead.
 */
import { expect } from 'vitest';
import type { StoredEvent, SurfaceOptions, SurfaceRow, TopicInfo, TxnInfo } from '../../src-core/model/types';
import { GENESIS, chainOfRead } from '../../src-core/store/chain';
import { type MemoryEventStore, openMemoryStore } from '../../src-core/store/memory/index';
import type { EventStore } from '../../src-core/store/types';
import { readAll, surfaceAll } from './harness';

export function openOracle(): MemoryEventStore {
  return openMemoryStore();
}

/** Writes `log` (one topic's, in seq order) into `oracle`, asserting the same numbers come out. */
export async function replayLog(oracle: EventStore, topic: string, log: StoredEvent[]): Promise<void> {
  let i = 0;
  while (i < log.length) {
    const first = log[i]!;
    if (first.type === 'invalidate') {
      const r = await oracle.invalidate(topic, first.target!, first.reason!);
      expect(r, `${topic}: marker at seq ${first.seq}`).toEqual({
        seq: first.seq,
        txn: first.txn,
        target: first.target,
        duplicate: false,
      });
      i++;
      continue;
    }
    const txn: StoredEvent[] = [];
    while (i < log.length && log[i]!.txn === first.txn) txn.push(log[i++]!);
    const r = await oracle.append(topic, {
      events: txn.map((e) => ({ key: e.key, data: e.data, contentType: e.contentType, hash: e.hash })),
    });
    expect(r, `${topic}: txn ${first.txn} replays as stored (no duplicate, same numbers)`).toEqual({
      txn: first.txn,
      results: txn.map((e) => ({ seq: e.seq, txn: e.txn, duplicate: false })),
    });
  }
}

const withoutTime = <T extends { time: string }>({ time: _time, ...rest }: T): Omit<T, 'time'> => rest;
/** The chain covers commit times, so it differs too; `expectChainHolds` checks it instead. */
const txnWithoutTime = ({ time: _time, chain: _chain, ...rest }: TxnInfo): Omit<TxnInfo, 'time' | 'chain'> => rest;
const countersOf = ({ lastTime: _lastTime, head: _head, ...rest }: TopicInfo): Omit<TopicInfo, 'lastTime' | 'head'> =>
  rest;

/**
 * Every transaction's chain recomputes from the previous one and the transaction as read (the one
 * layout, store/chain.ts), and the topic's head is the last chain (null for a topic with none).
 */
export async function expectChainHolds(store: EventStore, topic: string): Promise<void> {
  const txns = await allTxns(store, topic);
  const log = await readAll(store, topic);
  let prev = GENESIS;
  let i = 0;
  for (const t of txns) {
    expect(t.chain, `${topic}: txn ${t.txn}'s chain is 64 lowercase hex digits`).toMatch(/^[0-9a-f]{64}$/);
    const events: StoredEvent[] = [];
    while (i < log.length && log[i]!.txn === t.txn) events.push(log[i++]!);
    expect(events.length, `${topic}: txn ${t.txn}'s events`).toBe(t.count);
    expect(t.chain, `${topic}: txn ${t.txn}'s chain recomputes`).toBe(chainOfRead(prev, t, events));
    prev = t.chain;
  }
  if (txns.length > 0) expect((await store.topicInfo(topic)).head, `${topic}: head`).toBe(prev);
}

async function allTxns(store: EventStore, topic: string): Promise<TxnInfo[]> {
  const out: TxnInfo[] = [];
  let after = 0;
  for (;;) {
    const page = await store.listTxns(topic, { after, limit: 1000 });
    out.push(...page.txns);
    if (page.next === null) return out;
    after = page.next;
  }
}

export interface SameStateOptions {
  /** Page size of the reads of the store under test (default 1000). */
  pageSize?: number;
  /** Also compare the surfaces as of this txn. */
  asOfTxn?: number;
}

/** The store's answers for `topic` equal the oracle's fold of the same log (times aside). */
export async function expectSameState(
  store: EventStore,
  oracle: EventStore,
  topic: string,
  opts: SameStateOptions = {},
): Promise<void> {
  const pageSize = opts.pageSize ?? 1000;
  const log = await readAll(store, topic, pageSize);
  expect(log.map(withoutTime), `${topic}: the log`).toEqual((await readAll(oracle, topic)).map(withoutTime));
  expect((await allTxns(store, topic)).map(txnWithoutTime), `${topic}: the transactions`).toEqual(
    (await allTxns(oracle, topic)).map(txnWithoutTime),
  );
  await expectChainHolds(store, topic);
  const views: SurfaceOptions[] = [{ view: 'valid' }, { view: 'raw' }];
  if (opts.asOfTxn !== undefined) {
    views.push({ view: 'valid', asOfTxn: opts.asOfTxn }, { view: 'raw', asOfTxn: opts.asOfTxn });
  }
  for (const v of views) {
    const rows = (s: EventStore, size: number): Promise<SurfaceRow[]> => surfaceAll(s, topic, v, size);
    expect((await rows(store, pageSize)).map(withoutTime), `${topic}: surface ${JSON.stringify(v)}`).toEqual(
      (await rows(oracle, 1000)).map(withoutTime),
    );
  }
  // The timeline in one bucket: its counts do not depend on commit times, which differ.
  const oneBucket = async (s: EventStore) =>
    (await s.timeline(topic, { buckets: 1 })).buckets.map(({ start: _start, end: _end, ...counts }) => counts);
  expect(await oneBucket(store), `${topic}: the timeline in one bucket`).toEqual(await oneBucket(oracle));
  if (log.length === 0) {
    await expect(store.topicInfo(topic)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  } else {
    expect(countersOf(await store.topicInfo(topic)), `${topic}: the counters`).toEqual(
      countersOf(await oracle.topicInfo(topic)),
    );
  }
}
