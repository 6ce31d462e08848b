/**
 * Schema migration of a PostgreSQL store: a schema made by the previous version (1, built here with
 * its raw SQL, as that build created it) is upgraded on open to the current version, keeping every
 * event, transaction, invalidation and counter; its transactions read back `meta` and `by` as null,
 * new writes store both, and the version table records each step once.
 */
import { describe, expect, it } from 'vitest';
import { hashCanonical } from '../../src-core/store/hash';
import { openPostgresStore } from '../../src-core/store/postgres';
import { SCHEMA_VERSION } from '../../src-core/store/postgres/schema';
import type { MigrationProgress } from '../../src-core/store/types';
import { surfaceAll } from '../contract/harness';
import {
  expectFixtureChains,
  expectMigrationProgress,
  expectWritesAfterMigration,
  fixtureChains,
  writeChainFixture,
  writeManyTxns,
} from '../contract/migrated';
import { expectChainHolds } from '../contract/oracle';
import { PG_URL, adminQuery, dropSchema, uniqueName } from './pg-helpers';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

const T0 = '2026-01-02T03:04:05.678Z';
const T1 = '2026-01-02T03:04:05.679Z';
const T2 = '2026-01-02T03:04:05.680Z';

/**
 * Schema `s` at version 1 with topic `t`: txn 1 writes a=1 and b=2, txn 2 writes a=3, txn 3
 * invalidates txn 2 (reason "bad"), so the surface is a=1, b=2.
 */
function v1Sql(s: string): string {
  const h = (v: string) => `'${hashCanonical(v)}'`;
  return `
    CREATE SCHEMA "${s}";
    CREATE TABLE "${s}".tidemark_schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO "${s}".tidemark_schema_version (version) VALUES (1);
    CREATE TABLE "${s}".topics (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, topic text COLLATE "C" NOT NULL UNIQUE,
      max_seq bigint NOT NULL DEFAULT 0, max_txn bigint NOT NULL DEFAULT 0, keys bigint NOT NULL DEFAULT 0,
      invalid_txns bigint NOT NULL DEFAULT 0, last_time text);
    CREATE TABLE "${s}".events (topic_id integer NOT NULL, seq bigint NOT NULL, txn bigint NOT NULL,
      key text COLLATE "C" NOT NULL, type text NOT NULL CHECK (type IN ('event', 'invalidate')), data text NOT NULL,
      tomb boolean NOT NULL, content_type text NOT NULL, hash text NOT NULL, time text NOT NULL, target bigint,
      reason text, PRIMARY KEY (topic_id, seq));
    CREATE INDEX events_by_key ON "${s}".events (topic_id, key, seq DESC);
    CREATE TABLE "${s}".txns (topic_id integer NOT NULL, txn bigint NOT NULL, first_seq bigint NOT NULL,
      last_seq bigint NOT NULL, count integer NOT NULL, time text NOT NULL, marker boolean NOT NULL,
      invalidated_by bigint, reason text, PRIMARY KEY (topic_id, txn));
    CREATE TABLE "${s}".heads (topic_id integer NOT NULL, key text COLLATE "C" NOT NULL, raw_seq bigint NOT NULL,
      raw_txn bigint NOT NULL, raw_tomb boolean NOT NULL, valid_seq bigint, valid_txn bigint, valid_hash text,
      valid_tomb boolean, PRIMARY KEY (topic_id, key));
    INSERT INTO "${s}".topics (topic, max_seq, max_txn, keys, invalid_txns, last_time) VALUES ('t', 4, 3, 2, 1, '${T2}');
    INSERT INTO "${s}".events VALUES
      (1, 1, 1, 'a', 'event', '1', false, 'application/json', ${h('1')}, '${T0}', NULL, NULL),
      (1, 2, 1, 'b', 'event', '2', false, 'application/json', ${h('2')}, '${T0}', NULL, NULL),
      (1, 3, 2, 'a', 'event', '3', false, 'application/json', ${h('3')}, '${T1}', NULL, NULL),
      (1, 4, 3, '$invalidate', 'invalidate', 'null', true, 'application/json', ${h('null')}, '${T2}', 2, 'bad');
    INSERT INTO "${s}".txns VALUES
      (1, 1, 1, 2, 2, '${T0}', false, NULL, NULL),
      (1, 2, 3, 3, 1, '${T1}', false, 4, 'bad'),
      (1, 3, 4, 4, 1, '${T2}', true, NULL, NULL);
    INSERT INTO "${s}".heads VALUES
      (1, 'a', 3, 2, false, 1, 1, ${h('1')}, false),
      (1, 'b', 2, 1, false, 2, 1, ${h('2')}, false);
  `;
}

