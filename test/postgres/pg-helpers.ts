/**
 * Helpers of the PostgreSQL tests: the URL of the shared test cluster
 * (TIDEMARK_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres), a fresh store in its
 * own PostgreSQL schema (dropped by its cleanup), and a fresh throwaway database for tests that
 * run whole `tidemark serve` processes (which use the default schema of the database they are
 * given). Nothing here mocks the database.
 */
import pg from 'pg';
import { openPostgresStore, type PostgresEventStore, type PostgresStoreOptions } from '../../src-core/store/postgres';
import type { Cleanups } from '../cleanups';

export const PG_URL = process.env.TIDEMARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let counter = 0;

/** A schema or database name no other test (or other test process) uses. */
export function uniqueName(base: string): string {
  counter++;
  return `${base}_${process.pid}_${Date.now().toString(36)}_${counter}`.toLowerCase();
}

/** Runs one statement on a short-lived admin connection. */
export async function adminQuery(sql: string, url = PG_URL): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function dropSchema(schema: string, url = PG_URL): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, url);
}

export interface PgStoreHandle {
  store: PostgresEventStore;
  schema: string;
  cleanup: () => Promise<void>;
}

/** A new, empty store in a schema of its own on the shared cluster. */
export async function makePgStore(url = PG_URL): Promise<PgStoreHandle> {
  const schema = uniqueName('tm_test');
  const store = await openPostgresStore({ url, schema });
  return {
    store,
    schema,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema, url);
    },
  };
}

/**
 * `n` stores (separate pools, as `n` servers would have) opened on one fresh schema named after
 * `base`, all at once; `cleanups` closes them, then drops the schema.
 */
export async function openShared(
  cleanups: Cleanups,
  opts: { n?: number; base?: string; poolSize?: number } = {},
): Promise<{ schema: string; stores: PostgresEventStore[] }> {
  const schema = uniqueName(opts.base ?? 'tm_test');
  cleanups.push(() => dropSchema(schema));
  const options: PostgresStoreOptions = { url: PG_URL, schema };
  if (opts.poolSize !== undefined) options.poolSize = opts.poolSize;
  // Opened at once: the migration must tolerate openers racing (store.int.test.ts).
  const stores = await Promise.all(Array.from({ length: opts.n ?? 1 }, () => openPostgresStore(options)));
  for (const s of stores) cleanups.push(() => s.close());
  return { schema, stores };
}

/** A URL with another database name on the same server. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TempDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh database on the shared cluster, for tests that start `tidemark serve --pg` processes. */
export async function makeDatabase(url = PG_URL): Promise<TempDatabase> {
  const name = uniqueName('tm_db');
  await adminQuery(`CREATE DATABASE "${name}"`, url);
  return {
    url: withDatabase(url, name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, url);
    },
  };
}

/**
 * Why the shared cluster cannot be used, or null when it answers. For tests that skip their
 * PostgreSQL half (printing this reason) rather than fail when there is no PostgreSQL at all.
 */
export async function pgUnreachable(url = PG_URL): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (e) {
    return `PostgreSQL at ${url} is unreachable (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    await c.end().catch(() => undefined);
  }
}
