/**
 * The bound: compare finds a divergence planted at a random transaction of 100,000 with
 * at most ~20 reads per side. Two real SQLite files get the same 100,000-transaction log through
 * `importTxns` (test/integrity/fixtures.ts), the second with transaction k (random, printed) changed
 * and every chain after it recomputed; compare runs through counting proxies of the real stores,
 * and then against the second file behind a real server whose requests the server counts. Also: a
 * strict prefix of the 100,000 (the second file's import stopped at k) costs one read.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportTxn } from '../../src-core/model/integrity';
import { compareStores } from '../../src-core/services/compare';
import { openHttpStore } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { tempDir } from '../http/helpers';
import { countingServer } from '../services/helpers';
import { countingStore, importLog } from './fixtures';

const N = 100_000;
const T = 'big';
/** ~20 reads per side: the topic's counters, log2(100,000) < 17 bisection steps, the differing transaction. */
const BOUND = 20;
const k = 1 + Math.floor(Math.random() * N);
const cut = 1 + Math.floor(Math.random() * (N - 1));

let dir: string;
const stores: EventStore[] = [];
let same: EventStore;
let changed: EventStore;
let prefix: EventStore;

async function imported(name: string, log: Iterable<ImportTxn>): Promise<EventStore> {
  const s = openSqliteStore(join(dir, name), { synchronous: 'NORMAL' });
  stores.push(s);
  const res = await s.importTxns(T, log);
  expect(res.error).toBeNull();
  return s;
}

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of it) {
    yield x;
    if (++i >= n) return;
  }
}

beforeAll(async () => {
  console.log(`compare-large: divergence planted at transaction ${k} of ${N}; prefix cut at ${cut}`);
  dir = tempDir('tidemark-compare-large-');
  same = await imported('a.db', importLog(T, N));
  changed = await imported('b.db', importLog(T, N, { changeAt: k }));
  prefix = await imported('c.db', take(importLog(T, N), cut));
}, 600_000);

afterAll(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('compare over 100,000 imported transactions', () => {
  it(`finds the planted divergence with at most ${BOUND} reads per side (SQLite)`, async () => {
    const a = countingStore(same);
    const b = countingStore(changed);
    const r = await compareStores(a.store, b.store, { topics: [T] });
    const c = r.topics[0]!;
    expect(c).toMatchObject({ result: 'diverged', common: k - 1, firstDiff: { txn: k } });
    expect(c.firstDiff!.from.chain).not.toBe(c.firstDiff!.to.chain);
    console.log(`compare-large: SQLite reads from ${a.total()} to ${b.total()}`);
    expect(r.reads).toEqual({ from: a.total(), to: b.total() });
    expect(a.total()).toBeLessThanOrEqual(BOUND);
    expect(b.total()).toBeLessThanOrEqual(BOUND);
    expect([...a.calls.keys()].sort()).toEqual(['listTxns', 'topicInfo']);
  });

  it(`finds it through a real server with at most ${BOUND} requests to that server`, async () => {
    const server = await countingServer(changed);
    const http = openHttpStore({ url: server.url });
    try {
      const r = await compareStores(same, http, { topics: [T] });
      expect(r.topics[0]).toMatchObject({ result: 'diverged', firstDiff: { txn: k } });
      console.log(`compare-large: requests to the server ${server.requests.length}`);
      expect(server.requests.length).toBe(r.reads.to);
      expect(server.requests.length).toBeLessThanOrEqual(BOUND);
    } finally {
      await http.close();
      await server.close();
    }
  });

  it('a strict prefix of the 100,000 costs one read', async () => {
    const a = countingStore(same);
    const p = countingStore(prefix);
    const r = await compareStores(p.store, a.store);
    expect(r.topics[0]).toMatchObject({ result: 'prefix', side: 'to', aheadBy: N - cut, common: cut });
    expect([p.total(), a.total()]).toEqual([1, 2]);
  });
});
