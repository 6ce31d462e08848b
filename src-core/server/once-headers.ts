/**
 * Request headers that may come only once: the ones whose value the server reads as one value.
 * Of several `Host`, `Authorization` or `Content-Type` lines Node keeps the first in `req.headers`
 * and drops the rest without a word, so a request that repeats one would be served by whichever
 * came first, while another hop (a proxy, a log, the client's own library) may have read the
 * other; several `Origin`, `Sec-Fetch-Site` or `Last-Event-ID` lines Node joins with `, ` into a
 * value no client meant. Such a request is refused with 400 naming the header, before
 * authentication or anything else looks at it (only the connection cap comes first).
 * `Content-Length` is the parser's (errors.ts); list-valued headers (`Accept`,
 * `Transfer-Encoding`) may repeat, as HTTP allows.
 */
import type { FastifyInstance } from 'fastify';
import { type TidemarkError, badRequest } from '../model/errors';

/** Lower-cased name → the spelling a message uses. */
const ONCE: ReadonlyMap<string, string> = new Map([
  ['host', 'Host'],
  ['authorization', 'Authorization'],
  ['content-type', 'Content-Type'],
  ['origin', 'Origin'],
  ['sec-fetch-site', 'Sec-Fetch-Site'],
  ['last-event-id', 'Last-Event-ID'],
]);

/** The refusal of a request whose raw header list (name, value, name, …) repeats a header of ONCE. */
export function repeatedHeader(rawHeaders: readonly string[]): TidemarkError | undefined {
  let seen: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const spelled = ONCE.get(name);
    if (spelled === undefined) continue;
    seen ??= new Set();
    if (seen.has(name)) return badRequest(`${name}: the ${spelled} header was sent more than once`);
    seen.add(name);
  }
  return undefined;
}

/** Installs the refusal as an `onRequest` hook; app.ts adds it before authentication's. */
export function installOnceHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    done(repeatedHeader(req.raw.rawHeaders));
  });
}
