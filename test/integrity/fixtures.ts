/**
 * Large logs for the integrity tests, built as `ImportTxn`s (model/integrity.ts) and written with
 * `EventStore.importTxns` rather than one append per transaction: `importLog(n)` yields n
 * transactions of one event each with their chains computed by store/chain.ts `chainOfRead`, and
 * `importLog(n, { changeAt: k })` the same log with transaction k's data changed (so every chain
 * from k on is recomputed and differs). `countingStore` wraps a real store and counts the calls
 * made to it (every method, reads and writes alike).
 */
import type { ImportTxn } from '../../src-core/model/integrity';
import type { StoredEvent, TxnInfo } from '../../src-core/model/types';
import { GENESIS, chainOfRead } from '../../src-core/store/chain';
import { hashData } from '../../src-core/store/hash';
import type { EventStore } from '../../src-core/store/types';

const START = Date.UTC(2026, 0, 1);

export function* importLog(topic: string, n: number, opts: { changeAt?: number } = {}): Generator<ImportTxn> {
  let prev = GENESIS;
  for (let t = 1; t <= n; t++) {
    const time = new Date(START + t).toISOString();
    const data = { t, v: t === opts.changeAt ? 'changed' : 'same' };
    const event: StoredEvent = {
      topic,
      seq: t,
      txn: t,
      key: `k${t % 1000}`,
      type: 'event',
      data,
      contentType: 'application/json',
      hash: hashData(data),
      time,
    };
    const info: TxnInfo = {
      txn: t,
      firstSeq: t,
      lastSeq: t,
      count: 1,
      time,
      invalidatedBy: null,
      reason: null,
      meta: null,
      by: t % 10 === 0 ? 'loader' : null,
      chain: '',
    };
    info.chain = chainOfRead(prev, info, [event]);
    prev = info.chain;
    yield { txn: info, events: [event] };
  }
}

export interface CountingStore {
  store: EventStore;
  /** Calls made through `store`, by method name. */
  calls: Map<string, number>;
  total(): number;
}

/** A proxy of a real store that counts every method call made through it. */
export function countingStore(real: EventStore): CountingStore {
  const calls = new Map<string, number>();
  const store = new Proxy(real, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'close') return value;
      return (...args: unknown[]): unknown => {
        calls.set(prop, (calls.get(prop) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}
