/**
 * The raw-HTTP storable-text table (storable-text-cases.ts) against a real server on 127.0.0.1
 * port 0 over a fresh SQLite file; test/postgres/storable-text-http.int.test.ts runs the same table
 * over PostgreSQL.
 */
import { rawStorableTextCases } from './storable-text-cases';
import { startTestServer } from './helpers';

rawStorableTextCases('sqlite', async () => {
  const s = await startTestServer();
  return { url: s.url, listTopics: () => s.store.listTopics(), close: () => s.close() };
});
