/**
 * Choosing how to compare: the snapshot format, the key field and the compared fields, offered
 * from the columns detected in the first 64 KiB of the file (sniffColumns); the comparison
 * options (DiffOptionsPicker) come in as `children`, and `blocked` keeps Compare off while one of
 * them is malformed.
 */
import type { ReactNode } from 'react';
import type { SnapshotFormat } from '../../../src-core/model/store-api';

export interface DiffChoice {
  format: SnapshotFormat | null;
  keyField: string;
  /** Compared fields; every detected column except the key by default. */
  fields: string[];
}

interface Props {
  columns: string[];
  choice: DiffChoice;
  onChange: (c: DiffChoice) => void;
  onCompare: () => void;
  busy: boolean;
  /** A comparison option is malformed: Compare stays off. */
  blocked?: boolean;
  children?: ReactNode;
}

export function DiffSetup({ columns, choice, onChange, onCompare, busy, blocked, children }: Props): ReactNode {
  const comparable = columns.filter((c) => c !== choice.keyField);
  const toggle = (f: string, on: boolean): void =>
    onChange({ ...choice, fields: on ? [...choice.fields, f] : choice.fields.filter((x) => x !== f) });
  return (
    <form
      className="diff-setup"
      onSubmit={(e) => {
        e.preventDefault();
        onCompare();
      }}
    >
      <label className="field">
        <span>Format</span>
        <select
          value={choice.format ?? ''}
          onChange={(e) => onChange({ ...choice, format: (e.target.value || null) as SnapshotFormat | null })}
        >
          <option value="">Choose…</option>
          <option value="csv">CSV</option>
          <option value="json">JSON (array of objects)</option>
          <option value="ndjson">NDJSON (one object per line)</option>
        </select>
      </label>
      <label className="field">
        <span>Key field</span>
        {columns.length > 0 ? (
          <select
            value={choice.keyField}
            onChange={(e) =>
              onChange({ ...choice, keyField: e.target.value, fields: columns.filter((c) => c !== e.target.value) })
            }
          >
            {columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : (
          <input value={choice.keyField} onChange={(e) => onChange({ ...choice, keyField: e.target.value })} />
        )}
      </label>
      <fieldset className="fields-choice">
        <legend>Compared fields</legend>
        {comparable.length === 0 ? (
          <span className="muted">
            {columns.length === 0
              ? 'No columns could be detected in the start of the file; every field will be compared.'
              : 'No other fields.'}
          </span>
        ) : (
          comparable.map((f) => (
            <label key={f} className="toggle">
              <input
                type="checkbox"
                checked={choice.fields.includes(f)}
                onChange={(e) => toggle(f, e.target.checked)}
              />
              {f}
            </label>
          ))
        )}
      </fieldset>
      {children}
      <div>
        <button
          type="submit"
          className="primary"
          disabled={busy || blocked === true || !choice.format || choice.keyField.trim() === ''}
        >
          Compare
        </button>
      </div>
    </form>
  );
}
