/**
 * The live tail behind `EventStore.tail` of the backends in this process (SQLite, PostgreSQL, the
 * memory store): `feedTail` follows a topic from a `LiveFeed`, the backend's own way of learning of
 * commits. It listens first (so nothing committed from then on is missed), then reads the backlog
 * after `after` in pages, then delivers live events in seq order with no duplicates: a live delivery
 * that does not continue exactly at the last delivered seq makes it read the missing range from the
 * store. A feed that is not `complete` (SQLite's `subscribe` sees only this process's commits) is
 * backed by a poll of `topicInfo` every `pollMs` that catches up when another writer moved the topic
 * on (at most one poll in flight); a complete feed (PostgreSQL while its LISTEN connection is up,
 * the memory store) needs none. A failed read, or an `onEvents` that throws, goes to `onError` with
 * the count of consecutive failures and is retried every `pollMs`; the cursor advances only after
 * `onEvents` returns, so a consumer that throws gets the same events again, never a gap.
 * `tailTopic(store, ...)` is that tail over any store's public interface (always polling), for
 * callers written before `tail` was on the interface; `OpenTails` lets a store stop its tails when
 * it is closed.
 */
import type { StoredEvent } from '../model/types';
import { validateNonNegativeInt, validateTopic } from '../model/validate';
import { findTopic } from './find-topic';
import type { CommitListener, EventStore, TailOptions, Unsubscribe } from './types';

export type { TailOptions };

/** How a backend tells a tail about commits. */
export interface LiveFeed {
  /**
   * Registers for the commits of `topic` made from now on (events in seq order, best effort);
   * `onWake` asks the tail to read the store now (the feed has just learned where it starts).
   */
  listen(topic: string, onEvents: CommitListener, onWake: () => void): Unsubscribe;
  /** True while `listen` sees every writer's commits: then no periodic poll is needed. */
  complete(): boolean;
}

/** The feed of any store: its `subscribe`, which may miss other writers' commits (so it is polled). */
export function subscribeFeed(store: Pick<EventStore, 'subscribe'>): LiveFeed {
  return { listen: (topic, onEvents) => store.subscribe(topic, onEvents), complete: () => false };
}

/**
 * A tail over any store's public `subscribe`, `readEvents` and `topicInfo`, always polling: what
 * callers used before `tail` was on the interface (the SSE hub, `tidemark follow`, the desktop
 * app still call it). New code calls `store.tail`, which uses the backend's native feed.
 */
export function tailTopic(
  store: EventStore,
  topic: string,
  after: number,
  onEvents: (events: StoredEvent[]) => void,
  opts?: TailOptions,
): Unsubscribe {
  return feedTail(store, subscribeFeed(store), topic, after, onEvents, opts);
}

/** Every event of `topic` with seq > `after`, from `feed` and the store's log (see the header). */
export function feedTail(
  store: Pick<EventStore, 'readEvents' | 'topicInfo'>,
  feed: LiveFeed,
  topic: string,
  after: number,
  onEvents: (events: StoredEvent[]) => void,
  opts: TailOptions = {},
): Unsubscribe {
  validateTopic(topic);
  validateNonNegativeInt(after, 'after');
  const pageSize = opts.pageSize ?? 1000;
  let delivered = after;
  let stopped = false;
  let busy = false;
  let polling = false;
  let failures = 0;
  let needRead = true;
  let buffer: StoredEvent[] = [];

  const deliver = (events: StoredEvent[]): void => {
    // Only the run that continues exactly at `delivered` is passed on.
    let n = 0;
    while (n < events.length && events[n]!.seq === delivered + n + 1) n++;
    if (n === 0 || stopped) return;
    const run = n === events.length ? events : events.slice(0, n);
    onEvents(run);
    delivered = run[run.length - 1]!.seq;
  };

  const failed = (err: unknown): void => {
    failures++;
    opts.onError?.(err, failures);
  };

  /** Delivers what the feed buffered; true when a gap remains before the buffered events. */
  const drainBuffer = (): boolean => {
    buffer = buffer.filter((e) => e.seq > delivered);
    if (buffer.length === 0) return false;
    buffer.sort((a, b) => a.seq - b.seq);
    if (buffer[0]!.seq === delivered + 1) {
      const before = delivered;
      deliver(buffer);
      if (delivered > before) buffer = buffer.filter((e) => e.seq > delivered);
    }
    return buffer.length > 0;
  };

  const readBacklog = async (): Promise<void> => {
    for (;;) {
      if (stopped) return;
      const page = await store.readEvents(topic, { after: delivered, limit: pageSize });
      if (stopped) return;
      const fresh = page.events.filter((e) => e.seq > delivered);
      const before = delivered;
      deliver(fresh);
      if (page.next === null || delivered === before) return;
    }
  };

  const pump = async (): Promise<void> => {
    if (busy || stopped) return;
    busy = true;
    try {
      if (drainBuffer()) needRead = true;
      while (needRead && !stopped) {
        needRead = false;
        await readBacklog();
        // Still a gap after reading everything visible: read again on the next tick.
        if (drainBuffer()) {
          needRead = true;
          break;
        }
      }
      failures = 0;
    } catch (err) {
      needRead = true;
      if (!stopped) failed(err);
    } finally {
      busy = false;
    }
  };

  const unsubscribe = feed.listen(
    topic,
    (events) => {
      if (stopped) return;
      for (const e of events) if (e.seq > delivered) buffer.push(e);
      void pump();
    },
    () => {
      if (stopped) return;
      needRead = true;
      void pump();
    },
  );

  const tick = async (): Promise<void> => {
    if (busy || polling || stopped) return;
    if (needRead) return pump(); // a failed read or delivery, or a gap: try again
    if (feed.complete()) return;
    polling = true;
    try {
      const info = await findTopic(store, topic);
      if (stopped) return;
      if (info !== null && info.maxSeq > delivered) {
        needRead = true;
        await pump();
      } else failures = 0;
    } catch (err) {
      if (!stopped) failed(err);
    } finally {
      polling = false;
    }
  };

  const timer = setInterval(() => void tick(), opts.pollMs ?? 1000);
  void pump();

  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe();
    buffer = [];
  };
}

/** The tails a store has started, so that `close()` can stop them. */
export class OpenTails {
  private readonly open = new Set<Unsubscribe>();

  /** `stop`, made idempotent and forgotten once called. */
  track(stop: Unsubscribe): Unsubscribe {
    const un = (): void => {
      if (this.open.delete(un)) stop();
    };
    this.open.add(un);
    return un;
  }

  stopAll(): void {
    for (const un of [...this.open]) un();
  }
}
