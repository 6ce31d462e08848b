/**
 * Reading pages one after another with a read-ahead of one page: the one home of the algorithm,
 * for every paged read (events, transactions, surface rows). The server announces each page's
 * `next` cursor in a response header (`Tidemark-Next`: the body's `next` as JSON, ASCII only, see
 * `nextHeaderValue`), so a client can ask for the next page as soon as a response's headers arrive
 * and let the server build it while the client receives and parses the page in hand: a page's time
 * becomes the larger of the server's and the client's work instead of their sum (docs/bench.md,
 * "Reads"). At most one page is asked ahead; it is cancelled when the reader stops early. A reader
 * wanting at most N rows over all pages (`tidemark read --limit N`) says so (`max`): no page is
 * then asked for rows beyond N, counting the page in flight as full. The body is the authority: a
 * header that is absent, malformed, or names another cursor than the body's `next` only loses the
 * head start (the page asked by it is dropped and the body's cursor asked). Pure: fetch and
 * Response only.
 */
import { LIMITS } from '../model/limits';
import type {
  EventPage,
  ListTxnsOptions,
  ReadEventsOptions,
  SurfaceOptions,
  SurfacePage,
  TxnPage,
} from '../model/types';
import { isValidEventKey } from '../model/validate';

export const NEXT_HEADER = 'tidemark-next';

/**
 * The `Tidemark-Next` value of a page whose body's `next` is `next`: its JSON (`17`, `null`,
 * `"a key"`) with every character outside printable ASCII written as a `\uXXXX` escape, so any key
 * is a valid header value (no control or non-ASCII byte; a JSON string starts and ends with `"`,
 * so no space at either end for a parser to trim). `JSON.parse` of the value gives `next` back.
 */
