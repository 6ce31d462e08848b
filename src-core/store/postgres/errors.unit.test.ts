/**
 * The mapping of driver and server failures to Tidemark error codes (src-core/store/postgres/
 * errors.ts): what counts as "the database is unavailable" (503, safe to retry), what the write
 * path retries by itself, and that our own coded errors pass through untouched. The errors here are
 * shaped like the ones `pg` and Node produce; the integration tests provoke the real ones.
 */
import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../../model/errors';
import { isConnectionError, isRetryable, toStoreError } from './errors';
import { describeUrl } from './db';

function pgError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

describe('postgres error mapping', () => {
  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432', 'connection refused'],
    ['ECONNRESET', 'read ECONNRESET', 'the connection failed or was lost'],
    [
      '57P01',
      'terminating connection due to administrator command',
      'the database server is starting up or shutting down',
    ],
    ['57P03', 'the database system is starting up', 'the database server is starting up or shutting down'],
    ['53300', 'sorry, too many clients already', 'too many connections'],
    ['3D000', 'database "nope" does not exist', 'the database does not exist'],
    ['28P01', 'password authentication failed for user "app"', 'authentication failed'],
    ['08006', 'connection failure', 'the connection failed or was lost'],
  ])('%s is UNAVAILABLE naming the database, in our words', (code, message, ours) => {
    const e = toStoreError(pgError(code, message), 'db.example:5432/app');
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.status).toBe(503);
    expect(e.message).toBe(`PostgreSQL at db.example:5432/app is unavailable: ${ours}`);
    expect(e.cause).toBeInstanceOf(Error); // the driver's error stays for the log
  });

  it('treats a connection that died mid-query as UNAVAILABLE', () => {
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(toStoreError(new Error('Connection terminated unexpectedly'), 'h:1/d').code).toBe('UNAVAILABLE');
  });

  it('retries deadlocks, serialization failures and lost unique races only', () => {
    expect(isRetryable(pgError('40P01', 'deadlock detected'))).toBe(true);
    expect(isRetryable(pgError('40001', 'could not serialize access'))).toBe(true);
    expect(isRetryable(pgError('23505', 'duplicate key value'))).toBe(true);
    expect(isRetryable(pgError('42P01', 'relation does not exist'))).toBe(false);
    expect(isRetryable(pgError('57P01', 'admin shutdown'))).toBe(false);
  });

  it('maps a too-large index entry to BAD_REQUEST and anything else to INTERNAL', () => {
    expect(toStoreError(pgError('54000', 'index row size 3000 exceeds btree maximum'), 'h').code).toBe('BAD_REQUEST');
    const other = toStoreError(pgError('42P01', 'relation "x" does not exist'), 'h');
    expect(other.code).toBe('INTERNAL');
    expect(other.message).toBe('database error: the database schema is not what this version of Tidemark expects');
  });

  it('never puts the driver text or the SQLSTATE in a message', () => {
    const driver = 'index row size 3000 exceeds btree version 4 maximum 2704 for index "events_pkey"';
    for (const code of ['54000', '22021', '22P05', '23514', '40001', '42703', 'XX001', 'P0001']) {
      const e = toStoreError(pgError(code, driver), 'h:1/d');
      expect(e.message, code).not.toContain('events_pkey');
      expect(e.message, code).not.toContain(code);
      expect(e.message, code).not.toMatch(/PostgreSQL error/);
    }
  });

  it('passes our own coded errors through unchanged', () => {
    const mine = new TidemarkError('CONFLICT', 'expectMaxSeq: no');
    expect(toStoreError(mine, 'h')).toBe(mine);
  });

  it('names a database by host, port and name, never by its password', () => {
    expect(describeUrl('postgres://u:s3cret@db.example:6543/app')).toBe('db.example:6543/app');
    expect(describeUrl('postgresql://db.example/app')).toBe('db.example:5432/app');
    expect(describeUrl('postgres://u:s3cret@db.example/app')).not.toContain('s3cret');
  });
});
