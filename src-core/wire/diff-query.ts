/**
 * The query of `POST /v1/topics/{topic}/diff` from the diff's options, the one place their names
 * become parameters (`keyField` is `key`; `fields` and `ignore` travel as comma lists; `includeEqual`
 * as `true`/`false`). The route splits a list at commas and trims each name, so a field name that
 * holds a comma or starts or ends with white space cannot be sent as it is: refused (BAD_REQUEST
 * naming the list), never sent to be split into other names. An empty `fields` list is refused as
 * the engine refuses it (src-core/diff/options.ts); an empty `ignore` list ignores nothing and is
 * not sent. `map` travels as `from:to,…` and a per-field `tolerance` as `field:number,…` (so a
 * name there may hold no colon either), a single tolerance as its number, `normalise` as a comma
 * list. Numbers are written as JSON writes them. The other way, the one reader of these text
 * forms (the route's query, the CLI's flags, the app's option fields): `splitList`, `parseMap`,
 * `parseTolerance` (a number must be carried exactly: model/parse.ts `exactNumber`),
 * `parseNormalise`; a malformed list is a BAD_REQUEST naming the option. What the options mean and
 * which values are refused beyond their form is the engine's (src-core/diff/options.ts
 * `checkOptions`). Pure.
 */
import { badRequest } from '../model/errors';
import type { z } from 'zod';
import type { normaliseRuleSchema } from '../model/options';
import { exactNumber } from '../model/parse';
import type { SnapshotFormat } from '../model/store-api';
import type { Query } from './query';

type NormaliseRule = z.infer<typeof normaliseRuleSchema>;

export interface DiffQueryOptions {
  keyField?: string | undefined;
  fields?: readonly string[] | undefined;
  ignore?: readonly string[] | undefined;
  limit?: number | undefined;
  asOfTxn?: number | undefined;
  includeEqual?: boolean | undefined;
  map?: Readonly<Record<string, string>> | undefined;
  tolerance?: number | Readonly<Record<string, number>> | undefined;
  normalise?: readonly string[] | undefined;
  /** Overrides the format the upload's Content-Type names. */
  format?: SnapshotFormat | undefined;
}

function commaList(names: readonly string[], what: string, colon = false): string {
  for (const [i, n] of names.entries()) {
    if (typeof n !== 'string' || n === '') throw badRequest(`${what}[${i}]: must be a non-empty field name`);
    if (n.includes(',') || n.trim() !== n || (colon && n.includes(':'))) {
      const at = colon ? 'commas and colons' : 'commas';
      throw badRequest(
        `${what}[${i}]: ${JSON.stringify(n)} cannot be sent to the server, which splits the list at ${at} and trims each name`,
      );
    }
  }
  return names.join(',');
}

/** `a:b,…` of a record; names checked as `commaList` does, with colons refused too. */
function pairList(rec: Readonly<Record<string, string | number>>, what: string): string {
  const entries = Object.entries(rec);
  commaList(
    entries.map(([k]) => k),
    what,
    true,
  );
  const values = entries.map(([, v]) => (typeof v === 'number' ? numberText(v, what) : v));
  commaList(values, what, true);
  return entries.map(([k], i) => `${k}:${values[i]!}`).join(',');
}

function numberText(n: number, what: string): string {
  if (!Number.isFinite(n)) throw badRequest(`${what}: must be a finite number`);
  return JSON.stringify(n);
}

export function diffQuery(opts: DiffQueryOptions): Query {
  if (opts.fields !== undefined && opts.fields.length === 0) throw badRequest('fields: name at least one field');
  return {
    key: opts.keyField,
    fields: opts.fields !== undefined ? commaList(opts.fields, 'fields') : undefined,
    ignore: opts.ignore !== undefined && opts.ignore.length > 0 ? commaList(opts.ignore, 'ignore') : undefined,
    limit: opts.limit,
    asOfTxn: opts.asOfTxn,
    includeEqual: opts.includeEqual === undefined ? undefined : String(opts.includeEqual),
    map: opts.map !== undefined ? pairList(opts.map, 'map') : undefined,
    tolerance:
      opts.tolerance === undefined
        ? undefined
        : typeof opts.tolerance === 'number'
          ? numberText(opts.tolerance, 'tolerance')
          : pairList(opts.tolerance, 'tolerance'),
    normalise: opts.normalise !== undefined ? commaList(opts.normalise, 'normalise') : undefined,
    format: opts.format,
  };
}

/** Parses a comma list (`a,b, c`) from a query or the command line; blanks are an error. */
export function splitList(value: string, what: string): string[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw badRequest(`${what}: an empty name in ${JSON.stringify(value)}`);
  return parts;
}

/** `a:b` of a `map` or `tolerance` list: exactly one colon, both sides non-empty (trimmed). */
function pairOf(part: string, what: string, shape: string): [string, string] {
  const bits = part.split(':').map((b) => b.trim());
  if (bits.length !== 2 || bits[0] === '' || bits[1] === '') {
    throw badRequest(`${what}: ${JSON.stringify(part)} is not ${shape}`);
  }
  return [bits[0]!, bits[1]!];
}

/** `map` as text: `snapshotField:storeField,…`; a field mapped twice is refused. */
export function parseMap(value: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of splitList(value, what)) {
    const [from, to] = pairOf(part, what, 'snapshotField:storeField');
    if (Object.hasOwn(out, from)) throw badRequest(`${what}: ${JSON.stringify(from)} is mapped twice`);
    Object.defineProperty(out, from, { value: to, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `tolerance` as text: one number, or `field:number,…`; a field named twice is refused. */
export function parseTolerance(value: string, what: string): number | Record<string, number> {
  const number = (text: string, label: string): number => {
    const n = exactNumber(text);
    if (typeof n === 'string') throw badRequest(`${label}: ${JSON.stringify(text)} ${n}`);
    if (n < 0) throw badRequest(`${label}: ${JSON.stringify(text)} must not be negative`);
    return n;
  };
  if (!value.includes(':')) return number(value.trim(), what);
  const out: Record<string, number> = {};
  for (const part of splitList(value, what)) {
    const [field, text] = pairOf(part, what, 'field:number');
    if (Object.hasOwn(out, field)) throw badRequest(`${what}: ${JSON.stringify(field)} is named twice`);
    const n = number(text, `${what} ${JSON.stringify(field)}`);
    Object.defineProperty(out, field, { value: n, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `normalise` as text: a comma list of `trim`, `case` (checked by `checkOptions`). */
export function parseNormalise(value: string, what: string): NormaliseRule[] {
  return splitList(value, what) as NormaliseRule[];
}
