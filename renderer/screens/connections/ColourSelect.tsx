/**
 * A labelled choice of connection colour (shown in the status bar).
 */
import type { ReactNode } from 'react';
import { COLOURS } from './use-connect';

interface Props {
  value: string | null;
  onChange: (v: string | null) => void;
  disabled?: boolean;
}

export function ColourSelect({ value, onChange, disabled }: Props): ReactNode {
  return (
    <label className="field">
      <span>Colour</span>
      <select
        value={value ?? ''}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      >
        {COLOURS.map((c) => (
          <option key={c.name} value={c.value ?? ''}>
            {c.name}
          </option>
        ))}
        {value !== null && !COLOURS.some((c) => c.value === value) && <option value={value}>{value}</option>}
      </select>
    </label>
  );
}
