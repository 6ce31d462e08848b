/**
 * PostgreSQL restarted under load, on a PRIVATE throwaway cluster (private-cluster.ts): an HTTP
 * server over a PostgresEventStore takes writes from four concurrent writers while the database is
 * stopped twice (a fast shutdown, then an immediate one that forces WAL replay) and started again.
 * While it is down, writes fail with 503 UNAVAILABLE and a message naming the database host (never
 * a 500); afterwards they succeed again without restarting anything of ours; every acknowledged
 * transaction is still there, the log is dense, the surface equals the fold of the log, and a live
 * subscription opened before the first restart reconnects and delivers every event once, in order.
 */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { openPostgresStore } from '../../src-core/store/postgres';
import { waitFor } from '../contract/harness';
import { checkStore, type AckedTxn } from './checker';
import { startPrivateCluster } from './private-cluster';
import { HttpWriteError, postTxn } from './serve-process';
import { randomTxn, rng } from './workload';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

describe('PostgreSQL restarted under load', () => {
  it('answers 503 UNAVAILABLE while down, recovers by itself, and loses nothing acknowledged', async () => {
    const cluster = await startPrivateCluster();
    cleanups.push(() => cluster.destroy());
    const store = await openPostgresStore({ url: cluster.url });
    cleanups.push(() => store.close());
    const server = await startServer({ store, port: 0 });
    cleanups.push(() => server.close());

    const live: StoredEvent[] = [];
    const stopLive = store.subscribe('r.a', (evs) => live.push(...evs));
    cleanups.push(async () => stopLive());
    await store.whenListening();

    const acked: AckedTxn[] = [];
    const failures: HttpWriteError[] = [];
    let running = true;
    const topics = ['r.a', 'r.b'];
    const writers = Array.from({ length: 4 }, async (_, w) => {
      const rand = rng(99 + w);
      while (running) {
        const txn = randomTxn(rand, { writers: 4, txnsPerWriter: 0, topics, keys: 30, values: 4 });
        try {
          acked.push({ ...txn, response: await postTxn(server.url, txn.topic, txn.events) });
        } catch (err) {
          if (!(err instanceof HttpWriteError)) throw err;
          failures.push(err);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    });
    const ackedAtLeast = (n: number) => waitFor(() => expect(acked.length).toBeGreaterThanOrEqual(n), 60_000);

    await ackedAtLeast(60);
    await cluster.stop('fast');
    await waitFor(() => expect(failures.length).toBeGreaterThan(0), 30_000);
    await new Promise((r) => setTimeout(r, 500));
    await cluster.start();
    const afterFirst = acked.length;
    await ackedAtLeast(afterFirst + 60);

    const failedBefore = failures.length;
    await cluster.stop('immediate');
    await waitFor(() => expect(failures.length).toBeGreaterThan(failedBefore), 30_000);
    await new Promise((r) => setTimeout(r, 500));
    await cluster.start();
    const afterSecond = acked.length;
    await ackedAtLeast(afterSecond + 60);
    running = false;
    await Promise.all(writers);

    // Every failure was a clean 503 naming the database; no 500s, no dropped connections.
    expect(failures.length).toBeGreaterThan(1);
    for (const f of failures) {
      expect({ status: f.status, code: f.code }).toEqual({ status: 503, code: 'UNAVAILABLE' });
      expect(f.message).toContain(`PostgreSQL at 127.0.0.1:${cluster.port}/postgres`);
    }

    const report = await checkStore(store, acked, { exact: false });
    expect(report.txns).toBeGreaterThanOrEqual(acked.filter((a) => a.response.txn !== null).length);

    // The LISTEN connection came back and the subscriber caught up without gaps or repeats.
    const maxSeq = (await store.topicInfo('r.a')).maxSeq;
    await waitFor(
      () => expect(live.map((e) => e.seq)).toEqual(Array.from({ length: maxSeq }, (_, i) => i + 1)),
      20_000,
    );
  });
});
