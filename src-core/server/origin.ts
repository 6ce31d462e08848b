/**
 * Who may address the server, checked on every request before any route runs (an `onRequest`
 * hook after authentication's; docs/security.md, "Browser-origin attacks (no-token mode)").
 * Always: an HTTP/1.1 request must carry a `Host` header (RFC 9112), else 400 (a second one is
 * refused earlier, once-headers.ts). When the server has no tokens (open, loopback-bound), a
 * browser page of any other site must not be able to use it: the `Host` header must name a
 * loopback address or name (127.0.0.0/8, [::1], localhost; any port) or the address the server
 * listens on, else 403 (defeats DNS rebinding; an HTTP/1.0 request without `Host` cannot come from
 * a browser and is let through); and every request with a method other than GET, HEAD and
 * OPTIONS (every route that changes state, and `POST .../diff` too: the rule is by method, with no
 * per-route exceptions) is refused with 403 when its `Origin` is present and not the server's own
 * origin as the client addressed it (`http://` + `Host`; `null` included), or when
 * `Sec-Fetch-Site` says it came from another site or origin (`same-site`, `cross-site`). With
 * tokens none of the browser checks apply: a browser cannot attach a bearer token to a cross-site
 * request without a CORS preflight, which the server never grants (it sends no CORS headers).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TidemarkError, badRequest } from '../model/errors';
import { isLoopback } from './auth';

/** Methods that never change state here (every GET route only reads; OPTIONS has no route). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `Sec-Fetch-Site` values that mean "not from this origin". */
const FOREIGN_FETCH_SITES: ReadonlySet<string> = new Set(['same-site', 'cross-site']);

/** Host header syntax accepted: a DNS name or IPv4 address, or a bracketed IPv6 address; optional port. */
const HOST_RE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

export interface ParsedHost {
  /** Lower-case host name or address, IPv6 without brackets. */
  hostname: string;
  /** `host[:port]` as an origin spells it: lower-case, default port 80 dropped. */
  authority: string;
}

/** Parses a `Host` header value; null when it is not a plain `host[:port]`. */
export function parseHost(value: string): ParsedHost | null {
  const m = HOST_RE.exec(value);
  if (!m) return null;
  const name = m[1]!.toLowerCase();
  const port = m[2];
  if (port !== undefined && Number(port) > 65535) return null;
  const hostname = name.startsWith('[') ? name.slice(1, -1) : name;
  return { hostname, authority: port === undefined || Number(port) === 80 ? name : `${name}:${Number(port)}` };
}

/** True when `hostname` may be addressed on a server without tokens: loopback, or the bound address. */
export function isAllowedHostname(hostname: string, boundHost: string | undefined): boolean {
  if (isLoopback(hostname)) return true;
  if (boundHost === undefined) return false;
  const bound = boundHost.toLowerCase();
  return hostname === (bound.startsWith('[') ? bound.slice(1, -1) : bound);
}

/** The serialised origin of an `Origin` header (`scheme://host[:port]`, lower-case), or null. */
function originAuthority(value: string): { scheme: string; authority: string } | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@]+)$/i.exec(value);
  if (!m) return null;
  const host = parseHost(m[2]!);
  if (!host) return null;
  const scheme = m[1]!.toLowerCase();
  // An origin leaves out its scheme's default port; parseHost dropped only :80 (http's).
  return { scheme, authority: scheme === 'https' ? host.authority.replace(/:443$/, '') : host.authority };
}

/** A header value fit to quote in a message (JSON-quoted, at most 100 characters). */
function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

/**
 * The refusal for a request, or undefined when it may proceed. `open`: the server has no tokens;
 * `boundHost`: the address it listens on.
 */
export function checkRequestOrigin(
  req: FastifyRequest,
  open: boolean,
  boundHost: string | undefined,
): TidemarkError | undefined {
  const hostHeader = req.headers.host;
  if (hostHeader === undefined) {
    if (req.raw.httpVersionMajor === 1 && req.raw.httpVersionMinor === 0) {
      // HTTP/1.0 without Host: no browser sends this. Allowed, but with no Host there is no
      // own origin to compare with, so in no-token mode a browser-marked write is refused below.
      return open ? checkWriteOrigin(req, null) : undefined;
    }
    return badRequest('host: the Host header is required (HTTP/1.1)');
  }
  if (!open) return undefined;
  const host = parseHost(hostHeader);
  if (host === null || !isAllowedHostname(host.hostname, boundHost)) {
    return new TidemarkError(
      'FORBIDDEN',
      `host: ${quote(hostHeader)} is not a loopback address; a server without tokens answers only requests ` +
        'addressed to 127.0.0.1, [::1], localhost or the address it listens on',
    );
  }
  return checkWriteOrigin(req, host);
}

/** No-token mode: a state-changing request from another origin is refused (`own`: the addressed host). */
function checkWriteOrigin(req: FastifyRequest, own: ParsedHost | null): TidemarkError | undefined {
  if (SAFE_METHODS.has(req.method)) return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const o = originAuthority(origin);
    if (o === null || o.scheme !== 'http' || own === null || o.authority !== own.authority) {
      return new TidemarkError(
        'FORBIDDEN',
        `origin: ${quote(origin)} is not this server's origin; a server without tokens accepts ` +
          `${req.method} requests only from its own pages (or from clients that send no Origin)`,
      );
    }
  }
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && FOREIGN_FETCH_SITES.has(site.toLowerCase())) {
    return new TidemarkError(
      'FORBIDDEN',
      `sec-fetch-site: ${quote(site)}: a server without tokens accepts ${req.method} requests only from its own pages`,
    );
  }
  return undefined;
}

/** Installs the check as an `onRequest` hook (a repeated `Host` is refused before it: once-headers.ts). */
export function installOriginCheck(app: FastifyInstance, open: boolean, boundHost: string | undefined): void {
  app.addHook('onRequest', (req, _reply, done) => {
    done(checkRequestOrigin(req, open, boundHost));
  });
}
