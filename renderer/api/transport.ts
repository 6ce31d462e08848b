/**
 * The small fetch wrapper behind the HTTP adapter: builds URLs (path segments encoded, undefined
 * query values left out, lone surrogates refused), adds the bearer token, sends JSON and turns
 * non-2xx answers into coded errors. Nothing here knows the routes; see http-adapter.ts.
 */
import { checkWellFormed } from '../../src-core/model/text';
import { errorFromResponse, toApiError } from './errors';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/**
 * `base` + `path` + `?query`, skipping null/undefined/'' values; a value with a lone surrogate is
 * a BAD_REQUEST naming the parameter (a URL cannot carry it), never sent rewritten.
 */
export function buildUrl(base: string, path: string, query?: Query): string {
  const url = new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      // searchParams would turn a lone surrogate into U+FFFD: refuse it instead (model/text.ts).
      url.searchParams.set(k, checkWellFormed(String(v), k));
    }
  }
  return url.toString();
}

/** A URL path from segments, each encoded (topic names may hold ':'). */
export function pathOf(...segments: (string | number)[]): string {
  return '/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Used in error messages: "Loading topics failed ...". */
  what?: string;
}

export class HttpTransport {
  constructor(
    readonly baseUrl: string,
    private token: string | null,
  ) {}

  authHeaders(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  url(path: string, query?: Query): string {
    return buildUrl(this.baseUrl, path, query);
  }

  /** Sends a request and returns the raw response when it is 2xx; throws a coded error otherwise. */
  async send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const what = opts.what ?? `${method} ${path}`;
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeaders() };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let res: Response;
    try {
      res = await fetch(this.url(path, opts.query), { method, headers, body, signal: opts.signal, cache: 'no-store' });
    } catch (err) {
      throw toApiError(err, what);
    }
    if (!res.ok) throw await errorFromResponse(res, what);
    return res;
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts);
    return (await res.json()) as T;
  }
}
