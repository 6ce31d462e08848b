/**
 * The open connection and its marks: "Read-only" (disables every write control) and a colour.
 * A mark changes on screen at once: the controls show the value being saved until the update
 * settles (the cache takes it optimistically too, see useUpdateConnection); if it fails, they go
 * back to the connection's value and the error is shown here.
 */
import { useState, type ReactNode } from 'react';
import type { ConnectionInfo, ConnectionPatch } from '../../../src-core/model/store-api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ColourSelect } from './ColourSelect';
import { useUpdateConnection } from './use-connect';

export function CurrentConnection({ conn }: { conn: ConnectionInfo }): ReactNode {
  const update = useUpdateConnection();
  // What the controls show while an update is on its way: a controlled input would otherwise snap
  // back to the old value until the round trip ends. Cleared when the latest update settles (only
  // the latest mutate call's callbacks run); by then the cache holds every earlier change too.
  const [saving, setSaving] = useState<Pick<ConnectionPatch, 'readOnly' | 'color'>>({});
  const mark = (patch: Pick<ConnectionPatch, 'readOnly' | 'color'>): void => {
    setSaving((s) => ({ ...s, ...patch }));
    update.mutate({ id: conn.id, patch }, { onSettled: () => setSaving({}) });
  };
  const readOnly = saving.readOnly ?? conn.readOnly;
  const color = saving.color !== undefined ? saving.color : conn.color;
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
          <input type="checkbox" checked={readOnly} onChange={(e) => mark({ readOnly: e.target.checked })} />
          Read-only
        </label>
        <ColourSelect value={color} onChange={(c) => mark({ color: c })} />
        <a className="button primary" href="#/topics">
          Open topics
        </a>
      </div>
      {update.error && <ErrorNotice title="The connection could not be changed" error={update.error} />}
    </section>
  );
}
