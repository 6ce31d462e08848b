/**
 * Runs the EventStore contract suite against the SQLite backend, on a fresh store file in a new
 * temporary directory for every test (and every property-test run): once as shipped, and twice
 * with the test-only option `headsTailBound` (sqlite/open.ts) so that every read, write,
 * invalidation, import and verify of the suite meets a heads tail (schema.ts): a bound of 3
 * events (tails applied by most commits, left by the small ones) and one no commit reaches (the
 * tail applied only by invalidation and close).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SqliteOpenOptions, openSqliteStore } from '../../src-core/store/sqlite';
import { runContractSuite } from './suite';

function sqliteSuite(name: string, opts: SqliteOpenOptions): void {
  runContractSuite(name, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-contract-'));
    const store = openSqliteStore(join(dir, 'store.db'), opts);
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}

sqliteSuite('sqlite', {});
sqliteSuite('sqlite (heads tail, bound 3)', { headsTailBound: 3 });
sqliteSuite('sqlite (heads tail, never applied by appends)', { headsTailBound: Number.MAX_SAFE_INTEGER });
