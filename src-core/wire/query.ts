/**
 * Query strings, the same in every client. `queryOf(opts, KEYS)` turns an option object into query
 * values using the key list declared with the option's schema (src-core/model/options.ts
 * `*_OPTION_KEYS`), so no client lists option names itself: a declared key with a value is sent, an
 * undefined one is left out, and a field that is not declared is refused (BAD_REQUEST naming it),
 * as the server refuses an unknown parameter — never sent, never dropped silently. `buildUrl`
 * appends a query to a base URL and a path: each value must be a string or a finite number, and a
 * string with a lone surrogate (which a URL cannot carry; URLSearchParams would send U+FFFD) is a
 * BAD_REQUEST naming the parameter (model/text.ts). Empty strings are sent as they are. Pure.
 */
import { badRequest } from '../model/errors';
import { checkWellFormed } from '../model/text';

export type QueryValue = string | number | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

/** `value` as query text, or BAD_REQUEST naming `name`. */
function queryText(name: string, value: unknown): string {
  if (typeof value === 'string') return checkWellFormed(value, name);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badRequest(`${name}: must be a finite number, got ${String(value)}`);
    return String(value);
  }
  throw badRequest(`${name}: must be a string or a number, got ${value === null ? 'null' : typeof value}`);
}

/**
 * The declared `keys` of `opts` as a query. A field of `opts` outside `keys` that has a value is a
 * BAD_REQUEST naming it (an undefined one is ignored, as an absent one).
 */
export function queryOf<T extends object>(opts: T | undefined, keys: readonly (keyof T & string)[]): Query {
  const out: Record<string, QueryValue> = {};
  if (opts === undefined) return out;
  const src = opts as Record<string, unknown>;
  for (const [name, value] of Object.entries(src)) {
    if (value === undefined) continue;
    if (!(keys as readonly string[]).includes(name)) {
      throw badRequest(`${name}: is not an option of this request (the options are ${keys.join(', ')})`);
    }
    out[name] = queryText(name, value);
  }
  return out;
}

/** The query string of `query` (without `?`; '' when nothing is set), values checked as above. */
export function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const qs = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) qs.append(name, queryText(name, value));
  }
  return qs.toString();
}

/** `base` (a normalised server URL, see server-url.ts) + `path` + `?query` when one is set. */
export function buildUrl(base: string, path: string, query?: Query): string {
  const qs = queryString(query);
  return qs === '' ? base + path : `${base}${path}?${qs}`;
}
