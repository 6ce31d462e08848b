/**
 * The Fastify application factory: JSON body parsing (json-body.ts: strict UTF-8 and JSON),
 * the one error handler (errors.ts), auth (auth.ts), metrics, every route module, SSE, the diff
 * route (owned by the diff area) and the static UI. Kept separate from `startServer` so tests can
 * build an app without listening.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { TidemarkError, badRequest, notFound } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { Role } from '../model/types';
import type { EventStore } from '../store/types';
import { stringifyJson } from '../model/json-text';
import { installAuth } from './auth';
import type { RouteContext } from './context';
import { registerDiffRoute } from './diff-route';
import { sendError } from './errors';
import { installJsonBodyParser } from './json-body';
import { ServerMetrics } from './metrics';
import { registerExportRoute } from './routes/export';
import { registerExtraRoutes } from './routes/extra';
import { registerReadRoutes } from './routes/read';
import { registerWriteRoutes } from './routes/write';
import { registerSseRoute } from './sse';
import { defaultStaticDir, installStatic } from './static';

export interface AppOptions {
  store: EventStore;
  tokens?: Map<string, Role>;
  bodyLimit?: number;
  /** Directory of the built renderer; default `<repo>/dist/renderer` when it exists. */
  staticDir?: string;
  /** SSE heartbeat interval in ms (default 15,000; at most 15,000). */
  heartbeatMs?: number;
  /** Unsent bytes per SSE client before the server stops reading for it (default 1 MiB). */
  sseMaxBufferedBytes?: number;
  /** Fastify's (pino) logger options; off by default. `tidemark serve` logs errors to stderr. */
  logger?: FastifyServerOptions['logger'];
}

export interface BuiltApp {
  app: FastifyInstance;
  ctx: RouteContext;
  /** After this, new requests are answered 503 UNAVAILABLE (used while shutting down). */
  beginClosing: () => void;
}

export function buildApp(opts: AppOptions): BuiltApp {
  const bodyLimit = opts.bodyLimit ?? LIMITS.bodyBytesDefault;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1) throw badRequest('bodyLimit: must be a positive integer');
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  if (!(heartbeatMs > 0 && heartbeatMs <= 15_000)) throw badRequest('heartbeatMs: must be from 1 to 15000');

  const app = Fastify({
    bodyLimit,
    logger: opts.logger ?? false,
    return503OnClosing: false,
    routerOptions: { maxParamLength: 4096 },
  });
  const metrics = new ServerMetrics();
  const ctx: RouteContext = {
    store: opts.store,
    metrics,
    bodyLimit,
    heartbeatMs,
    sseMaxBufferedBytes: opts.sseMaxBufferedBytes ?? 1024 * 1024,
    sseStreams: new Set(),
  };

  let closing = false;
  app.addHook('onRequest', (_req, _reply, done) => {
    done(
      closing
        ? new TidemarkError('UNAVAILABLE', 'the server is shutting down; retry against its replacement')
        : undefined,
    );
  });

  // JSON only: strict UTF-8 and the model's strict JSON reader (json-body.ts). An empty body is no body.
  app.removeAllContentTypeParsers();
  installJsonBodyParser(app);
  // Responses of stored data written before the depth limit may nest deeper than JSON.stringify
  // can go; stringifyJson is JSON.stringify with an iterative fallback for those.
  app.setReplySerializer((payload) => stringifyJson(payload));

  app.setErrorHandler((err, req, reply) => sendError(reply, req, err, bodyLimit));
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, req, notFound(`${req.method} ${req.url.split('?', 1)[0]}: no such route`), bodyLimit),
  );

  installAuth(app, opts.tokens);
  metrics.install(app);
  registerExtraRoutes(app, ctx);
  registerReadRoutes(app, ctx);
  registerWriteRoutes(app, ctx);
  registerExportRoute(app, ctx);
  registerSseRoute(app, ctx);
  registerDiffRoute(app, opts.store);
  installStatic(app, opts.staticDir ?? defaultStaticDir());

  app.addHook('preClose', (done) => {
    for (const stop of [...ctx.sseStreams]) stop();
    done();
  });

  return {
    app,
    ctx,
    beginClosing: () => {
      closing = true;
    },
  };
}
