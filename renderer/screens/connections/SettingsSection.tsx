/**
 * Settings: the writer name, the `by` the desktop app records on its writes and invalidations on a
 * local file (default: the OS user name; empty goes back to the default; checked by the model's
 * `by` rule, so a name the store would refuse is refused here in its words). In the browser the
 * server records the name of the connection's token: shown, not editable.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { LIMITS } from '../../../src-core/model/limits';
import { validateBy } from '../../../src-core/model/validate';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { refusal } from '../../lib/refusal';
import { keys } from '../../queries/keys';

export function SettingsSection(): ReactNode {
  const api = useApi();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: keys.settings(), queryFn: () => api.settings() });
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (by: string) => api.updateSettings({ by }),
    onSuccess: (next) => {
      qc.setQueryData(keys.settings(), next);
      setDraft(null);
    },
  });
  const s = settings.data;
  if (settings.error) return <ErrorNotice title="The settings could not be loaded" error={settings.error} />;
  if (!s) return null;
  const value = draft ?? (s.bySet ? (s.by ?? '') : '');
  const problem = value.trim() === '' ? null : refusal(validateBy, value.trim());
  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      {s.editable ? (
        <form
          className="form-stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (problem === null) save.mutate(value.trim());
          }}
        >
          <label className="field">
            <span>Writer name</span>
            <input
              type="text"
              maxLength={LIMITS.byMax}
              value={value}
              placeholder={s.byDefault === null ? 'No default on this system' : `Default: ${s.byDefault}`}
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          {problem !== null && <p className="field-error">{problem}</p>}
          <p className="muted" role="status">
            Recorded as <em>by</em> on what you write or invalidate in a local store file:{' '}
            <strong>{s.by ?? 'nobody (null)'}</strong>
            {s.bySet ? '' : ' (the default, your OS user name)'}. Leave empty for the default. On a server, the server
            records your token&apos;s name instead.
          </p>
          <div className="row">
            <button type="submit" className="small" disabled={problem !== null || save.isPending || draft === null}>
              Save writer name
            </button>
          </div>
          {save.error && <ErrorNotice title="The writer name was not saved" error={save.error} />}
        </form>
      ) : (
        <dl className="facts">
          <dt>Writer name</dt>
          <dd>
            The server records your token&apos;s name: <strong>{s.by ?? 'none (the server has no tokens)'}</strong>
          </dd>
        </dl>
      )}
    </section>
  );
}
