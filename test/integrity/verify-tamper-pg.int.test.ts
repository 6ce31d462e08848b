/**
 * Verify against tampering underneath a real PostgreSQL store (tamper-cases.ts): each case gets a
 * store in a fresh schema of the shared test cluster (dropped after); the test changes the tables
 * with `pg` on a connection of its own whose search_path is that schema. Skipped, with the reason
 * printed, when PostgreSQL does not answer.
 */
import pg from 'pg';
import { PG_URL, makePgStore, pgUnreachable } from '../postgres/pg-helpers';
import { type Tamperable, tamperCases } from './tamper-cases';

const skip = await pgUnreachable();
if (skip !== null) console.warn(`verify tamper tests on PostgreSQL skipped: ${skip}`);

async function make(): Promise<Tamperable> {
  const { store, schema, cleanup } = await makePgStore();
  const raw = new pg.Client({ connectionString: PG_URL });
  await raw.connect();
  await raw.query(`SET search_path TO "${schema}"`);
  return {
    store,
    dialect: 'pg',
    exec: async (sql) => {
      await raw.query(sql);
    },
    cleanup: async () => {
      await raw.end();
      await cleanup();
    },
  };
}

tamperCases('postgres', make, skip);
