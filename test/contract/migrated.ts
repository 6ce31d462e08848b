/**
 * What every backend must do right after its schema was migrated from version 1 (the SQLite and
 * PostgreSQL migration tests build a version-1 store with topic `t` whose valid surface is a=1,
 * b=2 at max seq 4, max txn 3): de-duplication still sees the old heads, and new writes and
 * invalidations store `meta` and `by`, and the chain the migration computed goes on unbroken.
 */
import { expect } from 'vitest';
import type { TxnInfo } from '../../src-core/model/types';
import type { EventStore, MigrationProgress } from '../../src-core/store/types';
import { expectChainHolds } from './oracle';

/**
 * A log for the version 2 -> 3 migration tests (the chain computed for transactions already
 * there): unicode keys, nested data with awkward numbers, a tombstone, content types, a writer's
 * hash, meta and by, and an invalidation marker with its `by`, over two topics.
 */
export async function writeChainFixture(store: EventStore): Promise<void> {
  await store.append('t', {
    events: [
      { key: 'ä/ключ/😀', data: { z: [0.1, -0, 1.5e-7, 9007199254740991], a: { é: 'q"\\\n' } } },
      { key: 'b', data: 'plain', contentType: 'text/plain' },
    ],
    meta: { job: 'nightly', rows: 2 },
    by: 'loader',
  });
  await store.append('t', {
    events: [
      { key: 'b', data: null },
      { key: 'c', data: [1, [2, [3]]] },
    ],
  });
  await store.invalidate('t', 2, 'wrong drop', { by: 'auditor' });
  await store.append('t', { events: [{ key: 'd', data: true, hash: 'cd'.repeat(32) }], by: 'x' });
  await store.append('u', { events: [{ key: 'k', data: 1 }] });
}

/** Every transaction of `topic`, ascending. */
export async function txnsOf(store: EventStore, topic: string): Promise<TxnInfo[]> {
  return (await store.listTxns(topic, { limit: 1000 })).txns;
}

export async function expectWritesAfterMigration(store: EventStore): Promise<void> {
  expect((await store.append('t', { events: [{ key: 'a', data: 1 }] })).txn).toBeNull();
  const r = await store.append('t', { events: [{ key: 'c', data: 4 }], meta: { why: 'after' }, by: 'ann' });
  expect(r.txn).toBe(4);
  expect(await store.getTxn('t', 4)).toMatchObject({ meta: { why: 'after' }, by: 'ann', firstSeq: 5 });
  await store.invalidate('t', 4, 'undo', { by: 'bob' });
  expect((await store.getTxn('t', 5)).by).toBe('bob');
  // The chain computed by the migration goes on through the new writes.
  await expectChainHolds(store, 't');
}

/** Each fixture topic's chains and head, as a store answers them. */
export type FixtureChains = Record<string, { chains: string[]; head: string | null }>;

export async function fixtureChains(store: EventStore): Promise<FixtureChains> {
  const out: FixtureChains = {};
  for (const t of ['t', 'u']) {
    out[t] = { chains: (await txnsOf(store, t)).map((x) => x.chain), head: (await store.topicInfo(t)).head };
  }
  return out;
}

/** The migrated store answers the chains a current store computed, and they recompute. */
export async function expectFixtureChains(store: EventStore, expected: FixtureChains): Promise<void> {
  expect(await fixtureChains(store)).toEqual(expected);
  for (const t of Object.keys(expected)) await expectChainHolds(store, t);
}

/** Writes `txns` one-event transactions to topic `many` (more than one page of a migration). */
export async function writeManyTxns(store: EventStore, txns: number): Promise<void> {
  for (let from = 0; from < txns; from += 500) {
    const n = Math.min(500, txns - from);
    await store.appendBatch(
      Array.from({ length: n }, (_, i) => ({ topic: 'many', events: [{ key: `k${from + i}`, data: from + i }] })),
    );
  }
}

/**
 * A migration's progress reports as API users see them: first 0 of the total, `done` never going
 * down nor past the total, the total the same in every report, the last one total of total, and
 * more than those two when the log spans several pages.
 */
export function expectMigrationProgress(reports: MigrationProgress[], total: number): void {
  expect(reports.length).toBeGreaterThan(2);
  expect(reports[0]).toEqual({ done: 0, total });
  expect(reports.at(-1)).toEqual({ done: total, total });
  for (let i = 1; i < reports.length; i++) {
    expect(reports[i]!.total).toBe(total);
    expect(reports[i]!.done).toBeGreaterThanOrEqual(reports[i - 1]!.done);
    expect(reports[i]!.done).toBeLessThanOrEqual(total);
  }
}
