/**
 * The compare engine (services/compare.ts) on real stores: SQLite files whose logs share a prefix
 * because one file was copied from the other mid-way (then each written on its own: a marker, meta
 * and by included), and a real Tidemark server over one of them, reached through the HTTP client,
 * whose requests the server itself counts (test/services/helpers.ts `countingServer`). Checks
 * equal, missing, prefix either way and a divergence at the transaction where the files parted,
 * with the reads the engine reports equal to the requests the server received.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareStores } from '../../src-core/services/compare';
import { openHttpStore } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { tempDir } from '../http/helpers';
import { countingServer } from '../services/helpers';
import { cleanupsAfterEach } from '../cleanups';

const T = 'cmp.t';
const cleanups = cleanupsAfterEach();

/** Writes transactions `from`..`to` (one or two events each, meta and by on every third). */
async function write(store: EventStore, topic: string, from: number, to: number, tag: string): Promise<void> {
  for (let t = from; t <= to; t++) {
    const events = [{ key: `k${t % 7}`, data: { t, tag } }];
    if (t % 2 === 0) events.push({ key: `even${t % 3}`, data: { t, tag } });
    await store.append(topic, t % 3 === 0 ? { events, meta: { t }, by: 'loader' } : { events });
  }
}

/** Two SQLite files that share the first `shared` transactions of T and then hold `a` and `b` in all. */
async function parted(shared: number, a: number, b: number): Promise<{ fileA: string; fileB: string; dir: string }> {
  const dir = tempDir('tidemark-compare-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const fileA = join(dir, 'a.db');
  const fileB = join(dir, 'b.db');
  let s = openSqliteStore(fileA, { synchronous: 'NORMAL' });
  await write(s, T, 1, shared, 'same');
  if (shared >= 2) await s.invalidate(T, 2, 'bad load', { by: 'ops' });
  await s.close();
  copyFileSync(fileA, fileB);
  const sharedTxns = shared >= 2 ? shared + 1 : shared;
  s = openSqliteStore(fileA, { synchronous: 'NORMAL' });
  await write(s, T, sharedTxns + 1, a, 'a');
  await s.close();
  s = openSqliteStore(fileB, { synchronous: 'NORMAL' });
  await write(s, T, sharedTxns + 1, b, 'b');
  await s.close();
  return { fileA, fileB, dir };
}

function open(file: string): EventStore {
  const s = openSqliteStore(file);
  cleanups.push(() => s.close());
  return s;
}

describe('compare on SQLite files', () => {
  it('equal files are equal, from one topic list per side', async () => {
    const { fileA, dir } = await parted(20, 21, 21);
    const copy = join(dir, 'copy.db');
    copyFileSync(fileA, copy);
    const r = await compareStores(open(fileA), open(copy));
    expect(r.equal).toBe(true);
    expect(r.topics).toMatchObject([{ topic: T, result: 'equal', common: 21 }]);
    expect(r.reads).toEqual({ from: 1, to: 1 });
  });

  it('a topic only one side has is missing on the other', async () => {
    const { fileA, fileB } = await parted(5, 6, 6);
    const a = open(fileA);
    await a.append('cmp.only', { events: [{ key: 'x', data: 1 }] });
    const r = await compareStores(a, open(fileB));
    expect(r.equal).toBe(false);
    expect(r.topics.find((t) => t.topic === 'cmp.only')).toMatchObject({ result: 'missing', side: 'to', to: null });
  });

  it('a log that is a strict prefix: the side ahead and by how many transactions', async () => {
    const { fileA, fileB } = await parted(30, 31, 31);
    const b = open(fileB);
    await write(b, T, 32, 40, 'b');
    const r = await compareStores(open(fileA), b, { topics: [T] });
    expect(r.topics[0]).toMatchObject({ result: 'prefix', side: 'to', aheadBy: 9, common: 31 });
  });

  it('finds the transaction where the files parted, within log2(N) + 3 reads per side', async () => {
    for (const shared of [1, 57, 199]) {
      const { fileA, fileB } = await parted(shared, 260, 230);
      const sharedTxns = shared >= 2 ? shared + 1 : shared;
      const r = await compareStores(open(fileA), open(fileB), { topics: [T] });
      const c = r.topics[0]!;
      expect(c.result, `shared ${shared}`).toBe('diverged');
      expect(c.firstDiff?.txn).toBe(sharedTxns + 1);
      expect(c.common).toBe(sharedTxns);
      expect(c.firstDiff?.from.chain).not.toBe(c.firstDiff?.to.chain);
      const bound = Math.ceil(Math.log2(260)) + 3;
      expect(r.reads.from).toBeLessThanOrEqual(bound);
      expect(r.reads.to).toBeLessThanOrEqual(bound);
    }
  });
});

describe('compare with a real server', () => {
  it('reports the reads the server received, and finds the divergence through the HTTP client', async () => {
    const { fileA, fileB } = await parted(100, 400, 380);
    const served = open(fileB);
    const server = await countingServer(served);
    cleanups.push(() => server.close());
    const http = openHttpStore({ url: server.url });
    cleanups.push(() => http.close());
    const before = server.requests.length;
    const r = await compareStores(open(fileA), http, { topics: [T] });
    expect(r.topics[0]).toMatchObject({ result: 'diverged', firstDiff: { txn: 102 } });
    const received = server.requests.slice(before);
    expect(received.length).toBe(r.reads.to);
    expect(received.every((q) => q.startsWith('GET /v1/topics/'))).toBe(true);
    expect(r.reads.to).toBeLessThanOrEqual(Math.ceil(Math.log2(380)) + 3);

    // The same log on both sides of the wire: equal, from the heads alone.
    const again = server.requests.length;
    const same = await compareStores(served, http);
    expect(same).toMatchObject({ equal: true, reads: { from: 1, to: 1 } });
    expect(server.requests.length - again).toBe(1);
  });
});
