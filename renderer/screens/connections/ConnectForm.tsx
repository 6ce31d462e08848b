/**
 * Connect to a server by URL and token. In the browser the URL is the server that served the app
 * (fixed; another origin would need CORS) and the form mostly asks for the token when the server
 * answered 401.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ColourSelect } from './ColourSelect';
import { useSwitchConnection } from './use-connect';
import type { ConnectServerRequest } from '../../../src-core/model/store-api';

interface Props {
  canConnect: boolean;
  needsToken: boolean;
}

export function ConnectForm({ canConnect, needsToken }: Props): ReactNode {
  const api = useApi();
  const [url, setUrl] = useState(canConnect ? '' : window.location.origin);
  const [token, setToken] = useState('');
  const [label, setLabel] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const [color, setColor] = useState<string | null>(null);
  const connect = useSwitchConnection((req: ConnectServerRequest) => api.connectServer(req));

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    connect.mutate({ url, token: token || undefined, label: label || undefined, readOnly, color });
  };

  return (
    <section className="card" aria-labelledby="connect-title">
      <h2 id="connect-title">Connect to a server</h2>
      {needsToken && (
        <p className="notice" role="status">
          This server needs a token. Enter the token you were given (it is kept only for this browser tab).
        </p>
      )}
      <form onSubmit={submit} className="form-grid">
        <label className="field">
          <span>Server URL</span>
          <input
            type="url"
            required
            value={url}
            readOnly={!canConnect}
            placeholder="http://127.0.0.1:4180"
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Token</span>
          <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        <label className="field">
          <span>Label</span>
          <input type="text" value={label} placeholder="e.g. staging" onChange={(e) => setLabel(e.target.value)} />
        </label>
        <ColourSelect value={color} onChange={setColor} />
        <label className="toggle">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
          Connect read-only
        </label>
        <div>
          <button type="submit" className="primary" disabled={connect.isPending}>
            {connect.isPending ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
      {!canConnect && (
        <p className="muted">
          In the browser the app talks to the server that served it. To manage another server, open the app that server
          serves, or use the desktop app.
        </p>
      )}
      {connect.error && <ErrorNotice title="Could not connect" error={connect.error} />}
    </section>
  );
}
