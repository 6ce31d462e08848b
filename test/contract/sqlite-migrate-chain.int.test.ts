/**
 * Schema migration of a SQLite store file from version 2 to 3 (sqlite-old-files.ts): the hash
 * chain computed for the transactions already there, as a current store computed it for the same
 * log, or, when that fails half way, the file left at version 2.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore } from '../../src-core/store/sqlite';
import { expectFixtureChains, fixtureChains, txnsOf, writeChainFixture } from './migrated';
import { expectChainHolds } from './oracle';
import { freshFile, makeV2Copy, tempDirEachTest } from './sqlite-old-files';

const dir = tempDirEachTest();

describe('SQLite schema migration from version 2 to 3 (the hash chain)', () => {
  it('computes, for the transactions already there, the chains a current store computed for the same log', async () => {
    const [fresh, expected] = await freshFile(dir(), async (store) => {
      await writeChainFixture(store);
      return fixtureChains(store);
    });
    const old = join(dir(), 'v2.db');
    makeV2Copy(fresh, old);
    const migrated = openSqliteStore(old);
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      await expectFixtureChains(migrated, expected);
      expect((await txnsOf(migrated, 't')).map((x) => x.marker === true)).toEqual([false, false, true, false]);
      // Writes after the migration chain on from the migrated head.
      await migrated.append('t', { events: [{ key: 'e', data: 5 }], meta: { after: true } });
      await expectChainHolds(migrated, 't');
    } finally {
      await migrated.close();
    }
  });

  it('leaves a file whose migration fails at version 2, unchained (one transaction)', async () => {
    const [fresh] = await freshFile(dir(), writeChainFixture);
    const old = join(dir(), 'v2.db');
    makeV2Copy(fresh, old);
    // An event whose transaction row is missing would be chained into nothing: make the chain
    // step fail half way by a trigger that refuses the third chain written.
    const raw = new Database(old);
    raw.exec(`CREATE TABLE boom (n INTEGER); INSERT INTO boom VALUES (0);`);
    raw.exec(`CREATE TRIGGER fail_third AFTER UPDATE OF chain ON txns BEGIN
                UPDATE boom SET n = n + 1;
                SELECT RAISE(ABORT, 'interrupted') WHERE (SELECT n FROM boom) >= 3;
              END;`);
    raw.close();
    expect(() => openSqliteStore(old)).toThrow(/interrupted/);
    const after = new Database(old, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(2);
      const cols = (after.prepare('PRAGMA table_info(txns)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).not.toContain('chain');
      expect(after.prepare('SELECT n FROM boom').pluck().get()).toBe(0);
    } finally {
      after.close();
    }
  });
});
