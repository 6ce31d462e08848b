/**
 * The Fastify application factory: JSON body parsing (json-body.ts: strict UTF-8 and JSON),
 * the one error handler (errors.ts, also for errors Node's HTTP parser and the router raise before
 * a route runs), the Host/Origin checks (origin.ts), the body timeout (body-timeout.ts), auth
 * (auth.ts; every API route's operation comes from the route table, route-table.ts), metrics,
 * every route module, SSE, the diff
 * route (owned by the diff area) and the static UI. Kept separate from `startServer` so tests can
 * build an app without listening.
 */
import { registerImportRoute } from './import-route';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { TidemarkError, badRequest, notFound } from '../model/errors';
import { LIMITS } from '../model/limits';
import { checkLimit } from '../model/validate';
import type { EventStore } from '../store/types';
import { stringifyJson } from '../model/json-write';
import { type DeclaredRoute, installAuth } from './auth';
import { BODY_TIMEOUT_MS_DEFAULT, installBodyTimeout } from './body-timeout';
import type { RouteContext } from './context';
import { countConnections, installConnectionCap } from './connection-cap';
import { type DiffRouteOptions, registerDiffRoute } from './diff-route';
import { continueOnFirstRead } from './expect-continue';
import { MAX_HEADER_BYTES, MAX_PARAM_LENGTH, clientErrorText, sendError } from './errors';
import { installJsonBodyParser } from './json-body';
import { endAndLinger, installLingerGuard, isLingering, lingeringServerFactory } from './linger';
import { ServerMetrics } from './metrics';
import { installOnceHeaders } from './once-headers';
import { installOriginCheck } from './origin';
import { registerExportRoute } from './routes/export';
import { registerExtraRoutes } from './routes/extra';
import { registerOpenApiRoute } from './routes/openapi';
import { registerReadRoutes } from './routes/read';
import { registerWriteRoutes } from './routes/write';
import { type VerifyRouteOptions, registerVerifyRoute } from './routes/verify';
import { installRouteTable } from './route-install';
import { registerSseRoute } from './sse';
import { defaultStaticDir, installStatic } from './static';
import { type TokenConfig, namedTokens } from './tokens';

/**
 * The diff route's options (`diffLimit`, `maxDiffs`, timeouts, temp dir) are in `DiffRouteOptions`,
 * the verify route's (`maxVerifies`) in `VerifyRouteOptions`.
 */
export interface AppOptions extends DiffRouteOptions, VerifyRouteOptions {
  store: EventStore;
  /** Bearer tokens (tokens.ts); none: open, every caller is admin. */
  tokens?: TokenConfig;
  bodyLimit?: number;
  /** Longest a request body may take to arrive, ms [`--body-timeout`]; default 120,000 (body-timeout.ts). */
  bodyTimeoutMs?: number;
  /** Directory of the built renderer; default `<repo>/dist/renderer` when it exists. */
  staticDir?: string;
  /** SSE heartbeat interval in ms (default 15,000; at most 15,000). */
  heartbeatMs?: number;
  /** Unsent bytes per SSE client before the server stops reading for it (default 1 MiB). */
  sseMaxBufferedBytes?: number;
  /** Fallback poll interval of each topic's shared SSE feed, ms (default 1000). */
  ssePollMs?: number;
  /** Open SSE streams per server (default `LIMITS.sseStreamsDefault`); beyond it 429. */
  maxStreams?: number;
  /** Open SSE streams per bearer token (default `LIMITS.sseStreamsPerTokenDefault`); beyond it 429. */
  maxStreamsPerToken?: number;
  /**
   * Connections open at once (default `LIMITS.connectionsDefault`); a request on one past it is
   * answered 429 and its connection closed (connection-cap.ts). Must be larger than `maxStreams`.
   */
  maxConnections?: number;
  /** Fastify's (pino) logger options; off by default. `tidemark serve` logs errors to stderr. */
  logger?: FastifyServerOptions['logger'];
  /** The address the server listens on: without tokens, `Host` must name it or a loopback address. */
  host?: string;
}

export interface BuiltApp {
  app: FastifyInstance;
  ctx: RouteContext;
  /** After this, new requests are answered 503 UNAVAILABLE (used while shutting down). */
  beginClosing: () => void;
  /** Every route and the operation it declared (complete once the app is ready). */
  routes: readonly DeclaredRoute[];
}

