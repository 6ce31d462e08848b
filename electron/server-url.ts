/**
 * Electron's side of connecting to a server: the URL typed on the Connections screen is checked and
 * normalised by the one rule (src-core/wire/server-url.ts), and the server is asked who we are
 * (`GET /v1/whoami` with the bearer token, src-core/wire/whoami.ts) before the connection is
 * remembered, so a wrong URL or token fails at connect time with a clear coded error instead of on
 * the first page load. What is Electron's own: the question gets 10 seconds, so a server that
 * accepts the connection and never answers does not leave the Connections screen waiting.
 */
import type { Role } from '../src-core/model/access';
import { WireTransport } from '../src-core/wire/transport';
import { askWhoami } from '../src-core/wire/whoami';

export { normalizeServerUrl } from '../src-core/wire/server-url';

const WHOAMI_TIMEOUT_MS = 10_000;

/** The role the server at `url` grants `token`; throws UNAUTHORIZED/UNAVAILABLE/BAD_REQUEST/... */
export async function whoami(url: string, token: string | undefined): Promise<Role> {
  const t = new WireTransport({ url, token });
  return (await askWhoami(t, { signal: AbortSignal.timeout(WHOAMI_TIMEOUT_MS), what: 'Connecting' })).role;
}
