/**
 * Reading a topic's events page after page over HTTP with a read-ahead of one page. The server
 * announces each `GET …/events` page's `next` cursor in a response header (`Tidemark-Next`, the
 * same value as the body's `next`: a seq, or `null` on the last page), so a client can ask for the
 * next page as soon as a response's headers arrive and let the server build it while the client
 * receives and parses the page in hand: a page's time becomes the larger of the server's and the
 * client's work instead of their sum (docs/bench.md, "Reads"). At most one page is asked ahead;
 * it is cancelled when the reader stops early. A reader wanting at most N rows over all pages
 * (`tidemark read --limit N`) says so (`max`): no page is then asked for rows beyond N, counting
 * the page in flight as full. Pure: fetch and Response only.
 */
import { LIMITS } from '../model/limits';
import type { EventPage, ReadEventsOptions } from '../model/types';

export const NEXT_HEADER = 'tidemark-next';

/**
 * The cursor a page's `Tidemark-Next` header announces: a seq, `null` for the last page, or
 * `undefined` when the header is absent or not a cursor (a server without it: read the body's).
 */
export function nextOfHeader(value: string | null | undefined): number | null | undefined {
  if (value === 'null') return null;
  if (value === null || value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `readEvents` over the wire: one page's request, answered as the response (status checked). */
export type PageRequest = (opts: ReadEventsOptions, signal: AbortSignal) => Promise<Response>;

/** The cursor option a page's `next` is given back as: `before` when newest first, else `after`. */
export function withCursor(opts: ReadEventsOptions, next: number): ReadEventsOptions {
  return opts.order === 'desc' ? { ...opts, before: next } : { ...opts, after: next };
}

/**
 * The pages of `readEvents(opts)` and the pages after it, in order, until the last (`next` null).
 * Each response's `Tidemark-Next` header starts the next page's request before the page in hand
 * is read and parsed (one page ahead at most); a server without the header is read one page at a
 * time by the body's `next`. Stopping early (`break`, `return`, a throw) aborts the page asked
 * ahead. `parse` turns a body's text into the page (a JSON parse; errors are the caller's).
 *
 * `max` (optional) caps the rows of all pages together: each page asks for `opts.limit` (default
 * the server's, 100) or fewer, so that the rows received plus the page in flight (counted at its
 * limit) never pass `max`, and no page is asked for once `max` rows are received or promised. A
 * page shorter than its limit that still has a `next` leaves room: the page after it is then asked
 * for when it has been read. Without `max` the pages run to the end.
 */
export async function* readEventPages(
  send: PageRequest,
  parse: (res: Response) => Promise<EventPage>,
  opts: ReadEventsOptions = {},
  max?: number,
): AsyncGenerator<EventPage, void, undefined> {
  type Asked = { res: Promise<Response>; abort: AbortController; rows: number };
  const size = opts.limit ?? LIMITS.pageDefault;
  let got = 0;
  let ahead: Asked | null = null;
  /** The request of the page after `promised` rows, or null when `max` leaves no room for it. */
  const ask = (o: ReadEventsOptions, promised: number): Asked | null => {
    let page = o;
    let rows = size;
    if (max !== undefined) {
      rows = Math.min(size, max - promised);
      if (rows <= 0) return null;
      page = { ...o, limit: rows };
    }
    const abort = new AbortController();
    const res = send(page, abort.signal);
    // Handled here so a page asked ahead that fails after the reader stopped is no unhandled rejection.
    res.catch(() => undefined);
    return { res, abort, rows };
  };
  try {
    ahead = ask(opts, 0);
    while (ahead !== null) {
      const res: Response = await ahead.res;
      const inFlight = ahead.rows;
      ahead = null;
      const announced = nextOfHeader(res.headers.get(NEXT_HEADER));
      if (announced !== undefined && announced !== null) ahead = ask(withCursor(opts, announced), got + inFlight);
      const page = await parse(res);
      got += page.events.length;
      yield page;
      // No header (read by the body's `next`), or a short page that left room `max` had not.
      if (ahead === null && announced !== null && page.next !== null)
        ahead = ask(withCursor(opts, announced ?? page.next), got);
    }
  } finally {
    if (ahead !== null) {
      ahead.abort.abort();
      void ahead.res.then((r) => r.body?.cancel()).catch(() => undefined);
    }
  }
}
