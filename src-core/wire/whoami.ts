/**
 * The answer of `GET /v1/whoami`: the role the server grants the caller's token (model/access.ts
 * `isRole`) and the token's name (null on a server without tokens). Electron's connection manager
 * and the browser adapter ask it before they call a connection open, so a wrong URL or token fails
 * at connect time; `HttpEventStore.whoami()` asks on demand. An answer without a role is not a
 * Tidemark server: BAD_REQUEST saying so, never a role guessed for it (the browser adapter no
 * longer assumes `read` for it). Parsing is pure; `askWhoami` sends the request.
 */
import { type Role, isRole } from '../model/access';
import { badRequest } from '../model/errors';
import { paths } from './paths';
import type { WireRequestInit, WireTransport } from './transport';

export interface Whoami {
  role: Role;
  name: string | null;
}

/** `body` (the parsed 2xx answer of `base`'s whoami) as a `Whoami`, or BAD_REQUEST. */
export function parseWhoami(body: unknown, base: string): Whoami {
  const o = typeof body === 'object' && body !== null ? (body as { role?: unknown; name?: unknown }) : {};
  if (!isRole(o.role)) throw badRequest(`${base}: is not a Tidemark server (no role in /v1/whoami)`);
  const name = o.name ?? null;
  if (name !== null && typeof name !== 'string') {
    throw badRequest(`${base}: is not a Tidemark server (the token name in /v1/whoami is not text)`);
  }
  return { role: o.role, name };
}

/** Asks `GET /v1/whoami` of the transport's server (errors as envelope.ts says). */
export async function askWhoami(t: WireTransport, opts: { signal?: AbortSignal; what?: string } = {}): Promise<Whoami> {
  const what = opts.what ?? `GET ${paths.whoami()}`;
  const init: WireRequestInit = { headers: { accept: 'application/json' }, what };
  if (opts.signal !== undefined) init.signal = opts.signal;
  const res = await t.send('GET', paths.whoami(), init);
  const text = await t.textOf(res, what);
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: not a Tidemark server, which parseWhoami says.
  }
  return parseWhoami(body, t.baseUrl);
}
