/**
 * The query of `POST /v1/topics/{topic}/diff` from the diff's options, the one place their names
 * become parameters (`keyField` is `key`; `fields` and `ignore` travel as comma lists; `includeEqual`
 * as `true`/`false`). The route splits a list at commas and trims each name, so a field name that
 * holds a comma or starts or ends with white space cannot be sent as it is: refused (BAD_REQUEST
 * naming the list), never sent to be split into other names. An empty `fields` list is refused as
 * the engine refuses it (src-core/diff/options.ts); an empty `ignore` list ignores nothing and is
 * not sent. Pure.
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
  /** Overrides the format the upload's Content-Type names. */
  format?: SnapshotFormat | undefined;
}

function commaList(names: readonly string[], what: string): string {
  for (const [i, n] of names.entries()) {
    if (typeof n !== 'string' || n === '') throw badRequest(`${what}[${i}]: must be a non-empty field name`);
    if (n.includes(',') || n.trim() !== n) {
      throw badRequest(
        `${what}[${i}]: ${JSON.stringify(n)} cannot be sent to the server, which splits the list at commas and trims each name`,
      );
    }
  }
  return names.join(',');
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
    format: opts.format,
  };
}