export function buildApp(opts: AppOptions): BuiltApp {
  const bodyLimit = checkLimit('bodyLimit', opts.bodyLimit ?? LIMITS.bodyBytesDefault, LIMITS.bodyBytesMax);
  const bodyTimeoutMs = checkLimit('bodyTimeoutMs', opts.bodyTimeoutMs ?? BODY_TIMEOUT_MS_DEFAULT, 2 ** 31 - 1);
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  if (!(heartbeatMs > 0 && heartbeatMs <= 15_000)) throw badRequest('heartbeatMs: must be from 1 to 15000');
  const tokens = namedTokens(opts.tokens);
  const ssePollMs = opts.ssePollMs ?? 1000;
  if (!(ssePollMs >= 1 && ssePollMs <= 60_000)) throw badRequest('ssePollMs: must be from 1 to 60000');
  const maxStreams = checkLimit('maxStreams', opts.maxStreams ?? LIMITS.sseStreamsDefault);
  const maxStreamsPerToken = checkLimit(
    'maxStreamsPerToken',
    opts.maxStreamsPerToken ?? LIMITS.sseStreamsPerTokenDefault,
  );
  const maxConnections = checkLimit('maxConnections', opts.maxConnections ?? LIMITS.connectionsDefault);
  if (maxConnections <= maxStreams) {
    throw badRequest(
      `maxConnections (--max-connections) must be larger than maxStreams (--max-streams, ${maxStreams}): every live stream holds a connection; got ${maxConnections}`,
    );
  }
  const metrics = new ServerMetrics();

  const app = Fastify({
    bodyLimit,
    logger: opts.logger ?? false,
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A missing Host is answered by origin.ts, with the envelope. Connections close without
    // losing their last answer (linger.ts) and are counted against the cap (connection-cap.ts);
    // `100 Continue` waits until a route reads the body (expect-continue.ts).
    serverFactory: (handler, fastifyOptions) => {
      const server = lingeringServerFactory({ requireHostHeader: false, maxHeaderSize: MAX_HEADER_BYTES })(
        handler,
        fastifyOptions,
      );
      // Node's count cap on headers (2,000 raw entries by default) drops the ones past it without a
      // word, Authorization or Content-Type included, while its parser still frames the body by
      // them. MAX_HEADER_BYTES bounds the headers already, so every one within it is delivered.
      server.maxHeadersCount = 0;
      countConnections(server, maxConnections, metrics);
      continueOnFirstRead(server);
      return server;
    },
    frameworkErrors: (err, req, reply) => {
      void sendError(reply, req, err, bodyLimit);
    },
    clientErrorHandler: (err, socket) => {
      // Closing already (its answer sent): what still arrives is thrown away, errors included.
      if (isLingering(socket)) return;
      const text = clientErrorText(err, MAX_HEADER_BYTES);
      // A response already on its way on this socket cannot be followed by another one.
      const busy = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
      if (text === null || busy || !socket.writable) socket.destroy();
      else endAndLinger(socket, text);
    },
  });
  // Before anything else: a connection past the cap is refused whoever sends what; then a request
  // that repeats a header Node would keep only the first of (Authorization among them).
  installConnectionCap(app, maxConnections, metrics);
  installOnceHeaders(app);
  const ctx: RouteContext = {
    store: opts.store,
    metrics,
    bodyLimit,
    heartbeatMs,
    sseMaxBufferedBytes: opts.sseMaxBufferedBytes ?? 1024 * 1024,
    ssePollMs,
    sseMaxStreams: maxStreams,
    sseMaxStreamsPerToken: maxStreamsPerToken,
    sseStreams: new Set(),
  };
  // First the route table, which gives every API route its operation (route-table.ts), then auth,
  // whose onRoute check sees every route after that (a route without an operation fails start-up).
  installRouteTable(app);
  const routes = installAuth(app, tokens);

  let closing = false;
  app.addHook('onRequest', (_req, _reply, done) => {
    done(
      closing
        ? new TidemarkError('UNAVAILABLE', 'the server is shutting down; retry against its replacement')
        : undefined,
    );
  });

  installOriginCheck(app, tokens.length === 0, opts.host);
  installBodyTimeout(app, bodyTimeoutMs);
  installLingerGuard(app);

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

  metrics.install(app);
  registerExtraRoutes(app, ctx);
  registerOpenApiRoute(app);
  registerReadRoutes(app, ctx);
  registerWriteRoutes(app, ctx);
  registerExportRoute(app, ctx);
  registerSseRoute(app, ctx);
  registerVerifyRoute(app, ctx, opts);
  registerDiffRoute(app, opts.store, opts, (r) => metrics.recordRepair(r));
  registerImportRoute(app, opts.store);
  installStatic(app, opts.staticDir ?? defaultStaticDir());

  app.addHook('preClose', (done) => {
    for (const stop of [...ctx.sseStreams]) stop();
    done();
  });

  return {
    app,
    ctx,
    routes,
    beginClosing: () => {
      closing = true;
    },
  };
}
