/**
 * `tidemark read --follow`: a live tail of a topic printed as it grows, like `tail -f`. It uses
 * the store's own `tail` (EventStore, each backend's native feed): the backlog after the start seq,
 * then live commits, gap-free and in order, including writes of other processes and servers. Runs until Ctrl-C / SIGTERM (exit 0) or until the reader of
 * stdout goes away.
 */
import { TidemarkError } from '../model/errors';
import type { StoredEvent } from '../model/types';
import { findTopic } from '../store/find-topic';
import type { EventStore } from '../store/types';
import type { RowPrinter } from './output';

export interface FollowOptions {
  /** Print events with seq greater than this. */
  after: number;
  pollMs?: number;
}

/** The topic's max seq now (0 for a topic with no events yet). */
export async function currentEnd(store: EventStore, topic: string): Promise<number> {
  return (await findTopic(store, topic))?.maxSeq ?? 0;
}

/** Resolves when interrupted; rejects when stdout closed (OutputClosed) or writing failed. */
export function follow(
  store: EventStore,
  topic: string,
  printer: RowPrinter<StoredEvent>,
  opts: FollowOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let chain = Promise.resolve();
    let lastError = '';
    const stopTail = store.tail(
      topic,
      opts.after,
      (events) => {
        // Deliveries are synchronous; printing is chained so order and back-pressure hold.
        chain = chain.then(() => printer.page(events)).catch((err: unknown) => finish(err));
      },
      {
        pollMs: opts.pollMs ?? 500,
        onError: (err) => {
          // The tail retries on the next poll; say so once per distinct problem.
          const message = err instanceof Error ? err.message : String(err);
          if (message !== lastError) process.stderr.write(`tidemark: ${message} (retrying)\n`);
          lastError = message;
        },
      },
    );
    const onSignal = (): void => finish(null);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let done = false;
    function finish(err: unknown): void {
      if (done) return;
      done = true;
      stopTail();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (err === null) resolve();
      else reject(err instanceof Error ? err : new TidemarkError('INTERNAL', 'writing the output failed'));
    }
  });
}
