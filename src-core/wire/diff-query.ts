/**
 * The query of `POST /v1/topics/{topic}/diff` from the diff's options, the one place their names
 * become parameters (`keyField` is `key`; `fields` and `ignore` travel as comma lists; `includeEqual`
 * as `true`/`false`). The route splits a list at commas and trims each name, so a field name that
 * holds a comma or starts or ends with white space cannot be sent as it is: refused (BAD_REQUEST
 * naming the list), never sent to be split into other names. An empty `fields` list is refused as
 * the engine refuses it (src-core/diff/options.ts); an empty `ignore` list ignores nothing and is
 * not sent. `map` travels as `from:to,…` and a per-field `tolerance` as `field:number,…` (so a
 * name there may hold no colon either), a single tolerance as its number, `normalise` as a comma
 * list. Numbers are written as JSON writes them; the route reads them back exactly. What these
 * mean and which values are refused is the engine's (`checkOptions`). Pure.
 */
import { badRequest } from '../model/errors';
import type { SnapshotFormat } from '../model/store-api';
import type { Query } from './query';

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
