/**
 * Progress of a SQLite store file's schema migration (openSqliteStore `onMigrationProgress`) on
 * files of versions 2 and 3 (sqlite-old-files.ts) big enough for several pages of each step, and
 * a listener that throws abandoning the migration.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore } from '../../src-core/store/sqlite';
import type { MigrationProgress } from '../../src-core/store/types';
import { expectMigrationProgress, writeChainFixture, writeManyTxns } from './migrated';
import { expectChainHolds } from './oracle';
import { makeOldCopy, tempDirEachTest, CANCEL_MIGRATION } from './sqlite-old-files';

const dir = tempDirEachTest();

describe('SQLite migration progress (openSqliteStore onMigrationProgress)', () => {
  /**
   * A file of `version` with the chain fixture, 1,300 more one-event transactions (3 pages of
   * the chain step) and, with `keys`, that many more keys in one transaction (pages of the heads
   * step); `total` is what its migration rewrites: transactions to chain (before version 3) and
   * heads rows.
   */
  async function bigOld(version: 2 | 3, keys = 0): Promise<{ file: string; total: number }> {
    const fresh = join(dir(), 'fresh.db');
    const store = openSqliteStore(fresh);
    try {
      await writeChainFixture(store);
      await writeManyTxns(store, 1300);
      if (keys > 0) {
        const per = 10_000; // the most events a transaction holds
        await store.appendBatch(
          Array.from({ length: Math.ceil(keys / per) }, (_, t) => ({
            topic: 'wide',
            events: Array.from({ length: Math.min(per, keys - t * per) }, (_, i) => ({
              key: `w${t * per + i}`,
              data: i,
            })),
          })),
        );
      }
    } finally {
      await store.close();
    }
    const file = join(dir(), `v${version}.db`);
    makeOldCopy(fresh, file, version);
    const raw = new Database(file, { readonly: true });
    const txns = raw.prepare('SELECT count(*) FROM txns').pluck().get() as number;
    const heads = raw.prepare('SELECT count(*) FROM latest').pluck().get() as number;
    raw.close();
    return { file, total: (version === 2 ? txns : 0) + heads };
  }
  const bigV2 = (): Promise<{ file: string; total: number }> => bigOld(2);

  it('reports the heads rows rewritten of the total from version 3, monotonic, ending at the total', async () => {
    const { file, total } = await bigOld(3, 25_000);
    expect(total).toBe(25_000 + 1300 + 5); // the wide keys, the many keys, the fixture's 5 keys
    const reports: MigrationProgress[] = [];
    const migrated = openSqliteStore(file, { onMigrationProgress: (p) => reports.push({ ...p }) });
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect((await migrated.topicInfo('wide')).keys).toBe(25_000);
      expect((await migrated.verify('wide')).ok).toBe(true);
    } finally {
      await migrated.close();
    }
    expectMigrationProgress(reports, total);
  });

  it('reports transactions chained and heads rows rewritten of one total, monotonic, ending at the total; none when nothing migrates', async () => {
    const { file, total } = await bigV2();
    expect(total).toBe(1305 + 1305); // the fixture's 5 transactions and 1,300; its 5 keys and 1,300
    const reports: MigrationProgress[] = [];
    const migrated = openSqliteStore(file, { onMigrationProgress: (p) => reports.push({ ...p }) });
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      await expectChainHolds(migrated, 'many');
    } finally {
      await migrated.close();
    }
    expectMigrationProgress(reports, total);
    // Opening it again (current) and creating a new file migrate nothing: no report.
    const quiet: MigrationProgress[] = [];
    for (const f of [file, join(dir(), 'new.db')]) {
      await openSqliteStore(f, { onMigrationProgress: (p) => quiet.push(p) }).close();
    }
    expect(quiet).toEqual([]);
  });

  it('a listener that throws abandons the migration: the file stays at version 2, unchained', async () => {
    const { file } = await bigV2();
    expect(() => openSqliteStore(file, CANCEL_MIGRATION)).toThrow(/cancelled by the listener/);
    const after = new Database(file, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(2);
      const cols = (after.prepare('PRAGMA table_info(txns)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).not.toContain('chain');
    } finally {
      after.close();
    }
    // And it still migrates afterwards.
    const again = openSqliteStore(file);
    try {
      await expectChainHolds(again, 'many');
    } finally {
      await again.close();
    }
  });
});
