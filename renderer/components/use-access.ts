/**
 * What the open connection allows: writing (sample data, New transaction, Re-publish), repairing
 * and invalidating, by the one rule of
 * src-core/model/access.ts (`refusalFor`: read-only connections and roles). A read-only
 * connection, or a token whose role is too low, disables the controls; `why` says which.
 */
import { useQuery } from '@tanstack/react-query';
import { refusalFor } from '../../src-core/model/access';
import type { ConnectionInfo } from '../../src-core/model/store-api';
import { useApi } from '../api/api-context';
import { currentConnectionQuery } from '../queries/connection';

export interface Access {
  conn: ConnectionInfo | null;
  canWrite: boolean;
  canInvalidate: boolean;
  /** May repair a topic from a diff (a write). */
  canRepair: boolean;
  /** New transaction (the Events tab's editor). */
  canAppend: boolean;
  /** Re-publish an invalidated transaction. */
  canRepublish: boolean;
  /** Why writes are disabled, or null. */
  why: string | null;
}

export function accessOf(conn: ConnectionInfo | null): Access {
  if (!conn) {
    return {
      conn,
      canWrite: false,
      canInvalidate: false,
      canRepair: false,
      canAppend: false,
      canRepublish: false,
      why: 'Not connected',
    };
  }
  const invalidate = refusalFor(conn, 'txns.invalidate');
  const why =
    invalidate === null
      ? null
      : invalidate.reason === 'readOnly'
        ? 'This connection is read-only'
        : `Your token has the ${conn.role} role`;
  return {
    conn,
    canWrite: refusalFor(conn, 'sample.load') === null,
    canInvalidate: invalidate === null,
    canRepair: refusalFor(conn, 'repair') === null,
    canAppend: refusalFor(conn, 'txns.append') === null,
    canRepublish: refusalFor(conn, 'txns.republish') === null,
    why,
  };
}

export function useAccess(): Access {
  const api = useApi();
  const { data } = useQuery(currentConnectionQuery(api));
  return accessOf(data ?? null);
}
