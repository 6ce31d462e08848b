/**
 * A filter box: a labelled `type=search` input that hands back its text. The one way the app asks
 * for a filter or search text (topics, event keys, surface key prefix, diff result keys).
 */
import type { ReactNode } from 'react';

interface Props {
  /** The accessible name (there is no visible label). */
  label: string;
  placeholder: string;
  value: string;
  onChange: (text: string) => void;
}

export function SearchBox({ label, placeholder, value, onChange }: Props): ReactNode {
  return (
    <input
      type="search"
      aria-label={label}
      placeholder={placeholder}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
