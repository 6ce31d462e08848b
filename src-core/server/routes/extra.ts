/**
 * Small routes beside the core API: `GET /v1/health` (no token), `GET /v1/whoami` (the caller's
 * role and token name, `{"role","name"}`; `admin` and null when no tokens are configured) and
 * `GET /v1/topics/{topic}/txns/{txn}/preview-invalidate?limit=` (read role): which surface rows
 * would change if the transaction were invalidated, and `GET …/txns/{txn}/preview-republish?limit=`
 * (read role): what re-publishing an invalidated one would write and skip, computed through the store's services
 * (`servicesFor`, src-core/services/) without writing.
 */
import type { FastifyInstance } from 'fastify';
import { TidemarkError } from '../../model/errors';
import { LIMITS } from '../../model/limits';
import { servicesFor } from '../../services/index';
import type { RouteContext } from '../context';
import { type Query, topicParam, txnParam } from '../params';
import { optionsFromQuery } from '../query-schema';
import { previewInvalidationOptionsSchema } from '../../model/options';

export function registerExtraRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const services = servicesFor(ctx.store);

  app.get('/v1/health', () => ({ status: 'ok' }));

  app.get<{ Querystring: Query }>('/v1/whoami', (req) => {
    const caller = req.tidemarkCaller;
    if (!caller) throw new TidemarkError('UNAUTHORIZED', 'authorization: a bearer token is required');
    return { role: caller.role, name: caller.name };
  });

  app.get<{ Params: { topic: string; txn: string }; Querystring: Query }>(
    '/v1/topics/:topic/txns/:txn/preview-invalidate',
    async (req) => {
      const topic = topicParam(req.params);
      const txn = txnParam(req.params);
      const { limit } = optionsFromQuery(previewInvalidationOptionsSchema, req.query);
      return services.previewInvalidation(topic, txn, limit ?? LIMITS.pageDefault);
    },
  );

  app.get<{ Params: { topic: string; txn: string }; Querystring: Query }>(
    '/v1/topics/:topic/txns/:txn/preview-republish',
    async (req) => {
      const topic = topicParam(req.params);
      const txn = txnParam(req.params);
      const { limit } = optionsFromQuery(previewInvalidationOptionsSchema, req.query);
      return services.previewRepublish(topic, txn, limit ?? LIMITS.pageDefault);
    },
  );
}
