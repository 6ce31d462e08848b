/**
 * Closing a connection without losing its last answer ("the TCP reset problem", RFC 9112 §9.6).
 * When a server closes a TCP connection while bytes the client sent are still unread, the kernel
 * sends a reset instead of an orderly close, and a client that has not read the answer yet loses
 * it: it sees "connection reset" where the error envelope should be. That happens whenever the
 * server answers before the request body has arrived and then closes: a 401, 403 or 413 refusal
 * of a large write, a refused diff upload, a request that asked for `Connection: close`, a 408
 * body timeout, a malformed request. Node's HTTP server closes such a connection as soon as the
 * answer is flushed, so here it closes in stages, as the RFC asks: the answer, then a half-close
 * (FIN), then whatever the client still sends is read and thrown away until it closes its side,
 * its request body has fully arrived, or `LINGER_MS` has passed, whichever comes first; then the
 * connection is dropped. Nothing read while lingering reaches a route: a request that arrives on
 * a lingering connection (pipelined after an answer that closed it) drops the connection, and a
 * request whose body completes after its connection began to close is stopped before its route.
 *
 * One home for "answer and close": `lingeringServerFactory` makes the app's server (app.ts),
 * `endAndLinger` is what the body timeout and the client-error handler call, and
 * `installLingerGuard` keeps a request on a closing connection from its route.
 */
import { type IncomingMessage, type ServerOptions, createServer } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';

/** Longest a connection stays half-closed, reading and discarding what the client still sends, ms. */
export const LINGER_MS = 5_000;

const kRequest = Symbol('tidemark.request');
const kLingering = Symbol('tidemark.lingering');

interface LingerSocket extends Socket {
  /** The latest request that arrived on this connection. */
  [kRequest]?: IncomingMessage;
  [kLingering]?: boolean;
}

/** True once the connection is closing in stages (its last answer sent). */
export function isLingering(socket: Socket): boolean {
  return (socket as LingerSocket)[kLingering] === true;
}

/**
 * True while a request's announced body is still arriving. An answer given then closes the
 * connection (errors.ts `sendError`): keeping it would mean reading the whole refused body first,
 * as much as the client cares to send; closing reads it for at most LINGER_MS.
 */
export function bodyStillArriving(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Writes `text` (if given) and a FIN after whatever is already queued on `socket`, then keeps
 * reading until the client closes its side, the request body it was sending has arrived, or
 * `LINGER_MS` has passed, and then destroys the socket. A second call does nothing.
 */
export function endAndLinger(socket: Socket, text?: string): void {
  const s = socket as LingerSocket;
  if (s[kLingering] === true || s.destroyed) return;
  s[kLingering] = true;
  if (s.writable) {
    if (text === undefined) s.end();
    else s.end(text);
  }
  const drop = (): void => {
    clearTimeout(timer);
    if (s.writableFinished) s.destroy();
    else s.once('finish', () => s.destroy());
  };
  const timer = setTimeout(() => s.destroy(), LINGER_MS);
  timer.unref();
  s.once('close', () => clearTimeout(timer));
  s.once('end', drop);
  const req = s[kRequest];
  if (req !== undefined && !req.complete) {
    // The rest of the body keeps being read (Node's server throws away a body no route read; a
    // body parser still reading it is stopped before its route by `installLingerGuard`); once
    // all of it has arrived, closing sends no reset.
    req.once('end', drop);
    req.resume();
  }
  s.resume();
}

/**
 * Node's server calls `destroySoon` once the last answer of a connection that is to close has
 * been written. With the request's body still arriving, linger instead of closing at once.
 */
function lingeringDestroySoon(this: LingerSocket): void {
  const req = this[kRequest];
  if (req === undefined || req.complete) {
    Socket.prototype.destroySoon.call(this);
    return;
  }
  endAndLinger(this);
}

/**
 * Fastify's `serverFactory`: an HTTP/1.1 server whose connections close without losing their last
 * answer (above), with node:http's `options` and the timeouts Fastify sets on a server it creates
 * itself (its validated `keepAliveTimeout`, `requestTimeout` and `connectionTimeout`).
 */
export function lingeringServerFactory(options: ServerOptions): FastifyServerFactory {
  return (handler, fastifyOptions) => {
    const server = createServer(options, (req, res) => {
      const socket = req.socket as LingerSocket;
      if (socket[kLingering] === true) {
        socket.destroy();
        return;
      }
      socket[kRequest] = req;
      handler(req, res);
    });
    server.on('connection', (socket: LingerSocket) => {
      socket.destroySoon = lingeringDestroySoon;
    });
    const ms = (name: string): number => {
      const v = fastifyOptions[name];
      if (typeof v !== 'number') throw new Error(`Fastify option ${name}: expected a number of ms, got ${String(v)}`);
      return v;
    };
    server.keepAliveTimeout = ms('keepAliveTimeout');
    server.requestTimeout = ms('requestTimeout');
    server.setTimeout(ms('connectionTimeout'));
    return server;
  };
}

/**
 * A request whose connection is already closing in stages (answered 408 while its body was still
 * arriving, say) never reaches its route, however the rest of its body turns out, and nothing
 * more is written to that connection.
 */
export function installLingerGuard(app: FastifyInstance): void {
  app.addHook('preHandler', (req, reply, done) => {
    if (isLingering(req.raw.socket)) reply.hijack();
    else done();
  });
}
