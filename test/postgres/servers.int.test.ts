/**
 * Several servers on one PostgreSQL database, as deployed: two real `tidemark serve --pg`
 * processes on a fresh database, eight concurrent HTTP writers spread over both on overlapping
 * topics and keys, and a live tail opened on the second server; then the checker (dense numbers,
 * every acknowledged transaction exactly once, de-duplication across servers, surface = fold of
 * the valid log) and a check that the tail on server B saw every event, including those written
 * through server A, in order and once. Also: a database unreachable at start is a clear error and a
 * non-zero exit of `tidemark serve`.
 */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src-core/model/types';
import { openHttpStore } from '../../src-core/store/http/index';
import { openPostgresStore } from '../../src-core/store/postgres';
import { tailTopic } from '../../src-core/store/tail';
import { waitFor } from '../contract/harness';
import { checkStore } from './checker';
import { makeDatabase } from './pg-helpers';
import { postTxn, runCli, startServe, type ServeProcess } from './serve-process';
import { runWorkload } from './workload';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

describe('two tidemark serve --pg processes on one database', () => {
  it('stay dense, exact and de-duplicated under eight writers, and tail across servers', async () => {
    const db = await makeDatabase();
    cleanups.push(db.drop);
    const servers: ServeProcess[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await startServe(['--pg', db.url, '--port', '0']);
      servers.push(s);
      cleanups.push(async () => {
        await s.stop();
      });
    }
    const [a, b] = servers as [ServeProcess, ServeProcess];

    // A live tail on server B, from the beginning of a topic nobody has written yet.
    const onB = openHttpStore({ url: b.url });
    cleanups.push(() => onB.close());
    const tailed: StoredEvent[] = [];
    const stopTail = tailTopic(onB, 's.a', 0, (evs) => tailed.push(...evs), { pollMs: 60_000 });
    cleanups.push(async () => stopTail());

    const topics = ['s.a', 's.b', 's.c'];
    const result = await runWorkload({ writers: 8, txnsPerWriter: 25, topics, seed: 777 }, (w, txn) =>
      postTxn(w % 2 === 0 ? a.url : b.url, txn.topic, txn.events),
    );
    expect(result.failures).toEqual([]);
    expect(result.acked).toHaveLength(200);

    const check = await openPostgresStore({ url: db.url });
    cleanups.push(() => check.close());
    const report = await checkStore(check, result.acked, { exact: true });
    expect(report.duplicates).toBeGreaterThan(0);

    // Writes through A reached the SSE tail on B, in order and once each. (Server B learns of A's
    // commits through LISTEN/NOTIFY; its tailTopic also polls as a fallback. Direct NOTIFY delivery
    // between two stores is asserted in store.int.test.ts.)
    const maxSeq = (await check.topicInfo('s.a')).maxSeq;
    await waitFor(
      () => expect(tailed.map((e) => e.seq)).toEqual(Array.from({ length: maxSeq }, (_, i) => i + 1)),
      15_000,
    );

    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  });

  it('exits non-zero with a clear message when the database is unreachable at start', async () => {
    const exit = await runCli(['serve', '--pg', 'postgres://postgres@127.0.0.1:1/x', '--port', '0']);
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.stdout).not.toMatch(/listening/);
    expect(exit.stderr).toMatch(/PostgreSQL at 127\.0\.0\.1:1\/x is unavailable/);
    expect(exit.stderr).toMatch(/UNAVAILABLE/);
  });
});
