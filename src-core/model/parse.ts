/**
 * The one rule for integers written as text, wherever they come from: a query parameter or path
 * segment of the HTTP API, a `Last-Event-ID` header, a CLI option, a number typed in the app or
 * found in its URL. An integer is plain decimal (`0` or a digit 1-9 followed by digits: no sign,
 * no leading zero, no exponent, fraction or spaces), a safe integer, within the caller's bounds;
 * a sequence number (`seq`) counts from 0 and a transaction number (`txn`) from 1. The wording of
 * what a value must be (`a non-negative integer`, `a positive integer`, `an integer from 1 to
 * 10000`) is the contract's, written here once; each caller keeps its own form around it (an
 * HTTP 400 envelope via `parseIntegerField`, commander's one-line message, a field marked bad in
 * the app). Decimals too (`decimalOf`): JSON number grammar, read exactly as written, and the
 * text of a number that must be carried exactly by a double (`exactNumber`: the diff's
 * tolerance). Pure, imports only model: the renderer uses it.
 */
import { badRequest } from './errors';

const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** The least sequence number (`after=0`: from the start of the log). */
export const SEQ_MIN = 0;
/** The least transaction number. */
export const TXN_MIN = 1;

/**
 * What an integer from `min` to `max` must be, in the contract's words: `a non-negative integer`
 * (from 0, unbounded), `a positive integer` (from 1, unbounded), `an integer >= 5`, or
 * `an integer from 1 to 10000`.
 */
export function integerRule(min: number = 0, max: number = Number.MAX_SAFE_INTEGER): string {
  if (max !== Number.MAX_SAFE_INTEGER) return `an integer from ${min} to ${max}`;
  if (min === 0) return 'a non-negative integer';
  if (min === 1) return 'a positive integer';
  return `an integer >= ${min}`;
}

/** `text` as an integer from `min` to `max` (both included), or null when it is not one. */
export function parseInteger(text: string, min: number = 0, max: number = Number.MAX_SAFE_INTEGER): number | null {
  if (!PLAIN_DECIMAL.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/**
 * `text` as an integer from `min` to `max`, or BAD_REQUEST naming the field and quoting the text:
 * `limit: must be an integer from 1 to 10000, got "abc"`. `what` follows the rule in the message
 * when the field needs saying what it counts (`(a seq)`).
 */
export function parseIntegerField(
  name: string,
  text: string,
  min: number = 0,
  max: number = Number.MAX_SAFE_INTEGER,
  what = '',
): number {
  const n = parseInteger(text, min, max);
  if (n === null) {
    throw badRequest(`${name}: must be ${integerRule(min, max)}${what ? ` ${what}` : ''}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** A sequence number (from 0), or null. */
export function parseSeq(text: string): number | null {
  return parseInteger(text, SEQ_MIN);
}

/** A transaction number (from 1), or null. */
export function parseTxn(text: string): number | null {
  return parseInteger(text, TXN_MIN);
}

/** A decimal: sign, significant digits without leading or trailing zeros, and where the point is. */
export interface Decimal {
  neg: boolean;
  /** '' for zero. */
  digits: string;
  /** The value is 0.digits × 10^exp. */
  exp: number;
}

/** JSON number grammar (RFC 8259). */
export const JSON_NUMBER = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A number in JSON number grammar as the exact decimal it writes, or null when the text is not one. */
export function decimalOf(text: string): Decimal | null {
  const m = JSON_NUMBER.exec(text);
  if (m === null) return null;
  const all = m[2]! + (m[3] ?? '');
  const lead = /^0*/.exec(all)![0].length;
  const digits = all.slice(lead).replace(/0+$/, '');
  if (digits === '') return { neg: false, digits: '', exp: 0 };
  return { neg: m[1] === '-', digits, exp: m[2]!.length - lead + Number(m[4] ?? '0') };
}

/** A finite double as the shortest decimal that reads back as it (what JSON.stringify writes). */
export function decimalOfNumber(n: number): Decimal {
  return decimalOf(String(n))!;
}

/**
 * A number written as text that a double carries exactly: JSON number grammar, and the decimal
 * the text writes is the double's own (`0.1` is; `0.10000000000000000001` and `1e999` are not, they
 * would be read as another number). Returns the number, or what is wrong for a message.
 */
export function exactNumber(text: string): number | string {
  const d = decimalOf(text);
  if (d === null) return 'must be a number';
  const n = Number(text);
  if (!Number.isFinite(n)) return 'has more digits than a number carries';
  const e = decimalOfNumber(n);
  if (d.neg !== e.neg || d.digits !== e.digits || d.exp !== e.exp) return 'has more digits than a number carries';
  return n;
}
