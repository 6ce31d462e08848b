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

/** The headers, as a message spells them; each one's place in the list is its bit in `repeatedHeader`. */
const ONCE = ['Host', 'Authorization', 'Content-Type', 'Origin', 'Sec-Fetch-Site', 'Last-Event-ID'] as const;
const INDEX: ReadonlyMap<string, number> = new Map(ONCE.map((spelled, i) => [spelled.toLowerCase(), i]));

/** The refusal of a request whose raw header list (name, value, name, …) repeats a header of ONCE. */
export function repeatedHeader(rawHeaders: readonly string[]): TidemarkError | undefined {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const at = INDEX.get(name);
    if (at === undefined) continue;
    const bit = 1 << at;
    if ((seen & bit) !== 0) return badRequest(`${name}: the ${ONCE[at]} header was sent more than once`);
    seen |= bit;
  }
  return undefined;
}

/** Installs the refusal as an `onRequest` hook; app.ts adds it before authentication's. */
export function installOnceHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    done(repeatedHeader(req.raw.rawHeaders));
  });
}
