/**
 * The EventStore contract suite, unchanged, through the HTTP server over PostgreSQL: each test gets
 * a fresh PostgreSQL schema, a real `startServer` on 127.0.0.1 port 0 over it, and the HTTP client
 * (`openHttpStore`) as the store under test.
 */
import { startServer } from '../../src-core/server/index';
import { openHttpStore } from '../../src-core/store/http/index';
import { runContractSuite } from '../contract/suite';
import { makePgStore } from './pg-helpers';

runContractSuite('http over postgres', async () => {
  const pg = await makePgStore();
  const server = await startServer({ store: pg.store, port: 0 });
  const store = openHttpStore({ url: server.url });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await server.close();
      await pg.cleanup();
    },
  };
});
