/**
 * The sending side of live commit notifications across servers (feed.ts is the receiving side;
 * docs/postgres.md, "Live tails across servers"): a store's appends commit without notifying and
 * then hand `{"topic","maxSeq"}` here, which sends `pg_notify` in a transaction of its own. The
 * notification is not part of the write's transaction because a notifying transaction holds a
 * database-wide lock across its WAL flush, which made concurrent writers commit one at a time.
 * Invalidations and imports, rare writes, still notify inside their transaction with
 * `notifyPayload`.
 */
import type pg from 'pg';
import type { Db } from './db';

/** The payload of a commit notification: which topic, and its max seq after the commit. */
export function notifyPayload(topic: string, maxSeq: number): string {
  return JSON.stringify({ topic, maxSeq });
}

/**
 * The sending side: announces commits after they happened (see the top of this file). `committed`
 * wakes this store's own feed at once and queues the notification, keeping each topic's newest
 * max seq. Queued notifications go out in one statement, in a transaction of its own with
 * `synchronous_commit` off for it (it writes nothing that needs the WAL flush, so it holds
 * NOTIFY's lock only for an instant), in one of two ways:
 *
 * - **Carried**: once the oldest queued one has waited GATHER_MS, the next single-event append
 *   (`carry`) sends them on its own connection right behind its statement, in the same pipeline:
 *   no connection taken from the pool, no wake-up of its own on either side, and the append does
 *   not wait for it (it runs after the append's commit).
 * - **On its own**, on a pooled connection, when no append has carried them GATHER_MS after they
 *   were due (the store went quiet, or writes only through other paths).
 *
 * So a commit is announced 2-4 GATHER_MS after it at the latest while the store keeps running. A
 * failed send is retried with backoff; `close` sends what is queued (within CLOSE_MS).
 */
export class CommitNotifier {
  private readonly queued = new Map<string, number>();
  /** When the oldest queued notification was queued (performance.now), or null when none is. */
  private since: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private closed = false;
  private backoffMs = 100;

  constructor(
    private readonly db: Db,
    /** Wakes this store's own feed. */
    private readonly local: (topic: string, maxSeq: number) => void,
  ) {}

  /** `topic` committed up to `maxSeq`. */
  committed(topic: string, maxSeq: number): void {
    this.local(topic, maxSeq);
    if (this.closed) return;
    this.queue(topic, maxSeq);
    this.arm();
  }

  /**
   * Called with the connection of an append right after its statement was sent: sends the queued
   * notifications behind it when they are due (see the top of this class).
   */
  carry(c: pg.ClientBase): void {
    if (this.since === null || this.sending !== null || this.closed) return;
    if (performance.now() - this.since < GATHER_MS) return;
    const batch = this.take();
    c.query(notifyQuery(this.db, batch)).catch(() => {
      // Not sent (the connection broke, say): queue it again for the next carrier or the timer.
      if (this.closed) return;
      for (const [topic, maxSeq] of batch) this.queue(topic, maxSeq);
      this.arm();
    });
  }

  /** Queues `topic`'s notification, keeping the newest max seq of the ones queued for it. */
  private queue(topic: string, maxSeq: number): void {
    const was = this.queued.get(topic);
    if (was === undefined || maxSeq > was) this.queued.set(topic, maxSeq);
    this.since ??= performance.now();
  }

  private take(): [string, number][] {
    const batch = [...this.queued];
    this.queued.clear();
    this.since = null;
    return batch;
  }

  /** Makes sure the timer will send what is queued if no append carries it in time. */
  private arm(): void {
    if (this.timer !== null || this.sending !== null || this.since === null || this.closed) return;
    const wait = Math.max(0, this.since + 2 * GATHER_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.since === null) return;
      if (performance.now() - this.since < 2 * GATHER_MS) {
        this.arm(); // what was carried meanwhile went out; the rest is younger
        return;
      }
      this.sending = this.sendAll().finally(() => {
        this.sending = null;
        this.arm();
      });
    }, wait);
  }

  /** Sends everything queued on a pooled connection, retrying with backoff. */
  private async sendAll(): Promise<void> {
    while (this.since !== null && !this.closed) {
      const batch = this.take();
      try {
        await this.db.pool.query(notifyQuery(this.db, batch));
        this.backoffMs = 100;
      } catch {
        if (this.closed) return;
        for (const [topic, maxSeq] of batch) this.queue(topic, maxSeq);
        await new Promise((resolve) => setTimeout(resolve, this.backoffMs));
        this.backoffMs = Math.min(this.backoffMs * 2, 5000);
      }
    }
  }

  /** Sends what is queued (giving up after CLOSE_MS); nothing is sent after. */
  async close(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.sending === null && this.since !== null) this.sending = this.sendAll();
    const pending = this.sending;
    if (pending !== null) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_MS)))]);
      clearTimeout(timer);
    }
    this.closed = true;
    this.queued.clear();
    this.since = null;
  }
}

/**
 * One statement announcing `batch`, prepared once per connection: `set_config(..., true)` turns
 * synchronous_commit off for its own transaction only (the statement runs in autocommit), and
 * PostgreSQL decides the commit's WAL flush before the setting ends with the transaction.
 */
function notifyQuery(db: Db, batch: [string, number][]): pg.QueryConfig {
  return {
    name: `tm_notify_${db.channel}`,
    text: `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, x) FROM unnest($2::text[]) AS x`,
    values: [db.channel, batch.map(([topic, maxSeq]) => notifyPayload(topic, maxSeq))],
  };
}

/**
 * How long a queued notification waits before an append may carry it (and twice this before it
 * is sent on its own): at a high commit rate one notification transaction then announces many
 * commits (each is work for the server and the client), for a delay of this much on other
 * servers' tails (this store's own are woken at once).
 */
const GATHER_MS = 2;

/** How long `CommitNotifier.close` waits for queued notifications to go out. */
const CLOSE_MS = 2000;
