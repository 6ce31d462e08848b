/**
 * Schema migration of a SQLite store file from version 4 to 5 (`topics.heads_seq`, the heads
 * tail, schema.ts): a version-4 file's heads rows follow its whole log, so every topic migrates
 * with heads_seq = max_seq (no tail); reads, verify, de-duplication and writes then go on as on a
 * file written by this version.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore } from '../../src-core/store/sqlite';
import type { EventStore } from '../../src-core/store/types';
import { surfaceAll } from './harness';
import { freshFile, headsRows, tempDirEachTest } from './sqlite-old-files';

const dir = tempDirEachTest();

async function writeFixture(store: EventStore): Promise<void> {
  for (let r = 0; r < 6; r++) {
    await store.append('t', {
      events: Array.from({ length: 9 }, (_, i) => ({ key: `k${(r * 5 + i * 7) % 20}`, data: i % 4 === 0 ? null : r })),
    });
  }
  await store.invalidate('t', 4, 'bad');
  await store.append('t', { events: [{ key: 'k1', data: 'after' }] });
  await store.append('u', { events: [{ key: 'a', data: 1 }] });
}

/** A version-4 copy of a closed current file: the same rows, without `topics.heads_seq`. */
function makeV4Copy(from: string, file: string): void {
  copyFileSync(from, file);
  const db = new Database(file);
  try {
    db.exec('ALTER TABLE topics DROP COLUMN heads_seq');
    db.pragma('user_version = 4');
  } finally {
    db.close();
  }
}

describe('SQLite schema migration from version 4 to 5 (heads_seq)', () => {
  it('sets heads_seq = max_seq for every topic; reads, verify and writes go on', async () => {
    const [fresh] = await freshFile(dir(), writeFixture);
    const old = join(dir(), 'v4.db');
    makeV4Copy(fresh, old);
    const cols = new Database(old, { readonly: true });
    expect(cols.prepare("SELECT name FROM pragma_table_info('topics')").pluck().all()).not.toContain('heads_seq');
    cols.close();
    const expectedHeads = headsRows(fresh);
    const current = openSqliteStore(fresh);
    const migrated = openSqliteStore(old);
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const rows = migrated.database.prepare('SELECT name, heads_seq, max_seq FROM topics ORDER BY name').all();
      expect(rows).toEqual([
        { name: 't', heads_seq: 54, max_seq: 54 },
        { name: 'u', heads_seq: 1, max_seq: 1 },
      ]);
      expect(headsRows(old)).toEqual(expectedHeads);
      for (const topic of ['t', 'u']) {
        for (const view of ['valid', 'raw'] as const) {
          expect(await surfaceAll(migrated, topic, { view })).toEqual(await surfaceAll(current, topic, { view }));
        }
        expect(await migrated.topicInfo(topic)).toEqual(await current.topicInfo(topic));
        expect((await migrated.verify(topic)).ok).toBe(true);
      }
      // De-duplication against the migrated heads rows, then a tail on top of them.
      const dup = await migrated.append('t', { events: [{ key: 'k1', data: 'after' }] });
      expect(dup.results[0]!.duplicate).toBe(true);
      await migrated.append('t', { events: [{ key: 'k1', data: 'newer' }] });
      expect(migrated.database.prepare("SELECT heads_seq FROM topics WHERE name = 't'").pluck().get()).toBe(54);
      expect((await surfaceAll(migrated, 't')).find((r) => r.key === 'k1')!.data).toBe('newer');
      expect((await migrated.verify('t')).ok).toBe(true);
    } finally {
      await current.close();
      await migrated.close();
    }
  });
});
