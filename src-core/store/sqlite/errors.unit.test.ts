/**
 * SQLite driver failures in our words (src-core/store/sqlite/errors.ts): each keeps its code
 * (busy -> UNAVAILABLE, read-only -> FORBIDDEN, anything else -> INTERNAL) and its message says
 * what happened without the driver's text or `SQLITE_…` code; the driver error stays the cause.
 * `leavesTail` tells the failures that only put off applying a heads tail (busy, read-only).
 */
import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../../model/errors';
import { leavesTail, mapSqliteError } from './errors';

function driverError(code: string): Error & { code: string } {
  return Object.assign(new Error(`${code}: something at /home/alice/store.db went wrong`), { code });
}

describe('mapSqliteError', () => {
  it.each([
    ['SQLITE_BUSY', 'UNAVAILABLE', 'the store is busy (locked by another process); retry'],
    ['SQLITE_LOCKED_SHAREDCACHE', 'UNAVAILABLE', 'the store is busy (locked by another process); retry'],
    ['SQLITE_READONLY_DBMOVED', 'FORBIDDEN', 'the store is read-only (its file or folder cannot be written)'],
    ['SQLITE_CORRUPT', 'INTERNAL', 'storage error: the store file is damaged'],
    ['SQLITE_IOERR_SHORT_READ', 'INTERNAL', 'storage error: the store file could not be read or written (I/O error)'],
    ['SQLITE_FULL', 'INTERNAL', 'storage error: the disk holding the store is full'],
    ['SQLITE_CONSTRAINT_TRIGGER', 'INTERNAL', 'storage error: a storage constraint failed'],
    ['SQLITE_WHATEVER', 'INTERNAL', 'storage error: the store failed'],
  ])('%s -> %s, %j', (code, ours, message) => {
    const raw = driverError(code);
    const e = mapSqliteError(raw) as TidemarkError;
    expect(e).toBeInstanceOf(TidemarkError);
    expect({ code: e.code, message: e.message }).toEqual({ code: ours, message });
    expect(e.message).not.toMatch(/SQLITE|alice|store\.db/);
    expect(e.cause).toBe(raw);
  });

  it('passes our errors and non-driver errors through', () => {
    const mine = new TidemarkError('CONFLICT', 'x');
    expect(mapSqliteError(mine)).toBe(mine);
    const other = new RangeError('y');
    expect(mapSqliteError(other)).toBe(other);
  });
});

describe('leavesTail', () => {
  it.each([
    ['SQLITE_BUSY', true],
    ['SQLITE_BUSY_SNAPSHOT', true],
    ['SQLITE_LOCKED', true],
    ['SQLITE_READONLY_DBMOVED', true],
    ['SQLITE_CORRUPT', false],
    ['SQLITE_FULL', false],
    ['SQLITE_IOERR_WRITE', false],
    ['SQLITE_CONSTRAINT_TRIGGER', false],
  ])('%s -> %s', (code, leaves) => {
    expect(leavesTail(driverError(code))).toBe(leaves);
  });

  it('is false for anything that is not a driver error', () => {
    expect(leavesTail(new Error('SQLITE_BUSY in a message only'))).toBe(false);
    expect(leavesTail(new TidemarkError('UNAVAILABLE', 'busy'))).toBe(false);
    expect(leavesTail(undefined)).toBe(false);
  });
});
