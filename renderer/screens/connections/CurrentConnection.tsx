/**
 * The open connection and its marks: "Read-only" (disables every write control) and a colour.
 */
import type { ReactNode } from 'react';
import type { ConnectionInfo } from '../../../src-core/model/store-api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ColourSelect } from './ColourSelect';
import { useUpdateConnection } from './use-connect';

export function CurrentConnection({ conn }: { conn: ConnectionInfo }): ReactNode {
  const update = useUpdateConnection();
  return (
    <section className="card" aria-labelledby="current-conn-title">
      <h2 id="current-conn-title">Connected to {conn.label}</h2>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{conn.kind === 'sqlite' ? 'Local store file' : 'Server'}</dd>
        <dt>Where</dt>
        <dd className="mono">{conn.target}</dd>
        <dt>Role</dt>
        <dd>{conn.role}</dd>
      </dl>
      <div className="row">
        <label className="field">
          <span>Label</span>
          <input
            type="text"
            key={conn.label}
            defaultValue={conn.label}
            onBlur={(e) => {
              const label = e.target.value.trim();
              if (label && label !== conn.label) update.mutate({ id: conn.id, patch: { label } });
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.currentTarget.blur();
            }}
          />
        </label>
        <label className="toggle">
          <input
            type="checkbox"
            checked={conn.readOnly}
            onChange={(e) => update.mutate({ id: conn.id, patch: { readOnly: e.target.checked } })}
          />
          Read-only
        </label>
        <ColourSelect value={conn.color} onChange={(color) => update.mutate({ id: conn.id, patch: { color } })} />
        <a className="button primary" href="#/topics">
          Open topics
        </a>
      </div>
      {update.error && <ErrorNotice title="The connection could not be changed" error={update.error} />}
    </section>
  );
}
