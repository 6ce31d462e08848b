/**
 * The HTTP client's one way to talk to a server: `fetch` (Node's undici, keep-alive by default)
 * with the bearer token, JSON in and out, and errors rebuilt from the server's envelope by `code`
 * (`{"error":{"code","message"}}`), so a NOT_FOUND on the server is a NOT_FOUND here. A request
 * that never gets an answer (connection refused or reset, DNS failure, body cut off) is
 * UNAVAILABLE: the caller may retry it. A query value with a lone surrogate (which a URL cannot
 * carry) is a BAD_REQUEST naming the parameter, never sent rewritten.
 */
import { TidemarkError, codeForStatus, errorFromEnvelope } from '../../model/errors';
import { checkWellFormed } from '../../model/text';

export type QueryValue = string | number | undefined;

export interface TransportOptions {
  url: string;
  token?: string;
}

export class HttpTransport {
  readonly baseUrl: string;
  private readonly auth: Record<string, string>;

  constructor(opts: TransportOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch {
      throw new TidemarkError('BAD_REQUEST', 'url: is not a valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TidemarkError('BAD_REQUEST', 'url: must start with http:// or https://');
    }
    this.baseUrl = opts.url.replace(/\/+$/, '');
    this.auth = opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {};
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    let out = this.baseUrl + path;
    if (query) {
      const qs = new URLSearchParams();
      // URLSearchParams would turn a lone surrogate into U+FFFD: refuse it instead (model/text.ts).
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, checkWellFormed(String(v), k));
      const s = qs.toString();
      if (s) out += '?' + s;
    }
    return out;
  }

  unavailable(err: unknown): TidemarkError {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const detail =
      cause instanceof Error
        ? (((cause as Error & { code?: unknown }).code as string | undefined) ?? cause.message)
        : String(cause);
    return new TidemarkError('UNAVAILABLE', `cannot reach ${this.baseUrl} (${detail})`, { cause: err });
  }

  /** Raw fetch with auth; network failures become UNAVAILABLE. */
  async fetch(path: string, init: RequestInit & { query?: Record<string, QueryValue> } = {}): Promise<Response> {
    const { query, headers, ...rest } = init;
    const url = this.url(path, query);
    try {
      return await fetch(url, {
        ...rest,
        headers: { ...this.auth, ...(headers as Record<string, string>) },
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError')
        throw new TidemarkError('CANCELLED', 'cancelled', { cause: err });
      throw this.unavailable(err);
    }
  }

  /** Turns a non-2xx response into the error it carries. */
  async errorFrom(res: Response): Promise<TidemarkError> {
    let text = '';
    try {
      text = await res.text();
    } catch (err) {
      return this.unavailable(err);
    }
    return (
      errorFromEnvelope(text) ?? new TidemarkError(codeForStatus(res.status), `HTTP ${res.status} from ${this.baseUrl}`)
    );
  }

  /** A JSON request; `body` is sent as is when a string (pre-serialised), else JSON-encoded. */
  async json<T>(
    method: string,
    path: string,
    opts: { query?: Record<string, QueryValue>; body?: unknown } = {},
  ): Promise<T> {
    const init: RequestInit & { query?: Record<string, QueryValue> } = { method };
    if (opts.query) init.query = opts.query;
    if (opts.body !== undefined) {
      init.body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await this.fetch(path, init);
    if (!res.ok) throw await this.errorFrom(res);
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw this.unavailable(err);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new TidemarkError('INTERNAL', `the server at ${this.baseUrl} answered ${path} with malformed JSON`);
    }
  }
}

/** `/v1/topics/{topic}` with the topic URL-encoded. */
export function topicPath(topic: string, rest = ''): string {
  return `/v1/topics/${encodeURIComponent(topic)}${rest}`;
}
