/**
 * The one rule of who may do what (model/access.ts): the role order, role parsing, and the role
 * each operation needs, for every operation of the table (so a change to the table is a visible
 * change to this test).
 */
import { describe, expect, it } from 'vitest';
import {
  OPERATIONS,
  ROLES,
  allows,
  changesStore,
  isOperation,
  isRole,
  needOf,
  parseRole,
  refusalFor,
  roleAtLeast,
} from './access';

describe('roles', () => {
  it('orders read < write < admin', () => {
    expect(ROLES).toEqual(['read', 'write', 'admin']);
    const table = ROLES.map((have) => ROLES.map((need) => roleAtLeast(have, need)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it('knows role names exactly, and names what was wrong', () => {
    for (const r of ROLES) expect(isRole(r)).toBe(true);
    for (const v of ['Admin', 'root', '', ' read', 'toString', '__proto__', null, 1, undefined]) {
      expect(isRole(v)).toBe(false);
    }
    expect(parseRole('write', 'x')).toBe('write');
    expect(() => parseRole('superuser', '--token')).toThrow(
      '--token: role must be read, write or admin, got "superuser"',
    );
  });
});

describe('operations', () => {
  it('maps every operation to the role it needs', () => {
    expect(OPERATIONS).toEqual({
      health: 'public',
      ui: 'public',
      notFound: 'public',
      whoami: 'read',
      metrics: 'read',
      openapi: 'read',
      'topics.list': 'read',
      'topics.info': 'read',
      'events.read': 'read',
      'events.stream': 'read',
      'txns.list': 'read',
      'txns.get': 'read',
      'topics.timeline': 'read',
      'surface.read': 'read',
      'surface.export': 'read',
      diff: 'read',
      previewInvalidate: 'read',
      previewRepublish: 'read',
      'txns.append': 'write',
      batch: 'write',
      repair: 'write',
      'sample.load': 'write',
      'txns.republish': 'write',
      'txns.invalidate': 'admin',
      'topics.import': 'admin',
      'topics.verify': 'read',
    });
  });

  it('allows an operation to a role at least as strong as it needs', () => {
    expect(allows('read', 'events.read')).toBe(true);
    expect(allows('read', 'txns.append')).toBe(false);
    expect(allows('write', 'batch')).toBe(true);
    expect(allows('write', 'txns.invalidate')).toBe(false);
    expect(allows('admin', 'txns.invalidate')).toBe(true);
    expect(allows('read', 'health')).toBe(true);
    expect(needOf('diff')).toBe('read');
  });

  it('says which operations change the store (refused on read-only connections)', () => {
    const changing = Object.keys(OPERATIONS).filter((op) => isOperation(op) && changesStore(op));
    expect(changing.sort()).toEqual([
      'batch',
      'repair',
      'sample.load',
      'topics.import',
      'txns.append',
      'txns.invalidate',
      'txns.republish',
    ]);
  });

  it('knows operation names exactly', () => {
    expect(isOperation('events.read')).toBe(true);
    for (const v of ['events', 'EVENTS.READ', 'constructor', 'hasOwnProperty', '', undefined, 3]) {
      expect(isOperation(v)).toBe(false);
    }
  });
});

describe('refusalFor (a connection and an operation)', () => {
  it('refuses writes on a read-only connection, then roles too small, and nothing else', () => {
    expect(refusalFor({ readOnly: true, role: 'admin' }, 'txns.append')).toEqual({ reason: 'readOnly' });
    expect(refusalFor({ readOnly: true, role: 'admin' }, 'events.read')).toBeNull();
    expect(refusalFor({ readOnly: false, role: 'read' }, 'sample.load')).toEqual({ reason: 'role', need: 'write' });
    expect(refusalFor({ readOnly: false, role: 'write' }, 'txns.invalidate')).toEqual({
      reason: 'role',
      need: 'admin',
    });
    expect(refusalFor({ readOnly: false, role: 'read' }, 'health')).toBeNull();
    for (const op of Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[]) {
      for (const role of ROLES) {
        expect(refusalFor({ readOnly: false, role }, op) === null).toBe(allows(role, op));
      }
    }
  });
});
