import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../src-core/model/store-api';
import { accessOf } from './use-access';

const conn = (role: ConnectionInfo['role'], readOnly = false): ConnectionInfo => ({
  id: 'x',
  kind: 'http',
  label: 'x',
  target: 'http://x',
  readOnly,
  color: null,
  role,
});

describe('accessOf', () => {
  it('follows the role', () => {
    expect(accessOf(conn('admin'))).toMatchObject({ canWrite: true, canInvalidate: true, why: null });
    expect(accessOf(conn('write'))).toMatchObject({ canWrite: true, canRepair: true, canInvalidate: false });
    expect(accessOf(conn('read'))).toMatchObject({ canWrite: false, canRepair: false, canInvalidate: false });
    expect(accessOf(conn('read')).why).toContain('read role');
  });
  it('New transaction and Re-publish need the write role', () => {
    expect(accessOf(conn('write'))).toMatchObject({ canAppend: true, canRepublish: true });
    expect(accessOf(conn('read'))).toMatchObject({ canAppend: false, canRepublish: false });
    expect(accessOf(conn('admin', true))).toMatchObject({ canAppend: false, canRepublish: false });
    expect(accessOf(null)).toMatchObject({ canAppend: false, canRepublish: false });
  });
  it('read-only beats every role', () => {
    expect(accessOf(conn('admin', true))).toMatchObject({
      canWrite: false,
      canInvalidate: false,
      canRepair: false,
      why: 'This connection is read-only',
    });
    expect(accessOf(null)).toMatchObject({ canWrite: false, canInvalidate: false });
  });
});
