/**
 * Checks and normalises a server URL typed by a person, and asks that server who we are
 * (`GET /v1/whoami` with the bearer token) before a connection is remembered, so a wrong URL or
 * token fails at connect time with a clear coded error instead of on the first page load.
 */
import { TidemarkError, badRequest, codeForStatus, isErrorCode } from '../src-core/model/errors';
import { type Role, isRole } from '../src-core/model/access';

/** `https://host:port/base` without a trailing slash; BAD_REQUEST for anything else. */
export function normalizeServerUrl(input: string): string {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw badRequest(`url: ${JSON.stringify(input)} is not a URL (expected e.g. http://127.0.0.1:4180)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest('url: must start with http:// or https://');
  if (u.username || u.password) throw badRequest('url: must not contain a user name or password; use the token field');
  if (u.search || u.hash) throw badRequest('url: must not contain a query or fragment');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

/** The role the server grants `token`; throws UNAUTHORIZED/UNAVAILABLE/... with a message. */
export async function whoami(url: string, token: string | undefined, fetchImpl: FetchLike = fetch): Promise<Role> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchImpl(`${url}/v1/whoami`, { headers, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new TidemarkError('UNAVAILABLE', `${url}: the server cannot be reached (${why})`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = isErrorCode(e?.code) ? e.code : codeForStatus(res.status);
    const message = typeof e?.message === 'string' ? e.message : `HTTP ${res.status}`;
    throw new TidemarkError(code, `${url}: ${message}`);
  }
  const role = (body as { role?: unknown } | null)?.role;
  if (!isRole(role)) {
    throw new TidemarkError('BAD_REQUEST', `${url}: is not a Tidemark server (no role in /v1/whoami)`);
  }
  return role;
}
