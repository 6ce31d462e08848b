/**
 * Reading a topic's events page after page over HTTP with a read-ahead of one page. The server
 * announces each `GET …/events` page's `next` cursor in a response header (`Tidemark-Next`, the
 * same value as the body's `next`: a seq, or `null` on the last page), so a client can ask for the
 * next page as soon as a response's headers arrive and let the server build it while the client
 * receives and parses the page in hand: a page's time becomes the larger of the server's and the
 * client's work instead of their sum (docs/bench.md, "Reads"). At most one page is asked ahead;
 * it is cancelled when the reader stops early. Pure: fetch and Response only.
 */
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
function withCursor(opts: ReadEventsOptions, next: number): ReadEventsOptions {
  return opts.order === 'desc' ? { ...opts, before: next } : { ...opts, after: next };
}

/**
 * The pages of `readEvents(opts)` and the pages after it, in order, until the last (`next` null).
 * Each response's `Tidemark-Next` header starts the next page's request before the page in hand
 * is read and parsed (one page ahead at most); a server without the header is read one page at a
 * time by the body's `next`. Stopping early (`break`, `return`, a throw) aborts the page asked
 * ahead. `parse` turns a body's text into the page (a JSON parse; errors are the caller's).
 */
export async function* readEventPages(
  send: PageRequest,
  parse: (res: Response) => Promise<EventPage>,
  opts: ReadEventsOptions = {},
): AsyncGenerator<EventPage, void, undefined> {
  let ahead: { res: Promise<Response>; abort: AbortController } | null = null;
  const ask = (o: ReadEventsOptions): { res: Promise<Response>; abort: AbortController } => {
    const abort = new AbortController();
    const res = send(o, abort.signal);
    // Handled here so a page asked ahead that fails after the reader stopped is no unhandled rejection.
    res.catch(() => undefined);
    return { res, abort };
  };
  try {
    ahead = ask(opts);
    while (ahead !== null) {
      const res: Response = await ahead.res;
      ahead = null;
      const announced = nextOfHeader(res.headers.get(NEXT_HEADER));
      if (announced !== undefined && announced !== null) ahead = ask(withCursor(opts, announced));
      const page = await parse(res);
      yield page;
      if (announced === undefined && page.next !== null) ahead = ask(withCursor(opts, page.next));
    }
  } finally {
    if (ahead !== null) {
      ahead.abort.abort();
      void ahead.res.then((r) => r.body?.cancel()).catch(() => undefined);
    }
  }
}
