/**
 * Verify's source over the memory store (store/verify.ts): the log itself is the only state, so
 * the maintained side (heads, counters) is its fold (fold.ts), exactly what the database backends'
 * maintained tables must agree with. It reads a copy of the topic's log taken when verify starts
 * (the snapshot). The memory store is the reference, not a volume store: the fold is computed once
 * per verify, over every key.
 */
import { compareKeys } from '../../model/canonical';
import type { RawCounters, RawEvent, RawHead, RawTxn, VerifySource } from '../verify';
import { type LogEntry, headsOf, invalidations, topicInfoOf } from './fold';

function rawEvent(e: LogEntry, invalid: ReadonlyMap<number, LogEntry>): RawEvent {
  return {
    seq: e.seq,
    txn: e.txn,
    key: e.key,
    marker: e.type === 'invalidate',
    data: e.tomb || e.type === 'invalidate' ? null : e.data,
    contentType: e.contentType,
    hash: e.hash,
    time: e.time,
    target: e.target ?? null,
    reason: e.reason ?? null,
    invalid: invalid.has(e.txn),
  };
}

function txnsOfLog(log: readonly LogEntry[], invalid: ReadonlyMap<number, LogEntry>): RawTxn[] {
  const out: RawTxn[] = [];
  for (const e of log) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.txn === e.txn) {
      prev.lastSeq = e.seq;
      continue;
    }
    out.push({
      txn: e.txn,
      firstSeq: e.seq,
      lastSeq: e.seq,
      time: e.time,
      by: e.by,
      meta: e.meta,
      marker: e.type === 'invalidate',
      invalidatedBy: invalid.get(e.txn)?.seq ?? null,
      chain: e.chain,
    });
  }
  return out;
}

function foldHeads(log: readonly LogEntry[], invalid: ReadonlyMap<number, LogEntry>): RawHead[] {
  const raw = headsOf(log, invalid, 'raw');
  const valid = headsOf(log, invalid, 'valid');
  return [...raw.values()]
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((r) => {
      const v = valid.get(r.key);
      return {
        key: r.key,
        rawSeq: r.seq,
        rawLive: !r.tomb,
        validSeq: v?.seq ?? null,
        validLive: v !== undefined && !v.tomb,
        validHash: v?.hash ?? null,
        rawTxn: r.txn,
      };
    });
}

/** A page of key-ordered heads after `after`. */
function headPage(heads: readonly RawHead[], after: string | null, limit: number): RawHead[] {
  let i = 0;
  if (after !== null) {
    let lo = 0;
    let hi = heads.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(heads[mid]!.key, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  return heads.slice(i, i + limit);
}

export function memoryVerifySource(topic: string, logAtStart: readonly LogEntry[]): VerifySource {
  const log = logAtStart.slice();
  const invalid = invalidations(log);
  const txns = txnsOfLog(log, invalid);
  let heads: RawHead[] | null = null;
  const allHeads = (): RawHead[] => (heads ??= foldHeads(log, invalid));
  const info = log.length === 0 ? null : topicInfoOf(topic, log);
  return {
    headHashLength: 64,
    counters: (): RawCounters | null =>
      info === null
        ? null
        : {
            maxSeq: info.maxSeq,
            maxTxn: info.maxTxn,
            keys: info.keys,
            invalidTxns: info.invalidTxns,
            lastTime: info.lastTime,
            head: info.head,
          },
    txns: (after, limit) => txns.filter((t) => t.txn > after).slice(0, limit),
    txnAt: (n) => txns.find((t) => t.txn === n) ?? null,
    events: (after, limit) => log.slice(after, after + limit).map((e) => rawEvent(e, invalid)),
    eventAt: (seq) => {
      const e = log[seq - 1];
      return e === undefined ? null : rawEvent(e, invalid);
    },
    heads: (after, limit) => headPage(allHeads(), after, limit),
    fold: (after, limit) => headPage(allHeads(), after, limit),
    close: () => undefined,
  };
}
