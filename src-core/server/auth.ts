/**
 * Bearer-token auth. Each token has one role: `read` (GETs, and POST .../diff which only reads),
 * `write` (also writes), `admin` (also invalidate). `/v1/health` and the static UI files need no
 * token. With no tokens configured every request is `admin` (the server then binds loopback only,
 * see cli/serve.ts). Tokens are kept as SHA-256 digests so the lookup does not compare secrets
 * character by character. A missing or unknown token is 401 with `WWW-Authenticate: Bearer`; a
 * valid token with too small a role is 403.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TidemarkError } from '../model/errors';
import type { Role } from '../model/types';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's role, set by the auth hook before any handler runs. */
    tidemarkRole: Role | null;
  }
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

export function roleAtLeast(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

export function isRole(v: unknown): v is Role {
  return v === 'read' || v === 'write' || v === 'admin';
}

/** What a request needs: 'public' (no token), or a role. */
export type Need = 'public' | Role;

/** Role needed by a route, from its method and its route pattern (or the raw path when unmatched). */
export function requiredRole(method: string, pattern: string | undefined, path: string): Need {
  if (pattern === '/v1/health') return 'public';
  const inApi = path.startsWith('/v1/') || path === '/v1' || path === '/metrics';
  if (!inApi) return 'public'; // static UI files (and their 404s)
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 'read';
  if (pattern === '/v1/topics/:topic/diff') return 'read';
  if (pattern === '/v1/topics/:topic/txns/:txn/invalidate') return 'admin';
  return 'write';
}

const digest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Installs the auth hook; `tokens` maps a token to its role (empty or absent: everything open). */
export function installAuth(app: FastifyInstance, tokens: Map<string, Role> | undefined): void {
  const byDigest = new Map<string, Role>();
  for (const [token, role] of tokens ?? []) byDigest.set(digest(token), role);
  const open = byDigest.size === 0;
  app.decorateRequest('tidemarkRole', null);

  app.addHook('onRequest', (req: FastifyRequest, _reply, done) => {
    done(check(req));
  });

  function check(req: FastifyRequest): TidemarkError | undefined {
    const path = req.url.split('?', 1)[0] ?? '/';
    const need = requiredRole(req.method, req.routeOptions.url, path);
    if (open) {
      req.tidemarkRole = 'admin';
      return;
    }
    const header = req.headers.authorization;
    const m = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    const role = m?.[1] ? byDigest.get(digest(m[1])) : undefined;
    req.tidemarkRole = role ?? null;
    if (need === 'public') return;
    if (!role) {
      return new TidemarkError(
        'UNAUTHORIZED',
        header ? 'authorization: the bearer token is not valid' : 'authorization: a bearer token is required',
      );
    }
    if (!roleAtLeast(role, need)) {
      return new TidemarkError('FORBIDDEN', `this needs the ${need} role; the token has the ${role} role`);
    }
    return undefined;
  }
}
