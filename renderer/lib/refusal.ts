/**
 * What the store would say to a value before it is sent: runs one of the model's validators
 * (src-core/model/validate.ts, the checks every backend applies) and returns its message when it
 * refuses the value, else null. Forms show it in place, in the store's own words.
 */
export function refusal(validate: (value: string) => unknown, value: string): string | null {
  try {
    validate(value);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
