/**
 * The EventStore contract suite, unchanged, against the HTTP client (`openHttpStore`) talking to a
 * real server on 127.0.0.1 port 0 over a fresh SQLite file, one server per test (and per
 * property-test run). Writes go through the ordered writer and /v1/batch; reads are the GET routes;
 * subscribe is the SSE stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src-core/server/index';
import { openHttpStore } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { runContractSuite } from '../contract/suite';

runContractSuite(
  'http (client -> server -> sqlite)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-http-contract-'));
    const backing = openSqliteStore(join(dir, 'store.db'));
    const server = await startServer({ store: backing, port: 0 });
    const store = openHttpStore({ url: server.url, sse: { reconnectMs: 50 } });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await server.close();
        await backing.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { propertyRuns: 20 },
);
