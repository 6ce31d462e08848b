/**
 * The backends give the same answers where they used to differ: a closed store is UNAVAILABLE "the
 * store is closed" on SQLite, PostgreSQL and the memory store alike; a database whose schema is
 * newer than this code is SCHEMA_TOO_NEW (503) naming both versions, on SQLite and PostgreSQL, when
 * opening and on a write after another version migrated it under a running store (nothing is
 * written; `appendBatch` rejects rather than reporting one failed transaction); through a server,
 * the HTTP client gets that code and does not retry it; and a batch whose transaction cannot even be
 * read (a getter of the caller's object throws) rejects with that error, nothing written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { schemaTooNew, statusForCode, storeClosed } from '../../src-core/model/errors';
import type { BatchTxn } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { openHttpStore } from '../../src-core/store/http/index';
import { openMemoryStore } from '../../src-core/store/memory/index';
import { openPostgresStore } from '../../src-core/store/postgres/index';
import { SCHEMA_VERSION as PG_VERSION } from '../../src-core/store/postgres/schema';
import { SCHEMA_VERSION as SQLITE_VERSION, openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { PG_URL, adminQuery, dropSchema, makePgStore, uniqueName } from './pg-helpers';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-same-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

/** The code, message and status a promise rejects with (or a thrown call throws). */
async function failureOf(p: Promise<unknown> | (() => unknown)): Promise<{ code: unknown; message: unknown }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a failure');
}

async function openThree(): Promise<Record<string, EventStore>> {
  const sqlite = openSqliteStore(tempFile('s.db'));
  const pg = await makePgStore();
  cleanups.push(() => pg.cleanup());
  return { sqlite, postgres: pg.store, memory: openMemoryStore() };
}

/** Bumps the recorded schema version of a PostgreSQL schema, as a newer Tidemark's migration would. */
async function migrateAhead(schema: string): Promise<void> {
  await adminQuery(`INSERT INTO "${schema}".tidemark_schema_version (version) VALUES (${PG_VERSION + 1})`);
}

describe('the same answers on every backend', () => {
  it('a closed store: UNAVAILABLE "the store is closed" everywhere', async () => {
    const expected = { code: 'UNAVAILABLE', message: storeClosed().message };
    expect(expected.message).toBe('the store is closed');
    for (const [name, store] of Object.entries(await openThree())) {
      await store.append('t', { events: [{ key: 'a', data: 1 }] });
      await store.close();
      expect(await failureOf(store.topicInfo('t')), name).toEqual(expected);
      expect(await failureOf(store.appendBatch([])), name).toEqual(expected);
      expect(await failureOf(store.invalidate('t', 1, 'x')), name).toEqual(expected);
      expect(await failureOf(() => store.subscribe('t', () => undefined)), name).toEqual(expected);
      expect(await failureOf(() => store.tail('t', 0, () => undefined)), name).toEqual(expected);
    }
  });

  it('a newer schema when opening: SCHEMA_TOO_NEW, 503, naming both versions, on SQLite and PostgreSQL', async () => {
    const file = tempFile('newer.db');
    await openSqliteStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SQLITE_VERSION + 1}`);
    raw.close();
    const sqlite = await failureOf(() => openSqliteStore(file));

    const schema = uniqueName('tm_test');
    cleanups.push(() => dropSchema(schema));
    await (await openPostgresStore({ url: PG_URL, schema })).close();
    await migrateAhead(schema);
    const pg = await failureOf(openPostgresStore({ url: PG_URL, schema }));

    expect(sqlite).toEqual({
      code: 'SCHEMA_TOO_NEW',
      message: schemaTooNew(SQLITE_VERSION + 1, SQLITE_VERSION).message,
    });
    expect(pg).toEqual({ code: 'SCHEMA_TOO_NEW', message: schemaTooNew(PG_VERSION + 1, PG_VERSION).message });
    expect(pg.message).toMatch(new RegExp(`version ${PG_VERSION + 1}.*up to version ${PG_VERSION}\\)`));
    expect(statusForCode('SCHEMA_TOO_NEW')).toBe(503);
  });

  it('a schema migrated under a running PostgreSQL store: every write refused, nothing written', async () => {
    const { store, schema } = await makePgStore();
    cleanups.push(() => dropSchema(schema));
    cleanups.push(() => store.close());
    await store.append('t', { events: [{ key: 'a', data: 1 }] });
    await migrateAhead(schema);
    const expected = { code: 'SCHEMA_TOO_NEW', message: schemaTooNew(PG_VERSION + 1, PG_VERSION).message };
    expect(await failureOf(store.append('t', { events: [{ key: 'b', data: 1 }] }))).toEqual(expected);
    expect(await failureOf(store.append('new', { events: [{ key: 'b', data: 1 }] }))).toEqual(expected);
    expect(await failureOf(store.appendBatch([{ topic: 't', events: [{ key: 'b', data: 1 }] }]))).toEqual(expected);
    expect(await failureOf(store.invalidate('t', 1, 'x'))).toEqual(expected);
    expect(await store.topicInfo('t')).toMatchObject({ maxSeq: 1, invalidTxns: 0 });
    expect(await store.listTopics()).toHaveLength(1);
  });

  it('through a server: the HTTP client gets SCHEMA_TOO_NEW and does not retry it', async () => {
    const file = tempFile('served.db');
    const backing = openSqliteStore(file);
    cleanups.push(() => backing.close());
    let batches = 0;
    const counting = new Proxy(backing, {
      get(target, prop, receiver) {
        if (prop === 'appendBatch') batches++;
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const server = await startServer({ store: counting, port: 0 });
    cleanups.push(() => server.close());
    const client = openHttpStore({ url: server.url });
    cleanups.push(() => client.close());
    await client.append('t', { events: [{ key: 'a', data: 1 }] });
    const other = new Database(file);
    other.pragma(`user_version = ${SQLITE_VERSION + 1}`);
    other.close();
    batches = 0;
    const expected = { code: 'SCHEMA_TOO_NEW', message: schemaTooNew(SQLITE_VERSION + 1, SQLITE_VERSION).message };
    expect(await failureOf(client.append('t', { events: [{ key: 'b', data: 1 }] }))).toEqual(expected);
    expect(await failureOf(client.appendBatch([{ topic: 't', events: [{ key: 'c', data: 1 }] }]))).toEqual(expected);
    expect(batches).toBe(2);
    const res = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ txns: [{ topic: 't', events: [{ key: 'd', data: 1 }] }] }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: expected });
    expect((await client.topicInfo('t')).maxSeq).toBe(1);
  });

  it('a batch whose transaction cannot be read rejects with that error on every backend, writing nothing', async () => {
    for (const [name, store] of Object.entries(await openThree())) {
      const hostile = {
        topic: 't',
        get events(): never {
          throw new RangeError('the caller broke');
        },
      } as unknown as BatchTxn;
      const failure = store.appendBatch([{ topic: 't', events: [{ key: 'a', data: 1 }] }, hostile]);
      await expect(failure, name).rejects.toThrow(RangeError);
      await expect(store.topicInfo('t'), name).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await store.close();
    }
  });
});
