/**
 * The sending side of live commit notifications across servers (feed.ts is the receiving side;
 * docs/postgres.md, "Live tails across servers"): a store's appends commit without notifying and
 * then hand `{"topic","maxSeq"}` here, which sends `pg_notify` in a transaction of its own. The
 * notification is not part of the write's transaction because a notifying transaction holds a
 * database-wide lock across its WAL flush, which made concurrent writers commit one at a time.
 * Invalidations and imports, rare writes, still notify inside their transaction with
 * `notifyPayload`.
 */
import pg from 'pg';
import type { Db } from './db';

/** The payload of a commit notification: which topic, and its max seq after the commit. */
export function notifyPayload(topic: string, maxSeq: number): string {
  return JSON.stringify({ topic, maxSeq });
}

/**
 * The sending side: announces commits after they happened (see the top of this file). `committed`
 * wakes this store's own feed at once and queues the notification; one statement at a time goes
 * out (GATHER_MS after the first commit it announces) on a pooled connection, carrying every
 * topic's newest max seq queued meanwhile, in a transaction of its own with `synchronous_commit = off` (it writes nothing that needs the WAL
 * flush, so it holds NOTIFY's lock only for an instant). A failed send is retried with backoff;
 * `close` sends what is queued (within CLOSE_MS).
 */
export class CommitNotifier {
  private readonly queued = new Map<string, number>();
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
    this.queue(topic, maxSeq);
    this.kick();
  }

  /** Queues `topic`'s notification, keeping the newest max seq of the ones queued for it. */
  private queue(topic: string, maxSeq: number): void {
    const was = this.queued.get(topic);
    if (was === undefined || maxSeq > was) this.queued.set(topic, maxSeq);
  }

  private kick(): void {
    if (this.sending !== null || this.queued.size === 0 || this.closed) return;
    this.sending = new Promise((resolve) => setTimeout(resolve, GATHER_MS))
      .then(() => this.sendAll())
      .finally(() => {
        this.sending = null;
        this.kick();
      });
  }

  private async sendAll(): Promise<void> {
    while (this.queued.size > 0) {
      const batch = [...this.queued];
      this.queued.clear();
      // One simple-protocol query: its statements run as one transaction, so SET LOCAL holds for it.
      const channel = pg.escapeLiteral(this.db.channel);
      const calls = batch.map(
        ([topic, maxSeq]) => `pg_notify(${channel}, ${pg.escapeLiteral(notifyPayload(topic, maxSeq))})`,
      );
      try {
        await this.db.pool.query(`SET LOCAL synchronous_commit = off; SELECT ${calls.join(', ')}`);
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
    const pending = this.sending;
    if (pending !== null) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_MS)))]);
      clearTimeout(timer);
    }
    this.closed = true;
    this.queued.clear();
  }
}

/**
 * How long the notifier gathers commits before it sends: at a high commit rate one notification
 * transaction then announces many commits (each is work for the server and the client), for a
 * delay of this much on other servers' tails (this store's own are woken at once).
 */
const GATHER_MS = 2;

/** How long `CommitNotifier.close` waits for queued notifications to go out. */
const CLOSE_MS = 2000;
