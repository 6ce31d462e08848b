/**
 * `startServer`: the Tidemark HTTP server over any `EventStore` (API.md), listening on `host`
 * (default 127.0.0.1; a non-loopback address is refused unless tokens are configured) and `port`
 * (default 4180; 0 = any free port). Returns the real URL and `close()`, which stops accepting,
 * ends SSE streams, lets in-flight requests (writes included) finish and resolves when the server
 * is down. The store is the caller's: `close()` does not close it (cli/serve.ts does, after the
 * server).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../model/errors';
import { type AppOptions, buildApp } from './app';
import { type DeclaredRoute, isLoopback } from './auth';
import { namedTokens } from './tokens';

/** What `buildApp` takes (app.ts), plus where to listen. */
export interface ServerOptions extends AppOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  url: string;
  /** Every route it serves and the operation each declared (auth.ts). */
  routes: readonly DeclaredRoute[];
  close(): Promise<void>;
}

export function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (namedTokens(opts.tokens).length === 0 && !isLoopback(host)) {
    throw badRequest(
      `refusing to listen on ${host} without tokens: configure tokens, or bind a loopback address such as 127.0.0.1`,
    );
  }
  const { app, beginClosing, routes } = buildApp(opts);
  await app.listen({ host, port: opts.port ?? 4180 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 4180);
  let inFlight = 0;
  app.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  let closed: Promise<void> | null = null;
  return {
    url: formatUrl(host, port),
    routes,
    close: () => {
      closed ??= (async () => {
        beginClosing();
        const done = app.close();
        // Node's server.close() only drops the keep-alive sockets idle at that instant; one that
        // was busy would then be held open until its keep-alive timeout. Once no request is in
        // flight (writes answered, SSE streams ended), drop every remaining connection.
        const sweep = setInterval(() => {
          if (inFlight === 0) app.server.closeAllConnections();
        }, 20);
        try {
          await done;
        } finally {
          clearInterval(sweep);
        }
      })();
      return closed;
    },
  };
}
