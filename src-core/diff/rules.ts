/**
 * The value rules a diff's options add to the comparison (docs/diff.md, "Options"): numeric
 * tolerance and string normalisation. Numbers are compared as decimals, never as binary
 * fractions: each number (a store number, a JSON snapshot number, a CSV cell in JSON number
 * grammar, the tolerance itself) is read as the double JSON would read it and taken as the
 * shortest decimal that reads back as that double (what JSON.stringify writes), so 1.1 and 1.0 are
 * within 0.1 exactly. Normalisation: `trim` removes white space at both ends (String.trim), `case`
 * compares in lower case (String.toLowerCase, locale-independent). Pure.
 */
import { normaliseRuleSchema } from '../model/options';
import { type Decimal, JSON_NUMBER, decimalOfNumber } from '../model/parse';

/** A tolerance: how far apart two numbers may be and still be equal. */
export type Tolerance = Decimal;

/** A tolerance from a number given in code: finite and not negative, else null. */
export function toleranceOfNumber(n: unknown): Tolerance | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? decimalOfNumber(n) : null;
}

/** A compared value as a number under the tolerance rule: a JSON number, or a CSV cell in JSON number grammar. */
export function numberOf(v: unknown, csv: boolean): Decimal | null {
  if (typeof v === 'number') return Number.isFinite(v) ? decimalOfNumber(v) : null;
  if (!csv || typeof v !== 'string' || JSON_NUMBER.exec(v) === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? decimalOfNumber(n) : null;
}

/** The decimal as an integer times 10^scale (scale <= its own lowest digit's place). */
function scaled(d: Decimal, scale: number): bigint {
  if (d.digits === '') return 0n;
  const m = BigInt(d.digits) * 10n ** BigInt(d.exp - d.digits.length - scale);
  return d.neg ? -m : m;
}

/** |a - b| <= tol, exactly. */
export function withinTolerance(a: Decimal, b: Decimal, tol: Tolerance): boolean {
  const low = (d: Decimal): number => (d.digits === '' ? 0 : d.exp - d.digits.length);
  const scale = Math.min(low(a), low(b), low(tol));
  const diff = scaled(a, scale) - scaled(b, scale);
  return (diff < 0n ? -diff : diff) <= scaled(tol, scale);
}

/** The words `normalise` takes (declared with the diff's parameters in model/options.ts). */
export const NORMALISE_RULES = normaliseRuleSchema.options;
export type NormaliseRule = (typeof NORMALISE_RULES)[number];

/** A string as the normalisation rules make it (the identity without rules). */
export function normaliseText(s: string, trim: boolean, lowerCase: boolean): string {
  const t = trim ? s.trim() : s;
  return lowerCase ? t.toLowerCase() : t;
}
