/**
 * The PostgreSQL schema of a Tidemark store and its migrations. Everything lives in one named
 * PostgreSQL schema (default `tidemark`): `topics` (one row per topic with the maintained counters;
 * its row is the per-topic write lock), `events` (the log; data kept as canonical JSON text, as
 * SQLite keeps it), `txns` (one row per transaction: seq range, time, invalidation, `meta` and `by_name` since v2), `heads` (per
 * key: the newest event, and the newest valid event, i.e. both surfaces maintained on write) and
 * `tidemark_schema_version`. Keys and topics are `text COLLATE "C"` so that ORDER BY is code point
 * order, the same as `compareKeys` and SQLite (parameters compared with them through arrays carry
 * an explicit COLLATE "C" too). Migrations run under an advisory lock so several servers starting
 * at once do not race. A schema newer than this code is SCHEMA_TOO_NEW, at open and (through
 * `sendSchemaCheck`) in every write transaction, so servers of two versions never write together.
 */
import type pg from 'pg';
import { schemaTooNew } from '../../model/errors';
import type { Db, Tables } from './db';
import { inTx } from './db';

type Migration = (t: Tables) => string[];

const MIGRATIONS: Migration[] = [
  // 1: the initial schema.
  (t) => [
    `CREATE TABLE ${t.topics} (
       id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       topic text COLLATE "C" NOT NULL UNIQUE,
       max_seq bigint NOT NULL DEFAULT 0,
       max_txn bigint NOT NULL DEFAULT 0,
       keys bigint NOT NULL DEFAULT 0,
       invalid_txns bigint NOT NULL DEFAULT 0,
       last_time text
     )`,
    `CREATE TABLE ${t.events} (
       topic_id integer NOT NULL,
       seq bigint NOT NULL,
       txn bigint NOT NULL,
       key text COLLATE "C" NOT NULL,
       type text NOT NULL CHECK (type IN ('event', 'invalidate')),
       data text NOT NULL,
       tomb boolean NOT NULL,
       content_type text NOT NULL,
       hash text NOT NULL,
       time text NOT NULL,
       target bigint,
       reason text,
       PRIMARY KEY (topic_id, seq)
     )`,
    `CREATE INDEX events_by_key ON ${t.events} (topic_id, key, seq DESC)`,
    `CREATE TABLE ${t.txns} (
       topic_id integer NOT NULL,
       txn bigint NOT NULL,
       first_seq bigint NOT NULL,
       last_seq bigint NOT NULL,
       count integer NOT NULL,
       time text NOT NULL,
       marker boolean NOT NULL,
       invalidated_by bigint,
       reason text,
       PRIMARY KEY (topic_id, txn)
     )`,
    `CREATE TABLE ${t.heads} (
       topic_id integer NOT NULL,
       key text COLLATE "C" NOT NULL,
       raw_seq bigint NOT NULL,
       raw_txn bigint NOT NULL,
       raw_tomb boolean NOT NULL,
       valid_seq bigint,
       valid_txn bigint,
       valid_hash text,
       valid_tomb boolean,
       PRIMARY KEY (topic_id, key)
     )`,
  ],
  // 2: who and why (docs/engine.md): the writer's meta (canonical JSON text) and who wrote or
  // invalidated, per transaction; existing transactions read back null for both.
  (t) => [
    `ALTER TABLE ${t.txns} ADD COLUMN meta text`,
    `ALTER TABLE ${t.txns} ADD COLUMN by_name text`,
    `CREATE INDEX txns_by_name ON ${t.txns} (topic_id, by_name, txn)`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Creates the schema if needed and applies every migration newer than the stored version. */
export async function migrate(db: Db, schemaName: string): Promise<number> {
  const t = db.t;
  return inTx(db, async (c) => {
    // One lock per schema name: concurrent openers wait here rather than race on CREATE.
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tidemark-migrate:${schemaName}`]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${t.version} (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const res = await c.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${t.version}`);
    const current = res.rows[0]?.v ?? 0;
    if (current > SCHEMA_VERSION) throw schemaTooNew(current, SCHEMA_VERSION);
    for (let v = current + 1; v <= SCHEMA_VERSION; v++) {
      const migration = MIGRATIONS[v - 1]!;
      for (const statement of migration(t)) await c.query(statement);
      await c.query(`INSERT INTO ${t.version} (version) VALUES ($1)`, [v]);
    }
    return SCHEMA_VERSION;
  });
}

/**
 * Sends, inside a write transaction, the check that the schema is still one this code knows (a
 * newer server may have migrated it since this store opened): the returned promise rejects with
 * SCHEMA_TOO_NEW, and the transaction then writes nothing. Sent right behind the topic lock and
 * awaited after it (pipelined: no extra round trip).
 */
export function sendSchemaCheck(c: pg.PoolClient, t: Tables): Promise<void> {
  const check = c.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${t.version}`).then((res) => {
    const v = res.rows[0]?.v ?? 0;
    if (v > SCHEMA_VERSION) throw schemaTooNew(v, SCHEMA_VERSION);
  });
  check.catch(() => undefined); // handled where it is awaited; never an unhandled rejection
  return check;
}
