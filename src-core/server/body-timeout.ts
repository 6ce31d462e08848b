/**
 * The time a request body may take to arrive (`--body-timeout`, default 2 minutes). Node's own
 * `requestTimeout` does not end a request whose headers have been handed to Fastify, so a client
 * that sends its headers and then trickles (or never finishes) a JSON body would hold a connection
 * and a pending parse forever. Here every request that announces a body gets one timer, cleared
 * when the body has arrived; when it fires, the connection is answered `408 TIMEOUT` with the
 * error envelope (the same text Node's parser errors get, errors.ts `clientErrorText`) and closed
 * (in stages, linger.ts), and nothing is written: should the rest of the body arrive while the
 * connection closes, its route still does not run. A route that streams its body and times it
 * itself (the diff route, with its idle and total timeouts) says so with
 * `config: { ownsBodyTimeout: true }` and is left alone.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_HEADER_BYTES, clientErrorText } from './errors';
import { endAndLinger } from './linger';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route times its own body (it streams it); the server's body timeout skips it. */
    ownsBodyTimeout?: boolean;
  }
}

export const BODY_TIMEOUT_MS_DEFAULT = 120_000;

export function installBodyTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('onRequest', (req, reply, done) => {
    const raw = req.raw;
    const announced = raw.headers['content-length'] !== undefined || raw.headers['transfer-encoding'] !== undefined;
    if (!announced || raw.complete || req.routeOptions.config.ownsBodyTimeout === true) return done();
    const timer = setTimeout(() => {
      if (raw.complete) return;
      const socket = raw.socket;
      const text = clientErrorText({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, MAX_HEADER_BYTES);
      if (text !== null && socket.writable) endAndLinger(socket, text);
      else socket.destroy();
    }, timeoutMs);
    // Never what keeps a stopping server's process alive; and once the answer is out (a refusal
    // may come before the body was read at all), the body no longer matters.
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    raw.once('end', clear);
    raw.once('close', clear);
    reply.raw.once('close', clear);
    done();
  });
}
