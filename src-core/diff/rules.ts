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

/** A decimal: sign, significant digits without leading or trailing zeros, and where the point is. */
interface Decimal {
  neg: boolean;
  /** '' for zero. */
  digits: string;
  /** The value is 0.digits × 10^exp. */
  exp: number;
}

/** JSON number grammar (RFC 8259). */
const NUMBER = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A number in JSON number grammar as a decimal, or null when the text is not one. */
function decimalOf(text: string): Decimal | null {
  const m = NUMBER.exec(text);
  if (m === null) return null;
  const all = m[2]! + (m[3] ?? '');
  const lead = /^0*/.exec(all)![0].length;
  const digits = all.slice(lead).replace(/0+$/, '');
  if (digits === '') return { neg: false, digits: '', exp: 0 };
  return { neg: m[1] === '-', digits, exp: m[2]!.length - lead + Number(m[4] ?? '0') };
}

function sameDecimal(a: Decimal, b: Decimal): boolean {
  return a.neg === b.neg && a.digits === b.digits && a.exp === b.exp;
}

/** A finite double as the shortest decimal that reads back as it. */
function decimalOfNumber(n: number): Decimal {
  return decimalOf(String(n))!;
}

/** A tolerance: how far apart two numbers may be and still be equal. */
export type Tolerance = Decimal;

/** A tolerance from a number given in code: finite and not negative, else null. */
export function toleranceOfNumber(n: unknown): Tolerance | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? decimalOfNumber(n) : null;
}

/**
 * A tolerance written as text (a query, the command line): JSON number grammar, not negative, and
 * exactly the number a double carries (`0.1` is, `0.10000000000000000001` is not: it would be
 * silently read as 0.1). Returns the number, or a reason for the message.
 */
export function parseToleranceText(text: string): number | string {
  const d = decimalOf(text);
  if (d === null) return 'must be a number';
  if (d.neg) return 'must not be negative';
  const n = Number(text);
  if (!Number.isFinite(n) || !sameDecimal(d, decimalOfNumber(n))) return 'has more digits than a number carries';
  return n;
}

/** A compared value as a number under the tolerance rule: a JSON number, or a CSV cell in JSON number grammar. */
export function numberOf(v: unknown, csv: boolean): Decimal | null {
  if (typeof v === 'number') return Number.isFinite(v) ? decimalOfNumber(v) : null;
  if (!csv || typeof v !== 'string' || NUMBER.exec(v) === null) return null;
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
