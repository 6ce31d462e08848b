/**
 * The "Reason" of a write that must say why (an invalidation, a repair): a textarea capped at the
 * store's length, and the store's own words under it when it would refuse the text (the caller
 * works that out with lib/refusal.ts and decides when to show it).
 */
import type { ReactNode } from 'react';
import { LIMITS } from '../../src-core/model/limits';

interface Props {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  /** What the store would say about the text, or null. */
  error: string | null;
}

export function ReasonField({ value, onChange, placeholder, error }: Props): ReactNode {
  return (
    <>
      <label className="field">
        <span>Reason</span>
        <textarea
          rows={2}
          maxLength={LIMITS.reasonMax}
          value={value}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error !== null}
        />
      </label>
      {error !== null && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
