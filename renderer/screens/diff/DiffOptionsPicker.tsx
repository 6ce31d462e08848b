/**
 * The Diff tab's comparison options (docs/diff.md "Options"): map fields, numeric tolerance,
 * string normalisation (trim, ignore case) and the store side as of a transaction. Each is checked
 * as it is typed with the wire's readers (lib/diff-options.ts), and a message from the server that
 * names an option is shown at that option, so the person fixes it in place.
 */
import type { ReactNode } from 'react';
import type { DiffOptionName, DiffOptionsText } from '../../lib/diff-options';

interface Props {
  value: DiffOptionsText;
  onChange: (t: DiffOptionsText) => void;
  errors: Partial<Record<DiffOptionName, string>>;
}

function Problem({ id, text }: { id: string; text: string | undefined }): ReactNode {
  if (text === undefined) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {text}
    </span>
  );
}

/** A labelled text box for one option, marked and explained when it is wrong. */
function TextOption(props: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  error: string | undefined;
  narrow?: boolean;
  onChange: (text: string) => void;
}): ReactNode {
  const errorId = `diff-opt-${props.id}-error`;
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        className={props.narrow === true ? 'narrow' : undefined}
        inputMode={props.narrow === true ? 'numeric' : undefined}
        value={props.value}
        placeholder={props.placeholder}
        aria-invalid={props.error !== undefined}
        aria-describedby={props.error !== undefined ? errorId : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <Problem id={errorId} text={props.error} />
    </label>
  );
}

export function DiffOptionsPicker({ value, onChange, errors }: Props): ReactNode {
  const set = (patch: Partial<DiffOptionsText>): void => onChange({ ...value, ...patch });
  return (
    <fieldset className="diff-options">
      <legend>Comparison options</legend>
      <TextOption
        id="map"
        label="Map fields"
        placeholder="snapshotField:storeField, …"
        value={value.map}
        error={errors.map}
        onChange={(map) => set({ map })}
      />
      <TextOption
        id="tolerance"
        label="Tolerance"
        placeholder="0.01, or field:0.01, …"
        value={value.tolerance}
        error={errors.tolerance}
        onChange={(tolerance) => set({ tolerance })}
      />
      <div className="field" role="group" aria-label="Normalise text">
        <span>Normalise text</span>
        <label className="toggle">
          <input type="checkbox" checked={value.trim} onChange={(e) => set({ trim: e.target.checked })} />
          Trim spaces
        </label>
        <label className="toggle">
          <input type="checkbox" checked={value.ignoreCase} onChange={(e) => set({ ignoreCase: e.target.checked })} />
          Ignore case
        </label>
        <Problem id="diff-opt-normalise-error" text={errors.normalise} />
      </div>
      <TextOption
        id="asof"
        label="As of txn"
        placeholder="latest"
        narrow
        value={value.asOfTxn}
        error={errors.asOfTxn}
        onChange={(asOfTxn) => set({ asOfTxn })}
      />
    </fieldset>
  );
}
