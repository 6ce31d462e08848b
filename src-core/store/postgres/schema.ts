/**
 * The PostgreSQL schema of a Tidemark store and its migrations. Everything lives in one named
 * PostgreSQL schema (default `tidemark`): `topics` (one row per topic with the maintained counters;
 * its row is the per-topic write lock), `events` (the log; data kept as canonical JSON text, as
 * SQLite keeps it), `txns` (one row per transaction: seq range, time, invalidation, `meta` and `by_name` since v2), `heads` (per
 * key: the newest event, and the newest valid event, i.e. both surfaces maintained on write) and
 * `tidemark_schema_version`; `txns.chain` and `topics.head` (v3) hold the hash chain (store/chain.ts,
 * computed on migration for the transactions already there). Keys and topics are `text COLLATE "C"` so that ORDER BY is code point
 * order, the same as `compareKeys` and SQLite (parameters compared with them through arrays carry
 * an explicit COLLATE "C" too). Migrations run under an advisory lock so several servers starting
 * at once do not race. A schema newer than this code is SCHEMA_TOO_NEW, at open and (through
 * `sendSchemaCheck`) in every write transaction, so servers of two versions never write together.
 */
import type pg from 'pg';
import { schemaTooNew } from '../../model/errors';
import { type ChainEvent, GENESIS, chainEventOfRow, chainOf } from '../chain';
import type { MigrationProgressListener } from '../types';
import type { Db, Tables } from './db';
import { inTx } from './db';

/**
 * A migration: its steps in order, SQL or code run on the migrating connection (v3's chain is
 * computed), given where to report progress (null when the schema was new: nothing to report).
 */
type Migration = (
  t: Tables,
) => (string | ((c: pg.PoolClient, progress: MigrationProgressListener | null) => Promise<void>))[];

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
  // 3: the hash chain (docs/integrity.md): every transaction's `chain`, each topic's `head`;
  // computed for the transactions already there, inside the migration's transaction.
  (t) => [
    `ALTER TABLE ${t.txns} ADD COLUMN chain text`,
    `ALTER TABLE ${t.topics} ADD COLUMN head text`,
    (c, progress) => chainExisting(c, t, progress),
  ],
];

/** Transactions read per step while chaining an existing log (bounds the memory of a migration). */
const CHAIN_PAGE = 512;

interface ChainTxnRow {
  txn: number;
  first_seq: number;
  last_seq: number;
  time: string;
  meta: string | null;
  by_name: string | null;
}

interface ChainEventRow {
  seq: number;
  key: string;
  type: 'event' | 'invalidate';
  data: string;
  content_type: string;
  hash: string;
  target: number | null;
  reason: string | null;
}

/**
 * Computes `txns.chain` for every stored transaction, in txn order per topic, and `topics.head`, a
 * page of transactions at a time, reporting transactions chained of the total after each page.
 * Runs inside migrate()'s transaction: an interrupted migration rolls back to v2, never a
 * half-chained store.
 */
async function chainExisting(c: pg.PoolClient, t: Tables, progress: MigrationProgressListener | null): Promise<void> {
  const topics = await c.query<{ id: number }>(`SELECT id FROM ${t.topics} ORDER BY id`);
  const total = progress ? Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.txns}`)).rows[0]!.n) : 0;
  let done = 0;
  progress?.({ done, total });
  for (const { id } of topics.rows) {
    let prev: string | null = null;
    let after = 0;
    for (;;) {
      const txns = (
        await c.query<ChainTxnRow>(
          `SELECT txn, first_seq, last_seq, time, meta, by_name FROM ${t.txns}
            WHERE topic_id = $1 AND txn > $2 ORDER BY txn LIMIT $3`,
          [id, after, CHAIN_PAGE],
        )
      ).rows;
      if (txns.length === 0) break;
      const events = (
        await c.query<ChainEventRow>(
          `SELECT seq, key, type, data, content_type, hash, target, reason FROM ${t.events}
            WHERE topic_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
          [id, txns[0]!.first_seq, txns[txns.length - 1]!.last_seq],
        )
      ).rows;
      const chains: string[] = [];
      let i = 0;
      for (const x of txns) {
        const mine: ChainEvent[] = [];
        while (i < events.length && events[i]!.seq <= x.last_seq) {
          const e = events[i++]!;
          if (e.seq < x.first_seq) continue;
          mine.push(
            chainEventOfRow(e.seq, e.key, e.type === 'invalidate', e.data, e.content_type, e.hash, e.target, e.reason),
          );
        }
        prev = chainOf(prev ?? GENESIS, { txn: x.txn, time: x.time, by: x.by_name, meta: x.meta }, mine);
        chains.push(prev);
      }
      await c.query(
        `UPDATE ${t.txns} x SET chain = u.ch FROM unnest($2::bigint[], $3::text[]) AS u(n, ch)
          WHERE x.topic_id = $1 AND x.txn = u.n`,
        [id, txns.map((x) => x.txn), chains],
      );
      after = txns[txns.length - 1]!.txn;
      done += txns.length;
      progress?.({ done, total });
    }
    await c.query(`UPDATE ${t.topics} SET head = $2 WHERE id = $1`, [id, prev]);
  }
}

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Creates the schema if needed and applies every migration newer than the stored version.
 * `progress` hears from the steps that chain an existing log (not from creating a new schema).
 */
export async function migrate(db: Db, schemaName: string, progress?: MigrationProgressListener): Promise<number> {
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
      for (const step of migration(t)) {
        if (typeof step === 'string') await c.query(step);
        else await step(c, current > 0 ? (progress ?? null) : null);
      }
      await c.query(`INSERT INTO ${t.version} (version) VALUES ($1)`, [v]);
    }
    await setHeadsFillfactor(c, t);
    return SCHEMA_VERSION;
  });
}

/**
 * `heads` keeps half of each page free (fillfactor 50), so updating a key's head can put the new row
 * version in the same page without a new index entry (a HOT update): a write then costs about
 * half the server time it did when heads pages were full (docs/bench.md, "PostgreSQL writes").
 * Half, because a transaction of many events often updates every head of a page (keys first
 * written together share pages), and the versions it replaces cannot be pruned before it commits:
 * at 70 about two updates in five of such a transaction left the page (a new `heads_pkey` entry
 * and a lock record each; docs/bench.md, sixth pass). A storage setting, not part of the schema's
 * version: no reader or writer depends on it, so it is set on open, under the migration lock (new
 * pages get it; full pages gain room as their rows move; it takes a lock that lets readers and
 * writers go on), and an older server is not refused (opening, it sets its own value back).
 */
const HEADS_FILLFACTOR = 50;

async function setHeadsFillfactor(c: pg.PoolClient, t: Tables): Promise<void> {
  const want = `fillfactor=${HEADS_FILLFACTOR}`;
  const res = await c.query<{ reloptions: string[] | null }>(
    `SELECT reloptions FROM pg_class WHERE oid = $1::regclass`,
    [t.heads],
  );
  if (!res.rows[0]?.reloptions?.includes(want)) await c.query(`ALTER TABLE ${t.heads} SET (${want})`);
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
