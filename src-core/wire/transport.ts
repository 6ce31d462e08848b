/**
 * `WireTransport`: one server connection's way to send a request, shared by the Node client
 * (src-core/store/http/transport.ts adds nothing but its name) and the browser adapter. It holds the
 * normalised base URL (server-url.ts) and the bearer token; builds URLs (paths.ts, query.ts); sends
 * with the global `fetch` (Node's undici with keep-alive, or the browser's), plus any fetch options
 * the client fixes for every request (the browser: `cache: 'no-store'`); and turns every failure
 * into a coded error with envelope.ts's messages. `json` sends a JSON body (a string is taken as
 * already serialised, as the ordered writer sends it) and parses a JSON answer. Each request can be
 * named for a person (`what`, default "GET /v1/topics"). Pure: fetch, URL and Response only.
 */
import type { TidemarkError } from '../model/errors';
import { readAnswerText } from './body-read';
import { errorFromResponse, notJson, networkError } from './envelope';
import { type Query, buildUrl } from './query';
import { normalizeServerUrl } from './server-url';

/** Fetch options a client fixes for every request (the browser: no HTTP cache). */
export interface RequestDefaults {
  cache?: 'default' | 'no-store' | 'reload' | 'no-cache' | 'force-cache' | 'only-if-cached';
}

export interface WireTransportOptions {
  url: string;
  /** Bearer token; absent, null or '' sends no Authorization header. */
  token?: string | null | undefined;
  /** Fetch options of every request (e.g. the browser's `cache: 'no-store'`). */
  requestDefaults?: RequestDefaults;
}

export interface WireRequestInit extends Omit<RequestInit, 'headers'> {
  headers?: Record<string, string>;
  query?: Query;
  /** Names the request in error messages (default "<METHOD> <path>"). */
  what?: string;
}

export interface JsonRequest {
  query?: Query;
  /** Sent as is when a string (already serialised), else JSON-encoded. */
  body?: unknown;
  signal?: AbortSignal;
  what?: string;
}

export class WireTransport {
  readonly baseUrl: string;
  private readonly auth: Readonly<Record<string, string>>;
  private readonly defaults: RequestDefaults;

  constructor(opts: WireTransportOptions) {
    this.baseUrl = normalizeServerUrl(opts.url);
    this.auth = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
    this.defaults = opts.requestDefaults ?? {};
  }

  /** The Authorization header (empty without a token), for requests not sent by `fetch` (XHR). */
  authHeaders(): Record<string, string> {
    return { ...this.auth };
  }

  url(path: string, query?: Query): string {
    return buildUrl(this.baseUrl, path, query);
  }

  /** The request with auth; no answer is UNAVAILABLE, an abort CANCELLED. Any status is returned. */
  async fetch(path: string, init: WireRequestInit = {}): Promise<Response> {
    const { query, headers, what, ...rest } = init;
    const url = this.url(path, query);
    try {
      return await fetch(url, { ...this.defaults, ...rest, headers: { ...this.auth, ...headers } });
    } catch (err) {
      throw networkError(err, what ?? `${rest.method ?? 'GET'} ${path}`, this.baseUrl);
    }
  }

  /** As `fetch`, but a non-2xx answer is thrown as the error it carries. */
  async send(method: string, path: string, init: WireRequestInit = {}): Promise<Response> {
    const what = init.what ?? `${method} ${path}`;
    const res = await this.fetch(path, { ...init, method, what });
    if (!res.ok) throw await this.errorFrom(res, what);
    return res;
  }

  /** The error a non-2xx answer carries (envelope.ts). */
  errorFrom(res: Response, what = 'The request'): Promise<TidemarkError> {
    return errorFromResponse(res, what);
  }

  /** A JSON request and its JSON answer. */
  async json<T>(method: string, path: string, opts: JsonRequest = {}): Promise<T> {
    const what = opts.what ?? `${method} ${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    const init: WireRequestInit = { method, headers, what };
    if (opts.query !== undefined) init.query = opts.query;
    if (opts.signal !== undefined) init.signal = opts.signal;
    if (opts.body !== undefined) {
      init.body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    return this.jsonOf<T>(await this.send(method, path, init), what);
  }

  /** The text of `res`, at most `LIMITS.answerBytesMax` bytes (body-read.ts); a failure reading it is UNAVAILABLE. */
  async textOf(res: Response, what: string): Promise<string> {
    try {
      return await readAnswerText(res, what);
    } catch (err) {
      throw networkError(err, what, this.baseUrl);
    }
  }

  /**
   * The JSON answer of `res`: its text as `textOf` reads it (a longer answer INTERNAL, a failure
   * reading it UNAVAILABLE), and a body that is not JSON INTERNAL.
   */
  async jsonOf<T>(res: Response, what: string): Promise<T> {
    const text = await this.textOf(res, what);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw notJson(what);
    }
  }
}
