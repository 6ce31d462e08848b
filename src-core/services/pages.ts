/**
 * The pages of a topic's events (`eventPagesOf`), transactions (`txnPagesOf`) and surface
 * (`surfacePagesOf`) from any store, for the readers that go page after page (`tidemark read`,
 * `txns`, `surface` with `--all` or `--limit`; copy's source reads). A server store has
 * `eventPages`, `txnPages` and `surfacePages` (store/http, over wire/pages.ts: the next page asked
 * for as soon as a page's headers arrive, one page ahead at most, cancelled when the reader stops);
 * any other store is read one call after another by the same reader (wire/pages.ts `readPages`, no
 * header, so no page ahead), with the same pages. `max` caps the rows of all pages together: no
 * page is asked for rows beyond it.
 */
import type {
  EventPage,
  ListTxnsOptions,
  ReadEventsOptions,
  SurfaceOptions,
  SurfacePage,
  TxnPage,
} from '../model/types';
import type { EventStore } from '../store/types';
import { EVENT_PAGES, type PageKind, SURFACE_PAGES, TXN_PAGES, readPages } from '../wire/pages';

type Pages<P> = AsyncGenerator<P, void, undefined>;

/** A store that reads pages ahead (the HTTP store). */
interface PagesAhead {
  eventPages(topic: string, opts?: ReadEventsOptions, max?: number): Pages<EventPage>;
  txnPages(topic: string, opts?: ListTxnsOptions, max?: number): Pages<TxnPage>;
  surfacePages(topic: string, opts?: SurfaceOptions, max?: number): Pages<SurfacePage>;
}

function readsAhead<K extends keyof PagesAhead>(
  store: EventStore,
  method: K,
): store is EventStore & Pick<PagesAhead, K> {
  return typeof (store as Partial<PagesAhead>)[method] === 'function';
}

/** One `read` after another: the pages `readPages` asks for, none ahead (no header announces one). */
function pageByPage<O extends { limit?: number }, P, C extends number | string>(
  kind: PageKind<O, P, C>,
  read: (opts: O) => Promise<P>,
  opts: O,
  max: number | undefined,
): Pages<P> {
  return readPages(kind, { send: (o) => read(o), header: () => null, parse: (p) => Promise.resolve(p) }, opts, max);
}

/**
 * The pages of `readEvents(topic, opts)` and the pages after it, in order, until the last, or
 * until `max` rows. Stopping early cancels what a server store asked ahead. The caller stops on an
 * empty page that has a `next` (a store that would otherwise be read forever). So do the two below.
 */
export function eventPagesOf(
  store: EventStore,
  topic: string,
  opts: ReadEventsOptions = {},
  max?: number,
): Pages<EventPage> {
  return readsAhead(store, 'eventPages')
    ? store.eventPages(topic, opts, max)
    : pageByPage(EVENT_PAGES, (o) => store.readEvents(topic, o), opts, max);
}

/** The pages of `listTxns(topic, opts)` and the pages after it (as `eventPagesOf`). */
export function txnPagesOf(store: EventStore, topic: string, opts: ListTxnsOptions = {}, max?: number): Pages<TxnPage> {
  return readsAhead(store, 'txnPages')
    ? store.txnPages(topic, opts, max)
    : pageByPage(TXN_PAGES, (o) => store.listTxns(topic, o), opts, max);
}

/** The pages of `surface(topic, opts)` and the pages after it (as `eventPagesOf`). */
export function surfacePagesOf(
  store: EventStore,
  topic: string,
  opts: SurfaceOptions = {},
  max?: number,
): Pages<SurfacePage> {
  return readsAhead(store, 'surfacePages')
    ? store.surfacePages(topic, opts, max)
    : pageByPage(SURFACE_PAGES, (o) => store.surface(topic, o), opts, max);
}
