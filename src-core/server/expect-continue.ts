/**
 * `Expect: 100-continue` (RFC 9110 §10.1.1): a client that asks for it sends its request body only
 * once the server says `100 Continue` (curl asks for any body over 1 MiB). Node says it at once,
 * before anything of ours has looked at the request, so a request that was going to be refused
 * (past the connection cap, no or a wrong token, a role too weak for the route, a
 * `Content-Length` over the limit) had its client start uploading a body nobody would read.
 *
 * Here `100 Continue` goes out when something first reads the body: the request's route, once
 * every check before it has passed. A request refused before that gets its final answer instead,
 * and its client never sends the body. Node closes such a connection after the answer (its client
 * was never told to send the body it announced), in stages like every other (linger.ts). Nothing
 * is written after a final answer: a body read only to be thrown away (linger.ts) sends no 100.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Makes `server` send `100 Continue` when a request's body is first read, not on arrival. */
export function continueOnFirstRead(server: Server): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const read = req._read.bind(req);
    req._read = (size: number): void => {
      req._read = read;
      if (!res.headersSent && !res.writableEnded) res.writeContinue();
      read(size);
    };
    server.emit('request', req, res);
  });
}
