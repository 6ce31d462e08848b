/**
 * A narrow box for a whole number typed by a person (a transaction number): numeric keyboard,
 * `aria-invalid` while the caller says the text is not a valid number. The caller parses the text
 * (lib/txn-input.ts) and says what is wrong next to it.
 */
import type { ReactNode } from 'react';

interface Props {
  /** The accessible name; omit when the box sits inside a visible `<label>`. */
  label?: string;
  placeholder: string;
  value: string;
  onChange: (text: string) => void;
  invalid?: boolean;
}

export function NumberBox({ label, placeholder, value, onChange, invalid }: Props): ReactNode {
  return (
    <input
      type="text"
      inputMode="numeric"
      className="narrow"
      aria-label={label}
      aria-invalid={invalid}
      placeholder={placeholder}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
