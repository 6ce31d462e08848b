/**
 * `tailTopic`: a gap-free live tail over any EventStore. It subscribes first (so nothing committed
 * from now on is missed), then reads the backlog after `after` in pages, then delivers live events
 * in seq order with no duplicates: a live delivery that does not continue exactly at the last
 * delivered seq makes it read the missing range from the store. Because `subscribe` only sees
 * commits of this process (or of this server connection), it also polls `topicInfo` every
 * `pollMs` (default 1000) and catches up when another writer has moved the topic on (at most one
 * poll is in flight, so a slow store does not pile up `topicInfo` calls). The cursor advances only
 * after `onEvents` returns: a consumer that throws gets the same events again on the next attempt
 * (the throw is reported to `onError` like a failed read), never a gap.
 */
import type { StoredEvent } from '../model/types';
import { findTopic } from './find-topic';
import type { EventStore, TailOptions } from './types';

export type { TailOptions };

export function tailTopic(
  store: EventStore,
  topic: string,
  after: number,
  onEvents: (events: StoredEvent[]) => void,
  opts: TailOptions = {},
): () => void {
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

  const drainBuffer = (): void => {
    buffer = buffer.filter((e) => e.seq > delivered);
    if (buffer.length === 0) return;
    buffer.sort((a, b) => a.seq - b.seq);
    if (buffer[0]!.seq === delivered + 1) {
      const before = delivered;
      deliver(buffer);
      if (delivered > before) buffer = buffer.filter((e) => e.seq > delivered);
    }
    if (buffer.length > 0) needRead = true; // a gap before the buffered events: read it
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
      drainBuffer();
      while (needRead && !stopped) {
        needRead = false;
        await readBacklog();
        drainBuffer();
        // Still a gap after reading everything visible: wait for the next poll or live event.
        if (buffer.length > 0 && buffer[0]!.seq !== delivered + 1) {
          needRead = false;
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

  const unsubscribe = store.subscribe(topic, (events) => {
    if (stopped) return;
    for (const e of events) if (e.seq > delivered) buffer.push(e);
    void pump();
  });

  const poll = async (): Promise<void> => {
    if (busy || polling || stopped) return;
    polling = true;
    try {
      const info = await findTopic(store, topic);
      if (stopped) return;
      if (info !== null && info.maxSeq > delivered) {
        needRead = true;
        await pump();
      } else if (!needRead) failures = 0;
    } catch (err) {
      if (!stopped) failed(err);
    } finally {
      polling = false;
    }
  };

  const timer = setInterval(() => void poll(), opts.pollMs ?? 1000);
  void pump();

  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe();
    buffer = [];
  };
}