describe('PostgreSQL schema migration from version 1', () => {
  it('upgrades a version-1 schema on open, keeping everything; old transactions read meta and by as null', async () => {
    expect(SCHEMA_VERSION).toBe(3);
    const schema = uniqueName('tm_migrate');
    cleanups.push(() => dropSchema(schema));
    await adminQuery(v1Sql(schema));
    const store = await openPostgresStore({ url: PG_URL, schema });
    cleanups.push(() => store.close());
    const versions = await adminQuery(`SELECT version FROM "${schema}".tidemark_schema_version ORDER BY version`);
    expect(versions.rows.map((r: { version: number }) => r.version)).toEqual([1, 2, 3]);
    // A storage setting outside the version: set on open, on a schema made without it too.
    const heads = await adminQuery(`SELECT reloptions FROM pg_class WHERE oid = '"${schema}".heads'::regclass`);
    expect(heads.rows).toEqual([{ reloptions: ['fillfactor=50'] }]);
    await expectChainHolds(store, 't');
    expect(await store.topicInfo('t')).toMatchObject({ events: 4, keys: 2, maxSeq: 4, maxTxn: 3, invalidTxns: 1 });
    expect((await store.listTxns('t')).txns.map((x) => [x.txn, x.invalidatedBy, x.reason, x.meta, x.by])).toEqual([
      [1, null, null, null, null],
      [2, 4, 'bad', null, null],
      [3, null, null, null, null],
    ]);
    expect((await surfaceAll(store, 't')).map((r) => [r.key, r.data])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    await expectWritesAfterMigration(store);
  });
});

describe('PostgreSQL schema migration from version 2 to 3 (the hash chain)', () => {
  it('computes, for the transactions already there, the chains a current store computed for the same log', async () => {
    const schema = uniqueName('tm_chain');
    cleanups.push(() => dropSchema(schema));
    const fresh = await openPostgresStore({ url: PG_URL, schema });
    await writeChainFixture(fresh);
    const expected = await fixtureChains(fresh);
    await fresh.close();
    // Back to version 2 as that build left it: no chain, no head, no version-3 row.
    await adminQuery(`ALTER TABLE "${schema}".txns DROP COLUMN chain;
      ALTER TABLE "${schema}".topics DROP COLUMN head;
      DELETE FROM "${schema}".tidemark_schema_version WHERE version = 3;`);
    const migrated = await openPostgresStore({ url: PG_URL, schema });
    cleanups.push(() => migrated.close());
    const versions = await adminQuery(`SELECT version FROM "${schema}".tidemark_schema_version ORDER BY version`);
    expect(versions.rows.map((r: { version: number }) => r.version)).toEqual([1, 2, 3]);
    await expectFixtureChains(migrated, expected);
    await migrated.append('t', { events: [{ key: 'e', data: 5 }], by: 'after' });
    await expectChainHolds(migrated, 't');
  });

  it('rolls an interrupted migration back to version 2, never a half-chained schema', async () => {
    const schema = uniqueName('tm_chain_fail');
    cleanups.push(() => dropSchema(schema));
    const fresh = await openPostgresStore({ url: PG_URL, schema });
    await writeChainFixture(fresh);
    await fresh.close();
    await adminQuery(`ALTER TABLE "${schema}".txns DROP COLUMN chain;
      ALTER TABLE "${schema}".topics DROP COLUMN head;
      DELETE FROM "${schema}".tidemark_schema_version WHERE version = 3;
      CREATE FUNCTION "${schema}".boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.topic_id = (SELECT max(id) FROM "${schema}".topics) THEN RAISE EXCEPTION 'interrupted'; END IF;
        RETURN NEW; END $$;
      CREATE TRIGGER boom BEFORE UPDATE ON "${schema}".txns FOR EACH ROW EXECUTE FUNCTION "${schema}".boom();`);
    // The store reports it as a database failure (the trigger's message is PostgreSQL's, not ours).
    await expect(openPostgresStore({ url: PG_URL, schema })).rejects.toThrow(/database/);
    const versions = await adminQuery(`SELECT version FROM "${schema}".tidemark_schema_version ORDER BY version`);
    expect(versions.rows.map((r: { version: number }) => r.version)).toEqual([1, 2]);
    const cols = await adminQuery(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'txns'`,
    );
    expect(cols.rows.map((r: { column_name: string }) => r.column_name)).not.toContain('chain');
  });
});

describe('PostgreSQL migration progress (openPostgresStore onMigrationProgress)', () => {
  /** Schema `s` back at version 2 as that build left it: no chain, no head, no version-3 row. */
  async function backToV2(schema: string): Promise<void> {
    await adminQuery(`ALTER TABLE "${schema}".txns DROP COLUMN chain;
      ALTER TABLE "${schema}".topics DROP COLUMN head;
      DELETE FROM "${schema}".tidemark_schema_version WHERE version = 3;`);
  }

  it('reports transactions chained of the total, monotonic, ending at the total; none when nothing migrates', async () => {
    const schema = uniqueName('tm_progress');
    cleanups.push(() => dropSchema(schema));
    const quiet: MigrationProgress[] = [];
    const fresh = await openPostgresStore({ url: PG_URL, schema, onMigrationProgress: (p) => quiet.push(p) });
    await writeChainFixture(fresh);
    await writeManyTxns(fresh, 1300);
    await fresh.close();
    await backToV2(schema);
    const reports: MigrationProgress[] = [];
    const migrated = await openPostgresStore({
      url: PG_URL,
      schema,
      onMigrationProgress: (p) => reports.push({ ...p }),
    });
    cleanups.push(() => migrated.close());
    expectMigrationProgress(reports, 1305); // the fixture's 5 transactions and 1,300
    await expectChainHolds(migrated, 'many');
    const again = await openPostgresStore({ url: PG_URL, schema, onMigrationProgress: (p) => quiet.push(p) });
    await again.close();
    expect(quiet).toEqual([]);
  });

  it('a listener that throws abandons the migration: the schema stays at version 2, unchained', async () => {
    const schema = uniqueName('tm_progress_stop');
    cleanups.push(() => dropSchema(schema));
    const fresh = await openPostgresStore({ url: PG_URL, schema });
    await writeManyTxns(fresh, 1300);
    await fresh.close();
    await backToV2(schema);
    await expect(
      openPostgresStore({
        url: PG_URL,
        schema,
        onMigrationProgress: ({ done }) => {
          if (done > 0) throw new Error('cancelled by the listener');
        },
      }),
    ).rejects.toThrow();
    const versions = await adminQuery(`SELECT version FROM "${schema}".tidemark_schema_version ORDER BY version`);
    expect(versions.rows.map((r: { version: number }) => r.version)).toEqual([1, 2]);
    const cols = await adminQuery(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'txns'`,
    );
    expect(cols.rows.map((r: { column_name: string }) => r.column_name)).not.toContain('chain');
  });
});
