/**
 * Verify against tampering underneath a real SQLite store file (tamper-cases.ts): the store writes
 * through its own connection, the test changes the file's tables with better-sqlite3 directly.
 * Also the SQLite-only legacy case: a key holding NUL (PostgreSQL cannot store one).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { openSqliteStore } from '../../src-core/store/sqlite';
import { tempDir } from '../cli/helpers';
import { TOPIC, type Tamperable, rewriteConsistently, tamperCases, writeHistory } from './tamper-cases';

async function make(): Promise<Tamperable> {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'store.db');
  // Bound 0: every commit writes its heads rows, which the cases tamper with. With a heads tail
  // (schema.ts) the rows of the tail's keys are not read by anyone, verify included.
  const store = openSqliteStore(file, { headsTailBound: 0 });
  const raw = new Database(file);
  return {
    store,
    dialect: 'sqlite',
    exec: (sql) => {
      raw.exec(sql);
      return Promise.resolve();
    },
    cleanup: async () => {
      raw.close();
      await store.close();
      cleanup();
    },
  };
}

tamperCases('sqlite', make, null);

it('lists a key holding NUL, written underneath a SQLite store, as legacy', async () => {
  const t = await make();
  try {
    await writeHistory(t.store);
    await t.exec("UPDATE events SET key = 'e' || char(0) WHERE seq = 8");
    await t.exec("UPDATE heads SET key = 'e' || char(0) WHERE key = 'e'");
    await rewriteConsistently(t, 8, '5');
    const r = await t.store.verify(TOPIC);
    expect(r.ok).toBe(true);
    expect(r.legacy).toEqual([{ txn: 6, seq: 8, key: 'e\u0000', problem: expect.stringContaining('NUL') as string }]);
  } finally {
    await t.cleanup();
  }
});
