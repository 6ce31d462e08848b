/**
 * Schema migration of a SQLite store file from version 3 to 4 (sqlite-old-files.ts): version 4's
 * heads rows hold exactly what a current store holds for the same log, or, when the rewrite is
 * interrupted, the file stays at version 3 with its `latest` rows.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore } from '../../src-core/store/sqlite';
import type { EventStore } from '../../src-core/store/types';
import { surfaceAll } from './harness';
import { writeChainFixture } from './migrated';
import { expectChainHolds } from './oracle';
import { freshFile, headsRows, makeOldCopy, tempDirEachTest, CANCEL_MIGRATION } from './sqlite-old-files';

const dir = tempDirEachTest();

/**
 * The chain fixture plus, in topic `u`, a key whose valid head is a tombstone and a key whose raw
 * head (a tombstone) is newer than its valid head, and in topic `t` a live key whose raw head is
 * invalid: every shape a heads row can have.
 */
async function writeHeadsFixture(store: EventStore): Promise<void> {
  await writeChainFixture(store);
  await store.append('u', { events: [{ key: 'k', data: null }] });
  await store.append('u', { events: [{ key: 'm', data: 1 }] });
  const r = await store.append('u', { events: [{ key: 'm', data: null }] });
  await store.invalidate('u', r.txn!, 'keep m');
  const a = await store.append('t', { events: [{ key: 'a', data: 'x' }] });
  await store.append('t', { events: [{ key: 'a', data: 'y' }] });
  await store.invalidate('t', a.txn! + 1, 'keep x');
}

describe('SQLite schema migration from version 3 to 4 (the heads rows)', () => {
  it('rewrites the heads rows into exactly what a current store holds; reads, verify and writes go on', async () => {
    const [fresh] = await freshFile(dir(), writeHeadsFixture);
    const expected = headsRows(fresh);
    // Every encoding: a tombstone valid head (negative), raw heads apart from the valid one, none valid.
    expect(expected).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'k', raw: null }),
        expect.objectContaining({ key: 'm', raw: expect.any(Number) as number }),
        expect.objectContaining({ key: 'c', valid: null }),
      ]),
    );
    const old = join(dir(), 'v3.db');
    makeOldCopy(fresh, old, 3);
    const current = openSqliteStore(fresh);
    const migrated = openSqliteStore(old);
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = migrated.database.prepare('SELECT name FROM sqlite_master WHERE type = ?').pluck().all('table');
      expect(tables).toContain('heads');
      expect(tables).not.toContain('latest');
      expect(headsRows(old)).toEqual(expected);
      for (const topic of ['t', 'u']) {
        for (const view of ['valid', 'raw'] as const) {
          expect(await surfaceAll(migrated, topic, { view })).toEqual(await surfaceAll(current, topic, { view }));
        }
        expect(await migrated.topicInfo(topic)).toEqual(await current.topicInfo(topic));
        expect((await migrated.verify(topic)).ok).toBe(true);
      }
      // De-duplication against a migrated head (no hash in the row: the event's own), then new writes.
      expect((await migrated.append('t', { events: [{ key: 'a', data: 'x' }] })).txn).toBeNull();
      expect((await migrated.append('u', { events: [{ key: 'm', data: 1 }] })).txn).toBeNull();
      expect((await migrated.append('u', { events: [{ key: 'm', data: 2 }] })).txn).not.toBeNull();
      expect((await migrated.surface('u', { view: 'raw' })).rows.map((r) => [r.key, r.data])).toEqual([['m', 2]]);
      await expectChainHolds(migrated, 'u');
      expect((await migrated.verify('u')).ok).toBe(true);
    } finally {
      await migrated.close();
      await current.close();
    }
  });

  it('an interrupted rewrite leaves the file at version 3 with its `latest` rows', async () => {
    const [fresh] = await freshFile(dir(), writeHeadsFixture);
    const old = join(dir(), 'v3.db');
    makeOldCopy(fresh, old, 3);
    const before = new Database(old, { readonly: true });
    const latest = before.prepare('SELECT * FROM latest ORDER BY topic_id, key').all();
    before.close();
    expect(() => openSqliteStore(old, CANCEL_MIGRATION)).toThrow(/cancelled by the listener/);
    const after = new Database(old, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(3);
      expect(after.prepare('SELECT name FROM sqlite_master WHERE name = ?').get('heads')).toBeUndefined();
      expect(after.prepare('SELECT * FROM latest ORDER BY topic_id, key').all()).toEqual(latest);
    } finally {
      after.close();
    }
  });
});
