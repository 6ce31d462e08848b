/**
 * The cap on connections open at once (`--max-connections`, default `LIMITS.connectionsDefault`).
 * Every open connection holds a file descriptor, socket buffers and parser state, whether it sends
 * anything or not; without a cap, a client that opens connections and keeps them open runs the
 * server out of descriptors and memory, and every other client with it.
 *
 * A connection past the cap is not dropped unanswered. It is accepted and counted, and its first
 * request is answered `429 TOO_MANY_REQUESTS` with `Retry-After` and the envelope naming the cap,
 * before authentication or anything else runs; then the connection closes (in stages, linger.ts,
 * so the answer arrives even while a body was on its way). What keeps a held connection from
 * holding its place for ever is Node's: a connection that sends no complete headers (not a byte,
 * even) is answered 408 and closed within 60 to 90 s (`headersTimeout`, looked at every 30 s), an
 * idle keep-alive one after 72 s (Fastify's `keepAliveTimeout`).
 * Each live stream holds a connection, so the cap must be larger than `--max-streams` (app.ts).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { tooManyRequests } from '../model/errors';
import type { ServerMetrics } from './metrics';

/** Seconds a refused client is asked to wait: connections free up as others finish. */
export const CONNECTION_RETRY_AFTER_SECONDS = 1;

const kOverCap = Symbol('tidemark.overCap');

interface CappedSocket extends Socket {
  [kOverCap]?: true;
}

/** Counts `server`'s open connections and marks each one accepted while `max` were already open. */
export function countConnections(server: Server, max: number, metrics: ServerMetrics): void {
  let open = 0;
  server.on('connection', (socket: CappedSocket) => {
    open++;
    metrics.connections.inc();
    if (open > max) socket[kOverCap] = true;
    socket.once('close', () => {
      open--;
      metrics.connections.dec();
    });
  });
}

/** Answers every request on a connection past the cap 429, first of all the hooks that run. */
export function installConnectionCap(app: FastifyInstance, max: number, metrics: ServerMetrics): void {
  app.addHook('onRequest', (req, reply, done) => {
    if ((req.raw.socket as CappedSocket)[kOverCap] !== true) {
      done();
      return;
    }
    metrics.connectionsRefused.inc();
    void reply.header('connection', 'close');
    done(
      tooManyRequests(
        `connections: the server already has its maximum of ${max} open (--max-connections); retry later`,
        CONNECTION_RETRY_AFTER_SECONDS,
      ),
    );
  });
}
