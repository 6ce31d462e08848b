/**
 * Open or create a local store file (desktop app only: native dialogs).
 */
import { useState, type ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useSwitchConnection } from './use-connect';
import type { OpenFileRequest } from '../../../src-core/model/store-api';

export function OpenFile(): ReactNode {
  const api = useApi();
  const [readOnly, setReadOnly] = useState(false);
  const open = useSwitchConnection((req: OpenFileRequest) => api.openFile(req));
  return (
    <section className="card" aria-labelledby="open-file-title">
      <h2 id="open-file-title">Local store file</h2>
      <div className="row">
        <button type="button" className="primary" disabled={open.isPending} onClick={() => open.mutate({ readOnly })}>
          Open store file…
        </button>
        <button type="button" disabled={open.isPending} onClick={() => open.mutate({ create: true, readOnly })}>
          Create store file…
        </button>
        <label className="toggle">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
          Open read-only
        </label>
      </div>
      {open.error && <ErrorNotice title="The file could not be opened" error={open.error} />}
    </section>
  );
}
