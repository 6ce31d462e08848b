/**
 * How a `ConnectionPatch` (read-only flag, colour, label) changes a connection: the HTTP adapter
 * applies it for real, and the connection screen applies it optimistically to the cached current
 * connection before the round trip ends, so both must agree; an empty label keeps the old one.
 */
import type { ConnectionInfo, ConnectionPatch } from '../../src-core/model/store-api';

export function patchConnection(conn: ConnectionInfo, patch: ConnectionPatch): ConnectionInfo {
  const label = patch.label?.trim();
  return {
    ...conn,
    label: label ? label : conn.label,
    readOnly: patch.readOnly ?? conn.readOnly,
    color: patch.color !== undefined ? patch.color : conn.color,
  };
}
