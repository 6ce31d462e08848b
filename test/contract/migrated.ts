/**
 * What every backend must do right after its schema was migrated from version 1 (the SQLite and
 * PostgreSQL migration tests build a version-1 store with topic `t` whose valid surface is a=1,
 * b=2 at max seq 4, max txn 3): de-duplication still sees the old heads, and new writes and
 * invalidations store `meta` and `by`.
 */
import { expect } from 'vitest';
import type { EventStore } from '../../src-core/store/types';

export async function expectWritesAfterMigration(store: EventStore): Promise<void> {
  expect((await store.append('t', { events: [{ key: 'a', data: 1 }] })).txn).toBeNull();
  const r = await store.append('t', { events: [{ key: 'c', data: 4 }], meta: { why: 'after' }, by: 'ann' });
  expect(r.txn).toBe(4);
  expect(await store.getTxn('t', 4)).toMatchObject({ meta: { why: 'after' }, by: 'ann', firstSeq: 5 });
  await store.invalidate('t', 4, 'undo', { by: 'bob' });
  expect((await store.getTxn('t', 5)).by).toBe('bob');
}
