/**
 * Bearer-token authorization, decided by the route that will run, never by the URL text. Fastify
 * routes a request before `onRequest` hooks run, so the hook reads the operation the matched route
 * declared (`config: { op }`, set for API routes by route-table.ts; see model/access.ts for the role each operation needs); the router's
 * decoding, case and slash rules therefore cannot make a request skip a check. Deny by default: a
 * route registered without a known operation makes start-up fail (the `onRoute` hook records it,
 * `ready()`/`listen()` then reject naming it), and a request that somehow reaches one is refused
 * 403. Fastify's 404 answer is the `notFound`
 * operation (public: an unknown path is 404 with or without a token). With no tokens configured
 * every caller is `{ role: 'admin', name: null }` (the server then binds loopback only, see
 * index.ts); otherwise the caller is the token's role and name (tokens.ts), set on
 * `req.tidemarkCaller` before any handler runs. A missing or unknown token is 401 with
 * `WWW-Authenticate: Bearer`; a valid token with too small a role is 403.
 */
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Operation, isOperation, needOf, roleAtLeast } from '../model/access';
import { TidemarkError } from '../model/errors';
import { type Caller, type NamedToken, TokenTable } from './tokens';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operation this route runs (model/access.ts); every route must declare one. */
    op?: Operation;
  }
  interface FastifyRequest {
    /** Who is calling, set by the auth hook before any handler runs; null when anonymous. */
    tidemarkCaller: Caller | null;
  }
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** The operation the matched route declared; `notFound` for Fastify's 404; null when none. */
export function operationOf(req: FastifyRequest): Operation | null {
  if (req.is404) return 'notFound';
  const op: unknown = req.routeOptions.config.op;
  return isOperation(op) ? op : null;
}

/**
 * The name of the request's token: who a write or an invalidation is recorded as (`by`) and whose
 * live streams count together; null on a server without tokens.
 */
export function callerName(req: FastifyRequest): string | null {
  return req.tidemarkCaller?.name ?? null;
}

const OPEN_CALLER: Caller = Object.freeze({ role: 'admin', name: null });

/** One registered route (HEAD routes Fastify adds for GET routes included) and its operation. */
export interface DeclaredRoute {
  method: string;
  url: string;
  op: Operation;
}

/**
 * Installs the route check and the auth hook; call it before any route is registered. `tokens`
 * empty: everything open (every caller is admin). Returns the routes as they are registered (the
 * list is complete once the app is ready), so tests can try every one.
 */
export function installAuth(app: FastifyInstance, tokens: readonly NamedToken[]): readonly DeclaredRoute[] {
  const table = new TokenTable(tokens);
  const routes: DeclaredRoute[] = [];
  app.decorateRequest('tidemarkCaller', null);

  // A throw inside onRoute would escape a callback-style plugin as an uncaught exception, so an
  // undeclared route is recorded here and start-up (ready/listen) fails with every one named.
  const undeclared: string[] = [];
  app.addHook('onRoute', (route) => {
    const op: unknown = route.config?.op;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!isOperation(op)) {
      undeclared.push(`${methods.join(',')} ${route.url} (config.op = ${JSON.stringify(op) ?? 'undefined'})`);
      return;
    }
    for (const method of methods) routes.push({ method, url: route.url, op });
  });
  app.addHook('onReady', (done) => {
    done(
      undeclared.length > 0
        ? new Error(
            `routes without a known operation (declare config.op, see model/access.ts): ${undeclared.join('; ')}`,
          )
        : undefined,
    );
  });

  app.addHook('onRequest', (req: FastifyRequest, _reply, done) => {
    done(check(req));
  });

  function check(req: FastifyRequest): TidemarkError | undefined {
    const op = operationOf(req);
    if (op === null) return new TidemarkError('FORBIDDEN', 'this route declares no operation, so it is refused');
    if (table.open) {
      req.tidemarkCaller = OPEN_CALLER;
      return undefined;
    }
    const header = req.headers.authorization;
    const m = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    const caller = m?.[1] !== undefined ? table.lookup(m[1]) : undefined;
    req.tidemarkCaller = caller ?? null;
    const need = needOf(op);
    if (need === 'public') return undefined;
    if (!caller) {
      return new TidemarkError(
        'UNAUTHORIZED',
        header ? 'authorization: the bearer token is not valid' : 'authorization: a bearer token is required',
      );
    }
    if (!roleAtLeast(caller.role, need)) {
      return new TidemarkError('FORBIDDEN', `this needs the ${need} role; the token has the ${caller.role} role`);
    }
    return undefined;
  }

  return routes;
}
