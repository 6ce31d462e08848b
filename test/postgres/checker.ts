/**
 * The consistency checker of the concurrency and fault tests. Given a store and the transactions
 * whose writes were acknowledged, it reads everything back through the EventStore interface and
 * asserts: per topic, seq is dense from 1 and txn dense from 1 in log order, counters agree with the
 * log; every acknowledged transaction is present exactly once with exactly its non-duplicate events
 * (key and hash), and every duplicate result points at a stored event of the same key and hash;
 * de-duplication held (the log replays into the in-memory reference store, test/contract/oracle.ts,
 * with the same numbers and no duplicate); and the log, transactions, surfaces (valid and raw) and
 * counters equal the reference store's fold of that log.
 */
import { expect } from 'vitest';
import type { AppendResponse, EventInput, StoredEvent } from '../../src-core/model/types';
import { hashData } from '../../src-core/store/hash';
import type { EventStore } from '../../src-core/store/types';
import { readAll } from '../contract/harness';
import { expectSameState, openOracle, replayLog } from '../contract/oracle';

export interface AckedTxn {
  topic: string;
  events: EventInput[];
  response: AppendResponse;
}

export interface CheckOptions {
  /** Every write was acknowledged (none failed ambiguously): the log holds exactly the acked txns. */
  exact: boolean;
}

export interface CheckReport {
  topics: number;
  events: number;
  txns: number;
  duplicates: number;
}

function hashOf(e: EventInput): string {
  return e.hash ?? hashData(e.data);
}

function checkLog(topic: string, log: StoredEvent[]): Map<number, StoredEvent[]> {
  const byTxn = new Map<number, StoredEvent[]>();
  let lastTxn = 0;
  log.forEach((e, i) => {
    expect(e.topic).toBe(topic);
    expect(e.seq, `${topic}: seq dense`).toBe(i + 1);
    if (e.txn !== lastTxn) {
      expect(e.txn, `${topic}: txn dense at seq ${e.seq}`).toBe(lastTxn + 1);
      lastTxn = e.txn;
    }
    const list = byTxn.get(e.txn) ?? [];
    list.push(e);
    byTxn.set(e.txn, list);
  });
  return byTxn;
}

export async function checkStore(store: EventStore, acked: AckedTxn[], opts: CheckOptions): Promise<CheckReport> {
  const topics = [...new Set(acked.map((a) => a.topic))].sort();
  const report: CheckReport = { topics: topics.length, events: 0, txns: 0, duplicates: 0 };
  for (const topic of topics) {
    const log = await readAll(store, topic);
    const byTxn = checkLog(topic, log);
    const info = await store.topicInfo(topic);
    expect(info.maxSeq).toBe(log.length);
    expect(info.events).toBe(log.length);
    expect(info.maxTxn).toBe(log.length === 0 ? 0 : log[log.length - 1]!.txn);
    expect(info.invalidTxns).toBe(log.filter((e) => e.type === 'invalidate').length);

    const mine = acked.filter((a) => a.topic === topic);
    const seenTxns = new Set<number>();
    for (const a of mine) {
      expect(a.response.results).toHaveLength(a.events.length);
      a.response.results.forEach((r, i) => {
        const stored = log[r.seq - 1];
        expect(stored, `${topic}: acked seq ${r.seq} is stored`).toBeDefined();
        expect({ key: stored!.key, hash: stored!.hash, txn: stored!.txn }).toEqual({
          key: a.events[i]!.key,
          hash: hashOf(a.events[i]!),
          txn: r.txn,
        });
        if (r.duplicate) report.duplicates++;
      });
      if (a.response.txn === null) {
        expect(a.response.results.every((r) => r.duplicate)).toBe(true);
        continue;
      }
      expect(seenTxns.has(a.response.txn), `${topic}: txn ${a.response.txn} acknowledged twice`).toBe(false);
      seenTxns.add(a.response.txn);
      const stored = byTxn.get(a.response.txn) ?? [];
      const fresh = a.response.results.filter((r) => !r.duplicate);
      expect(
        stored.map((e) => e.seq),
        `${topic}: txn ${a.response.txn} holds exactly its events`,
      ).toEqual(fresh.map((r) => r.seq));
      expect(fresh.every((r) => r.txn === a.response.txn)).toBe(true);
    }
    const writtenTxns = [...byTxn.values()].filter((evs) => evs[0]!.type === 'event').length;
    if (opts.exact) expect(writtenTxns, `${topic}: no transaction beyond the acknowledged ones`).toBe(seenTxns.size);
    else expect(writtenTxns).toBeGreaterThanOrEqual(seenTxns.size);

    // De-duplication held and the surfaces and counters equal a fold of the log: the log replays into
    // the reference store with the same numbers and no duplicate, and both then answer alike.
    const oracle = openOracle();
    try {
      await replayLog(oracle, topic, log);
      await expectSameState(store, oracle, topic);
    } finally {
      await oracle.close();
    }
    report.events += log.length;
    report.txns += byTxn.size;
  }
  return report;
}
