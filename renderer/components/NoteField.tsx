/**
 * "Note (optional)": a writer's note, kept with the transaction as `meta.note` (New transaction,
 * Re-publish). Checked by the model's rule (validate.ts `validateNote`) as the store will check it;
 * a problem is shown under it in the store's words.
 */
import type { ReactNode } from 'react';
import { LIMITS } from '../../src-core/model/limits';
import { validateNote } from '../../src-core/model/validate';
import { refusal } from '../lib/refusal';

/** Why the store would refuse the note (trimmed), or null; an empty note is no note. */
export function noteProblem(note: string): string | null {
  const text = note.trim();
  return text === '' ? null : refusal(validateNote, text);
}

interface Props {
  value: string;
  onChange: (v: string) => void;
  placeholder: string;
  disabled?: boolean;
}

export function NoteField({ value, onChange, placeholder, disabled = false }: Props): ReactNode {
  const problem = noteProblem(value);
  return (
    <>
      <label className="field">
        <span>Note (optional)</span>
        <input
          type="text"
          maxLength={LIMITS.reasonMax}
          value={value}
          placeholder={placeholder}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {problem !== null && <p className="field-error">{problem}</p>}
    </>
  );
}
