/**
 * The consistency checker of the concurrency and fault tests. Given a store and the transactions
 * whose writes were acknowledged, it reads everything back through the EventStore interface and
 * asserts: per topic, seq is dense from 1 and txn dense from 1 in log order, counters agree with the
 * log; every acknowledged transaction is present exactly once with exactly its non-duplicate events
 * (key and hash), and every duplicate result points at a stored event of the same key and hash;
 * de-duplication held (no stored event repeats the hash of the newest event of its key that was
 * valid when it was written); and the surface, valid and raw, equals a fold of the log.
 */
import { expect } from 'vitest';
import { compareKeys } from '../../src-core/model/canonical';
import { hashData } from '../../src-core/store/hash';
import type { AppendResponse, EventInput, StoredEvent } from '../../src-core/model/types';
import type { EventStore } from '../../src-core/store/types';
import { readAll, surfaceAll } from '../contract/harness';

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

/** No stored event repeats the hash of its key's newest event that was valid when it was written. */
function checkDedupHeld(topic: string, log: StoredEvent[]): void {
  const invalidatedAt = new Map<number, number>(); // txn -> seq of its marker
  const history = new Map<string, StoredEvent[]>();
  for (const e of log) {
    if (e.type === 'invalidate') {
      invalidatedAt.set(e.target!, e.seq);
      continue;
    }
    const prev = history.get(e.key) ?? [];
    for (let i = prev.length - 1; i >= 0; i--) {
      const p = prev[i]!;
      if (invalidatedAt.has(p.txn) && p.txn !== e.txn) continue; // invalid when e was written
      expect(p.hash === e.hash, `${topic}: seq ${e.seq} duplicates seq ${p.seq} (key ${e.key})`).toBe(false);
      break;
    }
    prev.push(e);
    history.set(e.key, prev);
  }
}

function fold(log: StoredEvent[], raw: boolean): { key: string; seq: number; hash: string; invalid: boolean }[] {
  const invalid = new Set(log.filter((e) => e.type === 'invalidate').map((e) => e.target!));
  const head = new Map<string, StoredEvent>();
  for (const e of log) {
    if (e.type !== 'event') continue;
    if (!raw && invalid.has(e.txn)) continue;
    head.set(e.key, e);
  }
  return [...head.values()]
    .filter((e) => e.data !== null)
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((e) => ({ key: e.key, seq: e.seq, hash: e.hash, invalid: raw && invalid.has(e.txn) }));
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

    checkDedupHeld(topic, log);
    const valid = await surfaceAll(store, topic);
    expect(valid.map((r) => ({ key: r.key, seq: r.seq, hash: r.hash, invalid: r.invalid === true }))).toEqual(
      fold(log, false),
    );
    expect(info.keys).toBe(valid.length);
    const raw = await surfaceAll(store, topic, { view: 'raw' });
    expect(raw.map((r) => ({ key: r.key, seq: r.seq, hash: r.hash, invalid: r.invalid === true }))).toEqual(
      fold(log, true),
    );
    report.events += log.length;
    report.txns += byTxn.size;
  }
  return report;
}
