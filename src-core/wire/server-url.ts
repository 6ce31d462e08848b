/**
 * The one rule for a server URL typed by a person or passed by code (`--url`, the Connections
 * screen, `openHttpStore({ url })`): an absolute `http:` or `https:` URL, without a user name or
 * password (the token goes in its own field) and without a query or fragment (the client appends
 * paths and its own queries). The result is `scheme://host[:port][/base]` — host lower-cased, a
 * default port dropped and trailing slashes removed, as URL parsing does — so the same server is
 * the same string everywhere (the browser keys remembered connections and tokens by it). Anything
 * else is a BAD_REQUEST naming the field; the value is never echoed (it may hold a password), and
 * nothing is dropped to make it fit. Pure.
 */
import { badRequest } from '../model/errors';

export function normalizeServerUrl(input: string, what = 'url'): string {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw badRequest(`${what}: is not a valid URL (expected e.g. http://127.0.0.1:4180)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw badRequest(`${what}: must start with http:// or https://`);
  if (u.username !== '' || u.password !== '') {
    throw badRequest(`${what}: must not contain a user name or password; give the token on its own`);
  }
  // `u.search` is '' for a bare trailing `?` as well, so look at the text too.
  if (u.search !== '' || u.hash !== '' || /[?#]/.test(input)) {
    throw badRequest(`${what}: must not contain a query or fragment`);
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}
