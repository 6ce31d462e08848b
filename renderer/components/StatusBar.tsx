/**
 * The status bar: where you are — the connection's colour, label, kind, the role granted and
 * whether it is read-only — so nobody invalidates production thinking it is staging.
 */
import type { ReactNode } from 'react';
import type { ConnectionInfo } from '../../src-core/model/store-api';

export function StatusBar({ conn }: { conn: ConnectionInfo | null }): ReactNode {
  return (
    <footer className="status-bar" aria-label="Connection status" style={{ borderTopColor: conn?.color ?? undefined }}>
      {conn ? (
        <>
          <span className="swatch" style={{ background: conn.color ?? 'transparent' }} aria-hidden="true" />
          <span className="status-label">{conn.label}</span>
          <span className="status-item">{conn.kind === 'sqlite' ? 'local file' : 'server'}</span>
          <span className="status-item" title={conn.target}>
            {conn.target}
          </span>
          <span className="status-item">role: {conn.role}</span>
          {conn.readOnly && <span className="badge badge-warn">read-only</span>}
        </>
      ) : (
        <span>Not connected</span>
      )}
    </footer>
  );
}
