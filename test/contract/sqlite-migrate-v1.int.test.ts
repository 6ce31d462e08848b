/**
 * Schema migration of a SQLite store file made by version 1 (sqlite-old-files.ts): it opens
 * read-write and is upgraded in place to the current version, keeping every event, transaction,
 * invalidation and counter; its transactions read back `meta` and `by` as null, and new writes
 * store both. Opening such a file read-only is refused (it cannot be upgraded), leaving it
 * byte-identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore } from '../../src-core/store/sqlite';
import { expectCode, readAll, surfaceAll } from './harness';
import { expectWritesAfterMigration } from './migrated';
import { expectChainHolds } from './oracle';
import { T0, makeV1Store, tempDirEachTest } from './sqlite-old-files';

const dir = tempDirEachTest();

describe('SQLite schema migration from version 1', () => {
  it('is at version 5: meta and by per transaction, the hash chain, the small heads rows, heads_seq', () => {
    expect(SCHEMA_VERSION).toBe(5);
  });

  it('upgrades a version-1 file on open, keeping everything; old transactions read meta and by as null', async () => {
    const file = join(dir(), 'v1.db');
    makeV1Store(file);
    const store = openSqliteStore(file);
    try {
      expect(store.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(await store.topicInfo('t')).toMatchObject({ events: 4, keys: 2, maxSeq: 4, maxTxn: 3, invalidTxns: 1 });
      const txns = (await store.listTxns('t')).txns;
      for (const x of txns) expect(x.chain).toMatch(/^[0-9a-f]{64}$/);
      await expectChainHolds(store, 't');
      expect(txns.map(({ chain: _c, ...rest }) => rest)).toEqual([
        {
          txn: 1,
          firstSeq: 1,
          lastSeq: 2,
          count: 2,
          time: new Date(T0).toISOString(),
          invalidatedBy: null,
          reason: null,
          meta: null,
          by: null,
        },
        {
          txn: 2,
          firstSeq: 3,
          lastSeq: 3,
          count: 1,
          time: new Date(T0 + 1).toISOString(),
          invalidatedBy: 4,
          reason: 'bad',
          meta: null,
          by: null,
        },
        {
          txn: 3,
          firstSeq: 4,
          lastSeq: 4,
          count: 1,
          time: new Date(T0 + 2).toISOString(),
          invalidatedBy: null,
          reason: null,
          meta: null,
          by: null,
          marker: true,
        },
      ]);
      expect((await surfaceAll(store, 't')).map((r) => [r.key, r.data])).toEqual([
        ['a', 1],
        ['b', 2],
      ]);
      await expectWritesAfterMigration(store);
      expect((await readAll(store, 't')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await store.close();
    }
    // Reopening the upgraded file migrates nothing more and keeps the new columns.
    const again = openSqliteStore(file);
    try {
      expect((await again.getTxn('t', 4)).meta).toEqual({ why: 'after' });
    } finally {
      await again.close();
    }
  });

  it('refuses to open a version-1 file read-only (it cannot be upgraded), leaving it untouched', async () => {
    const file = join(dir(), 'v1.db');
    makeV1Store(file);
    const before = readFileSync(file);
    await expectCode(
      Promise.resolve().then(() => openSqliteStore(file, { readonly: true })),
      'BAD_REQUEST',
      /older schema \(version 1\); open it once read-write to upgrade it to version 5/,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
