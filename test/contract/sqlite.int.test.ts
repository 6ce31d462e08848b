/**
 * Runs the EventStore contract suite against the SQLite backend, on a fresh store file in a new
 * temporary directory for every test (and every property-test run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src-core/store/sqlite';
import { runContractSuite } from './suite';

runContractSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-contract-'));
  const store = openSqliteStore(join(dir, 'store.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
