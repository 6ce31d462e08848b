/**
 * `eventPagesOf(store, topic, opts, max)`: the pages of a topic's events from any store, for the
 * readers that go page after page (`tidemark read --all`, `--limit`; copy's source reads). A server
 * store has `eventPages` (store/http, over wire/event-pages.ts: the next page asked for as soon as
 * a page's headers arrive, one page ahead at most, cancelled when the reader stops); any other
 * store is read one `readEvents` after another, with the same pages. `max` caps the rows of all
 * pages together: no page is asked for rows beyond it (wire/event-pages.ts `readEventPages`).
 */
import { LIMITS } from '../model/limits';
import type { EventPage, ReadEventsOptions } from '../model/types';
import type { EventStore } from '../store/types';
import { withCursor } from '../wire/event-pages';

/** A store that reads pages ahead (the HTTP store's `eventPages`). */
interface PagesAhead {
  eventPages(topic: string, opts?: ReadEventsOptions, max?: number): AsyncGenerator<EventPage, void, undefined>;
}

function readsAhead(store: EventStore): store is EventStore & PagesAhead {
  return typeof (store as Partial<PagesAhead>).eventPages === 'function';
}

/** One `readEvents` after another, the pages `readEventPages` would ask for, none ahead. */
async function* pageByPage(
  store: EventStore,
  topic: string,
  opts: ReadEventsOptions,
  max: number | undefined,
): AsyncGenerator<EventPage, void, undefined> {
  const size = opts.limit ?? LIMITS.pageDefault;
  let got = 0;
  let o = opts;
  for (;;) {
    let query = o;
    if (max !== undefined) {
      const rows = Math.min(size, max - got);
      if (rows <= 0) return;
      query = { ...o, limit: rows };
    }
    const page = await store.readEvents(topic, query);
    got += page.events.length;
    yield page;
    if (page.next === null) return;
    o = withCursor(opts, page.next);
  }
}

/**
 * The pages of `readEvents(topic, opts)` and the pages after it, in order, until the last, or
 * until `max` rows. Stopping early cancels what a server store asked ahead. The caller stops on an
 * empty page that has a `next` (a store that would otherwise be read forever).
 */
export function eventPagesOf(
  store: EventStore,
  topic: string,
  opts: ReadEventsOptions = {},
  max?: number,
): AsyncGenerator<EventPage, void, undefined> {
  return readsAhead(store) ? store.eventPages(topic, opts, max) : pageByPage(store, topic, opts, max);
}
