/**
 * Recent connections: reconnect with one click, or forget one.
 */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { recentConnectionsQuery } from '../../queries/connection';
import { useForgetConnection, useSwitchConnection } from './use-connect';

export function RecentList({ currentId }: { currentId: string | null }): ReactNode {
  const api = useApi();
  const { data = [], error } = useQuery(recentConnectionsQuery(api));
  const reconnect = useSwitchConnection((id: string) => api.reconnect(id));
  const forget = useForgetConnection();
  return (
    <section className="card" aria-labelledby="recent-title">
      <h2 id="recent-title">Recent connections</h2>
      {error && <ErrorNotice error={error} />}
      {data.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="recent-list" aria-label="Recent connections">
          {data.map((c) => (
            <li key={c.id}>
              <span className="swatch" style={{ background: c.color ?? 'transparent' }} aria-hidden="true" />
              <span className="recent-label">{c.label}</span>
              <span className="muted mono">{c.target}</span>
              {c.readOnly && <span className="badge badge-warn">read-only</span>}
              {c.id === currentId ? (
                <span className="badge">open</span>
              ) : (
                <button type="button" onClick={() => reconnect.mutate(c.id)} aria-label={`Reconnect to ${c.label}`}>
                  Reconnect
                </button>
              )}
              <button type="button" onClick={() => forget.mutate(c.id)} aria-label={`Forget ${c.label}`}>
                Forget
              </button>
            </li>
          ))}
        </ul>
      )}
      {(reconnect.error ?? forget.error) && <ErrorNotice error={reconnect.error ?? forget.error} />}
    </section>
  );
}
