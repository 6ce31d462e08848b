/**
 * Puts the route table (route-table.ts) to work on a Fastify app: each API route gets its operation
 * from its entry, and each request's query is checked against the entry before the handler runs.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { badRequest } from '../model/errors';
import type { Operation } from '../model/access';
import { type Query, checkQuery } from './params';
import { queryValues } from './query-schema';
import { type RouteSpec, findRoute } from './route-table';
import { isApiPath } from './static';

/** Checks a query against a route's declaration: names, repeats, then each value's type. */
export function checkRouteQuery(spec: RouteSpec, q: Query): void {
  checkQuery(q, Object.keys(spec.query));
  queryValues(spec.query, q);
}

/**
 * Installs the table on an app (before any route is registered, and before auth.ts's hook, which
 * reads what this one sets): every API route gets the operation of its entry as `config.op` (the
 * table is the one place a route's operation is declared; a route that declares one itself fails
 * start-up) and its query checked against its entry before its handler runs; an API route that has
 * no entry makes start-up (ready/listen) fail, so a new route cannot go undocumented.
 */
export function installRouteTable(app: FastifyInstance): void {
  // A throw inside onRoute would escape a callback-style plugin (the diff route's) as an uncaught
  // exception, so problems are recorded here and start-up (ready/listen) fails naming each.
  const problems: string[] = [];
  app.addHook('onReady', (done) => {
    done(
      problems.length > 0
        ? new Error(`routes not in src-core/server/route-table.ts: ${problems.join('; ')}`)
        : undefined,
    );
  });
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // The API's routes (static.ts `isApiPath`: under /v1 or /metrics) must each be in the table.
    if (!isApiPath(route.url)) return;
    const specs: RouteSpec[] = [];
    for (const m of methods) {
      const spec = findRoute(m, route.url);
      if (!spec) {
        problems.push(`${m} ${route.url} is not declared there`);
        return;
      }
      specs.push(spec);
    }
    const ops = new Set(specs.map((spec) => spec.op));
    const declared: unknown = route.config?.op;
    if (ops.size !== 1 || (declared !== undefined && !ops.has(declared as Operation))) {
      problems.push(`${methods.join(',')} ${route.url} declares its own operation (it must come from the table alone)`);
      return;
    }
    route.config = { ...route.config, op: specs[0]!.op };
    const check = (req: FastifyRequest): void => {
      const spec = specs.find((s) => s.method === (req.method === 'HEAD' ? 'GET' : req.method)) ?? specs[0]!;
      if (typeof req.query !== 'object' || req.query === null) throw badRequest('query: malformed');
      checkRouteQuery(spec, req.query as Query);
    };
    const existing = route.preValidation;
    const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    route.preValidation = [
      (req, _reply, done) => {
        try {
          check(req);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
      ...hooks,
    ];
  });
}
