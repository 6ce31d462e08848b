/**
 * Unit tests of the compare engine (services/compare.ts) over in-test logs: two lists of
 * transactions whose chains are computed by store/chain.ts, served by the three reads the engine
 * uses (listTopics, topicInfo, listTxns), each counted. Checks every result (equal, missing on
 * either or both sides, a prefix either way, a divergence at every position of small logs and at
 * random positions of long ones) and that the reads stay within log2(N) + 3 per side. The
 * real-store versions (SQLite, a server) are in test/integrity/compare.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { noSuchTopic } from '../model/errors';
import type { ListTxnsOptions, TopicInfo, TxnInfo, TxnPage } from '../model/types';
import { GENESIS, chainOf } from '../store/chain';
import type { EventStore } from '../store/types';
import { compareStores } from './compare';

/** A log of `n` transactions; from `diverge` on (if given) its content differs by `salt`. */
function log(n: number, diverge?: number, salt = 'b', prefix: TxnInfo[] = []): TxnInfo[] {
  const out: TxnInfo[] = prefix.slice();
  let prev = prefix.at(-1)?.chain ?? GENESIS;
  for (let t = prefix.length + 1; t <= n; t++) {
    const by = diverge !== undefined && t >= diverge ? salt : 'a';
    const time = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, t)).toISOString();
    prev = chainOf(prev, { txn: t, time, by, meta: null }, []);
    out.push({
      txn: t,
      firstSeq: t,
      lastSeq: t,
      count: 1,
      time,
      invalidatedBy: null,
      reason: null,
      meta: null,
      by,
      chain: prev,
    });
  }
  return out;
}

interface Counted {
  store: EventStore;
  reads: () => number;
}

/** The reads compare makes, over in-memory logs per topic; everything else is refused. */
function logStore(topics: Record<string, TxnInfo[]>): Counted {
  let reads = 0;
  const info = (topic: string, txns: TxnInfo[]): TopicInfo => ({
    topic,
    events: txns.length,
    keys: 1,
    maxSeq: txns.length,
    maxTxn: txns.length,
    invalidTxns: 0,
    lastTime: txns.at(-1)?.time ?? null,
    head: txns.at(-1)?.chain ?? null,
  });
  const store = {
    kind: 'memory',
    listTopics: () => {
      reads++;
      return Promise.resolve(Object.entries(topics).map(([t, txns]) => info(t, txns)));
    },
    topicInfo: (topic: string) => {
      reads++;
      const txns = topics[topic];
      return txns === undefined ? Promise.reject(noSuchTopic(topic)) : Promise.resolve(info(topic, txns));
    },
    listTxns: (topic: string, opts: ListTxnsOptions = {}): Promise<TxnPage> => {
      reads++;
      const from = opts.after ?? 0;
      const txns = (topics[topic] ?? []).slice(from, from + (opts.limit ?? 100));
      return Promise.resolve({ txns, next: null });
    },
  } as unknown as EventStore;
  return { store, reads: () => reads };
}

describe('compareStores', () => {
  it('equal heads: equal, with one topic list read per side and no other read', async () => {
    const a = logStore({ t: log(50), u: log(3) });
    const b = logStore({ t: log(50), u: log(3) });
    const r = await compareStores(a.store, b.store);
    expect(r.equal).toBe(true);
    expect(r.topics.map((t) => [t.topic, t.result, t.common])).toEqual([
      ['t', 'equal', 50],
      ['u', 'equal', 3],
    ]);
    expect(r.reads).toEqual({ from: 1, to: 1 });
    expect([a.reads(), b.reads()]).toEqual([1, 1]);
  });

  it('a topic missing on one side, or on both when named', async () => {
    const a = logStore({ t: log(5), only: log(2) });
    const b = logStore({ t: log(5) });
    const all = await compareStores(a.store, b.store);
    expect(all.equal).toBe(false);
    expect(all.topics.find((t) => t.topic === 'only')).toMatchObject({ result: 'missing', side: 'to', to: null });
    const named = await compareStores(b.store, a.store, { topics: ['only', 'nowhere', 't'] });
    expect(named.topics.map((t) => [t.topic, t.result, t.side])).toEqual([
      ['only', 'missing', 'from'],
      ['nowhere', 'missing', 'both'],
      ['t', 'equal', null],
    ]);
  });

  it('a strict prefix: names the side ahead and by how much, with one read per side at most', async () => {
    const a = logStore({ t: log(1000) });
    const b = logStore({ t: log(990) });
    const r = await compareStores(a.store, b.store);
    expect(r.topics[0]).toMatchObject({ result: 'prefix', side: 'from', aheadBy: 10, common: 990, firstDiff: null });
    expect(r.topics[0]!.reads).toEqual({ from: 1, to: 0 });
    const back = await compareStores(b.store, a.store, { topics: ['t'] });
    expect(back.topics[0]).toMatchObject({ result: 'prefix', side: 'to', aheadBy: 10, common: 990 });
  });

  it('finds the first diverging transaction at every position of a small log', async () => {
    for (let n = 1; n <= 17; n++) {
      for (let k = 1; k <= n; k++) {
        for (const m of [n, n + 3]) {
          const a = logStore({ t: log(n) });
          const b = logStore({ t: log(m, k) });
          const c = (await compareStores(a.store, b.store)).topics[0]!;
          expect(c.result, `n=${n} m=${m} k=${k}`).toBe('diverged');
          expect(c.firstDiff?.txn).toBe(k);
          expect(c.firstDiff?.from.chain).toBe(log(n)[k - 1]!.chain);
          expect(c.firstDiff?.to.chain).toBe(log(m, k)[k - 1]!.chain);
          expect(c.common).toBe(k - 1);
        }
      }
    }
  });

  it('finds a divergence at random positions of 100,000 transactions in at most log2(N) + 3 reads per side', async () => {
    const n = 100_000;
    const base = log(n);
    const bound = Math.ceil(Math.log2(n)) + 3;
    for (const k of [1, 99_999, 100_000, ...Array.from({ length: 3 }, () => 1 + Math.floor(Math.random() * n))]) {
      const other = log(n, k, 'b', base.slice(0, k - 1));
      const a = logStore({ t: base });
      const b = logStore({ t: other });
      const r = await compareStores(a.store, b.store, { topics: ['t'] });
      expect(r.topics[0]!.firstDiff?.txn, `k=${k}`).toBe(k);
      expect(a.reads()).toBeLessThanOrEqual(bound);
      expect(b.reads()).toBeLessThanOrEqual(bound);
      expect(r.reads).toEqual({ from: a.reads(), to: b.reads() });
    }
  });

  it('reports progress per topic and stops with CANCELLED when the signal is aborted', async () => {
    const a = logStore({ t: log(5, 2), u: log(5) });
    const b = logStore({ t: log(5), u: log(5) });
    const seen: string[] = [];
    await compareStores(a.store, b.store, { onProgress: (p) => seen.push(`${p.done}/${p.total ?? '?'} ${p.unit}`) });
    expect(seen).toEqual(['0/2 topics', '1/2 topics', '2/2 topics']);
    const ac = new AbortController();
    ac.abort();
    await expect(compareStores(a.store, b.store, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('refuses an invalid topic name, naming it', async () => {
    const a = logStore({});
    await expect(compareStores(a.store, a.store, { topics: ['bad name'] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('topics[0]') as unknown,
    });
  });
});