export function nextHeaderValue(next: number | string | null): string {
  return JSON.stringify(next).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The seq or txn cursor a `Tidemark-Next` header announces: a number, `null` for the last page,
 * or `undefined` when the header is absent or not such a cursor (read the body's).
 */
export function nextOfHeader(value: string | null | undefined): number | null | undefined {
  if (value === 'null') return null;
  if (value === null || value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The longest header a key cursor can take: every UTF-16 unit of the longest key escaped, and the quotes. */
const KEY_HEADER_MAX = LIMITS.keyMax * 6 + 2;

/**
 * The key cursor (surface pages) a `Tidemark-Next` header announces: a valid key, `null` for the
 * last page, or `undefined` when the header is absent, too long, not a JSON string, or not a key.
 */
export function keyOfHeader(value: string | null | undefined): string | null | undefined {
  if (value === 'null') return null;
  if (value === null || value === undefined || value.length > KEY_HEADER_MAX || !/^".*"$/s.test(value)) {
    return undefined;
  }
  let key: unknown;
  try {
    key = JSON.parse(value);
  } catch {
    return undefined;
  }
  return isValidEventKey(key) ? key : undefined;
}

/** The options every paged read takes: a page's size. */
interface Sized {
  limit?: number;
}

/** What the reader knows of one kind of page: its rows, its cursor, and how a cursor is given back. */
export interface PageKind<O extends Sized, P, C extends number | string> {
  rows(page: P): number;
  next(page: P): C | null;
  /** The options of the page after the one whose `next` is `cursor`. */
  withCursor(opts: O, cursor: C): O;
  /** The cursor a `Tidemark-Next` value announces (`nextOfHeader`, `keyOfHeader`). */
  ofHeader(value: string | null): C | null | undefined;
}

/** The cursor option a page's `next` is given back as: `before` when newest first, else `after`. */
export function withCursor<O extends ListTxnsOptions>(opts: O, next: number): O {
  return opts.order === 'desc' ? { ...opts, before: next } : { ...opts, after: next };
}

export const EVENT_PAGES: PageKind<ReadEventsOptions, EventPage, number> = {
  rows: (p) => p.events.length,
  next: (p) => p.next,
  withCursor,
  ofHeader: nextOfHeader,
};

export const TXN_PAGES: PageKind<ListTxnsOptions, TxnPage, number> = {
  rows: (p) => p.txns.length,
  next: (p) => p.next,
  withCursor,
  ofHeader: nextOfHeader,
};

export const SURFACE_PAGES: PageKind<SurfaceOptions, SurfacePage, string> = {
  rows: (p) => p.rows.length,
  next: (p) => p.next,
  withCursor: (opts, after) => ({ ...opts, after }),
  ofHeader: keyOfHeader,
};

/**
 * How pages are asked for: `send` asks for one (the answer `R`: a Response, or the page itself),
 * `header` gives the answer's `Tidemark-Next` (null: none), `parse` reads the page out of it (a
 * JSON parse; errors are the caller's), and `drop` lets go of an answer nobody will read.
 */
export interface PageSource<O, P, R> {
  send(opts: O, signal: AbortSignal): Promise<R>;
  header(answer: R): string | null;
  parse(answer: R): Promise<P>;
  drop?(answer: R): unknown;
}

/**
 * The pages `opts` asks for and the pages after it, in order, until the last (`next` null). Each
 * answer's `Tidemark-Next` header starts the next page's request before the page in hand is read
 * and parsed (one page ahead at most); without the header pages are read one at a time by the
 * body's `next`, and a header naming another cursor than the body's has its page dropped and the
 * body's asked instead. Stopping early (`break`, `return`, a throw) aborts the page asked ahead.
 *
 * `max` (optional) caps the rows of all pages together: each page asks for `opts.limit` (default
 * the server's, 100) or fewer, so that the rows received plus the page in flight (counted at its
 * limit) never pass `max`, and no page is asked for once `max` rows are received or promised. A
 * page shorter than its limit that still has a `next` leaves room: the page after it is then asked
 * for when it has been read. Without `max` the pages run to the end.
 */
export async function* readPages<O extends Sized, P, C extends number | string, R>(
  kind: PageKind<O, P, C>,
  source: PageSource<O, P, R>,
  opts: O,
  max?: number,
): AsyncGenerator<P, void, undefined> {
  type Asked = { answer: Promise<R>; abort: AbortController; rows: number };
  const size = opts.limit ?? LIMITS.pageDefault;
  let got = 0;
  let ahead: Asked | null = null;
  /** The request of the page after `promised` rows, or null when `max` leaves no room for it. */
  const ask = (o: O, promised: number): Asked | null => {
    let page = o;
    let rows = size;
    if (max !== undefined) {
      rows = Math.min(size, max - promised);
      if (rows <= 0) return null;
      page = { ...o, limit: rows };
    }
    const abort = new AbortController();
    const answer = source.send(page, abort.signal);
    // Handled here so a page asked ahead that fails after the reader stopped is no unhandled rejection.
    answer.catch(() => undefined);
    return { answer, abort, rows };
  };
  const drop = (asked: Asked): void => {
    asked.abort.abort();
    void asked.answer.then((a) => source.drop?.(a)).catch(() => undefined);
  };
  try {
    ahead = ask(opts, 0);
    while (ahead !== null) {
      const answer: R = await ahead.answer;
      const inFlight = ahead.rows;
      ahead = null;
      const announced = kind.ofHeader(source.header(answer));
      if (announced !== undefined && announced !== null) ahead = ask(kind.withCursor(opts, announced), got + inFlight);
      const page = await source.parse(answer);
      got += kind.rows(page);
      const next = kind.next(page);
      // The body is the authority: a page asked by a header that names another cursor is not read.
      if (ahead !== null && announced !== next) {
        drop(ahead);
        ahead = null;
      }
      yield page;
      // No header (read by the body's `next`), or a short page that left room `max` had not.
      if (ahead === null && next !== null) ahead = ask(kind.withCursor(opts, next), got);
    }
  } finally {
    if (ahead !== null) drop(ahead);
  }
}

/** A page's request over the wire, answered as the response (status checked). */
export type PageRequest<O> = (opts: O, signal: AbortSignal) => Promise<Response>;

/** `readPages` over HTTP: each response's `Tidemark-Next` announces the page after it. */
export function responsePages<O extends Sized, P, C extends number | string>(
  kind: PageKind<O, P, C>,
  send: PageRequest<O>,
  parse: (res: Response) => Promise<P>,
  opts: O,
  max?: number,
): AsyncGenerator<P, void, undefined> {
  return readPages(
    kind,
    { send, parse, header: (res) => res.headers.get(NEXT_HEADER), drop: (res) => res.body?.cancel() },
    opts,
    max,
  );
}
