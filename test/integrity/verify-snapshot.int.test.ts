/**
 * Verify reads one snapshot of a SQLite store file while writers go on: during the walk (at its
 * first progress report, after 1,000 of 2,500 transactions) another store object on the same file
 * appends transactions and invalidates an early one, which changes invalid flags, heads rows and
 * counters the walk has not reached yet. Verify still passes and reports the state it started on;
 * the next verify sees the writes.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openSqliteStore } from '../../src-core/store/sqlite';
import { tempDir } from '../cli/helpers';

it('verifies the snapshot it started on while another connection writes', async () => {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'store.db');
  const store = openSqliteStore(file);
  const writer = openSqliteStore(file);
  try {
    const txns = Array.from({ length: 2500 }, (_, i) => ({ topic: 't', events: [{ key: `k${i % 300}`, data: i }] }));
    await store.appendBatch(txns);
    const before = await store.topicInfo('t');
    const landed: Promise<unknown>[] = [];
    const r = await store.verify('t', {
      onProgress: (p) => {
        if (landed.length > 0 || p.txns >= p.totalTxns) return;
        landed.push(writer.append('t', { events: [{ key: 'k1', data: 'new' }] }));
        landed.push(writer.invalidate('t', 2400, 'during verify'));
        landed.push(writer.append('t', { events: [{ key: 'late', data: 1 }] }));
      },
    });
    await Promise.all(landed);
    expect(landed).toHaveLength(3);
    expect(r).toMatchObject({ ok: true, txns: before.maxTxn, events: before.events, head: before.head });
    const after = await store.topicInfo('t');
    expect(after.maxTxn).toBe(before.maxTxn + 3);
    expect(await store.verify('t')).toMatchObject({ ok: true, txns: after.maxTxn, head: after.head });
  } finally {
    await writer.close();
    await store.close();
    cleanup();
  }
});
