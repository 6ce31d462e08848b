/**
 * The raw-HTTP storable-text table (test/http/storable-text-cases.ts) against a real server on
 * 127.0.0.1 port 0 over a fresh PostgreSQL schema: the same 400s and messages as over SQLite.
 */
import { startServer } from '../../src-core/server/index';
import { rawStorableTextCases } from '../http/storable-text-cases';
import { makePgStore } from './pg-helpers';

rawStorableTextCases('postgres', async () => {
  const pg = await makePgStore();
  const server = await startServer({ store: pg.store, port: 0 });
  return {
    url: server.url,
    listTopics: () => pg.store.listTopics(),
    close: async () => {
      await server.close();
      await pg.cleanup();
    },
  };
});
