/**
 * Live commit notifications across servers, on LISTEN/NOTIFY (docs/postgres.md, "Live tails:
 * notified after the commit"). Once a write has committed, the writing store hands
 * `{"topic","maxSeq"}` to its `CommitNotifier` (notify.ts, the sending side), which wakes the
 * store's own feed at once and sends `pg_notify(channel, ...)` in a transaction of its own to every
 * listening session of every server. This file is the receiving side.
 *
 * One dedicated `pg.Client` per store LISTENs (opened on the first subscribe); a notification for
 * a subscribed topic makes that topic's pump read, through the pool, every event after the last
 * one it delivered, in seq order and in pages, and hand them to the topic's listeners. Because the
 * pump reads from its own cursor rather than trusting the payload, lost or coalesced notifications
 * cannot open a gap. A notification is lost only when the writing process ends (or loses the
 * database) between its commit and its notification; while LISTEN is up the feed therefore also
 * re-reads its topics' max seq every RECHECK_MS, so such a commit reaches the tails within that
 * bound. When the LISTEN connection breaks it reconnects with backoff and then pumps every topic
 * to catch up. `PostgresEventStore.tail` is built on this feed (store/tail.ts `feedTail`): since
 * NOTIFY reaches every server, its tails poll `topicInfo` only while the LISTEN connection is
 * down (`listening`).
 */
import pg from 'pg';
import { TidemarkError } from '../../model/errors';
import type { StoredEvent } from '../../model/types';
import { validateTopic } from '../../model/validate';
import type { CommitListener, Unsubscribe } from '../types';
import type { Db } from './db';

const PAGE = 1000;
const RETRY_MS = 1000;
/**
 * While LISTEN is up, how often the feed re-reads its topics' max seq (one query for all of them):
 * the bound on the delay of a commit whose notification was lost (docs/postgres.md).
 */
export const RECHECK_MS = 2000;

interface TopicFeed {
  topic: string;
  listeners: Set<CommitListener>;
  /** Called once the topic's starting point is known (a tail then reads what came before it). */
  onStart: Set<() => void>;
  /** Seq of the last event delivered; null until the starting point is known. */
  after: number | null;
  running: boolean;
  again: boolean;
  retry: NodeJS.Timeout | null;
}

export interface FeedSource {
  /** Current max seq of each of `topics` that exists (a topic without events: 0 or absent). */
  maxSeqs(topics: string[]): Promise<Map<string, number>>;
  /**
   * The page of events of `topic` with seq > after, ascending, at most `limit` (fewer when their
   * data is large: store/page-cut.ts), and whether more follow.
   */
  eventsAfter(topic: string, after: number, limit: number): Promise<{ events: StoredEvent[]; more: boolean }>;
}

export class CommitFeed {
  private client: pg.Client | null = null;
  private connecting = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private recheckTimer: NodeJS.Timeout | null = null;
  private backoffMs = 100;
  private readonly topics = new Map<string, TopicFeed>();

  constructor(
    private readonly db: Db,
    private readonly source: FeedSource,
  ) {}

  /**
   * `listener` gets the topic's commits from the feed's starting point on (the topic's max seq when
   * the first subscription of the topic starts); `onStart`, if given, is called once that point is
   * known, so a caller that read the log before it can read the commits in between.
   */
  subscribe(topic: string, listener: CommitListener, onStart?: () => void): Unsubscribe {
    validateTopic(topic);
    let feed = this.topics.get(topic);
    if (feed === undefined) {
      feed = {
        topic,
        listeners: new Set(),
        onStart: new Set(),
        after: null,
        running: false,
        again: false,
        retry: null,
      };
      this.topics.set(topic, feed);
      this.start(feed);
    }
    feed.listeners.add(listener);
    if (onStart !== undefined && feed.after === null) feed.onStart.add(onStart);
    this.connect();
    const f = feed;
    return () => {
      if (onStart !== undefined) f.onStart.delete(onStart);
      f.listeners.delete(listener);
      if (f.listeners.size === 0 && this.topics.get(topic) === f) {
        this.topics.delete(topic);
        if (f.retry !== null) clearTimeout(f.retry);
      }
    };
  }

  /** Whether the LISTEN connection is up (for tests and health). */
  get listening(): boolean {
    return this.client !== null;
  }

  /**
   * Resolves once the LISTEN connection is up and every subscribed topic knows its starting
   * point, so commits from then on are certain to be delivered (tests and tools use this).
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (this.client === null || [...this.topics.values()].some((f) => f.after === null)) {
      if (this.closed) return;
      if (Date.now() - start > timeoutMs) {
        throw new TidemarkError('UNAVAILABLE', `PostgreSQL at ${this.db.where}: LISTEN is not connected`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.recheckTimer !== null) clearTimeout(this.recheckTimer);
    for (const f of this.topics.values()) if (f.retry !== null) clearTimeout(f.retry);
    this.topics.clear();
    const c = this.client;
    this.client = null;
    if (c !== null) await c.end().catch(() => undefined);
  }

  private active(f: TopicFeed): boolean {
    return !this.closed && this.topics.get(f.topic) === f;
  }

  private retryLater(f: TopicFeed, what: () => void): void {
    if (!this.active(f) || f.retry !== null) return;
    f.retry = setTimeout(() => {
      f.retry = null;
      if (this.active(f)) what();
    }, RETRY_MS);
  }

  /** Learns where the topic stands now: only commits after this point are delivered. */
  private start(f: TopicFeed): void {
    this.source.maxSeqs([f.topic]).then(
      (seqs) => {
        const n = seqs.get(f.topic) ?? 0;
        if (f.after === null) f.after = n;
        const started = [...f.onStart];
        f.onStart.clear();
        for (const wake of started) {
          try {
            wake();
          } catch {
            // One subscriber's failure must not stop the others or the feed.
          }
        }
        this.pump(f);
      },
      () => this.retryLater(f, () => this.start(f)),
    );
  }

  private pump(f: TopicFeed): void {
    if (!this.active(f) || f.after === null) return;
    if (f.running) {
      f.again = true;
      return;
    }
    f.running = true;
    f.again = false;
    void this.drain(f).then(
      () => {
        f.running = false;
        if (f.again) this.pump(f);
      },
      () => {
        f.running = false;
        this.retryLater(f, () => this.pump(f));
      },
    );
  }

  private async drain(f: TopicFeed): Promise<void> {
    for (;;) {
      if (!this.active(f) || f.after === null) return;
      const { events, more } = await this.source.eventsAfter(f.topic, f.after, PAGE);
      if (events.length === 0 || !this.active(f)) return;
      f.after = events[events.length - 1]!.seq;
      for (const listener of [...f.listeners]) {
        try {
          listener(events);
        } catch {
          // One listener's failure must not stop the others or the feed.
        }
      }
      // A short page is not the end when its data cut it: `more` says.
      if (!more) return;
    }
  }

  /**
   * A commit of `topic` up to `maxSeq` (a notification, or a commit of this process announced
   * directly): wakes the topic's pump if it is behind.
   */
  committed(topic: string, maxSeq: number): void {
    const f = this.topics.get(topic);
    if (f !== undefined && (f.after === null || maxSeq > f.after)) this.pump(f);
  }

  /** Re-reads the topics' max seq (RECHECK_MS), catching a commit whose notification was lost. */
  private scheduleRecheck(): void {
    if (this.closed || this.recheckTimer !== null) return;
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = null;
      if (this.closed || this.client === null) return;
      const names = [...this.topics.keys()];
      const next = (): void => {
        if (this.client !== null) this.scheduleRecheck();
      };
      if (names.length === 0) {
        next();
        return;
      }
      this.source.maxSeqs(names).then((seqs) => {
        for (const [topic, n] of seqs) this.committed(topic, n);
        next();
      }, next);
    }, RECHECK_MS);
    this.recheckTimer.unref();
  }

  private onNotification(payload: string | undefined): void {
    if (payload === undefined) return;
    let msg: unknown;
    try {
      msg = JSON.parse(payload);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const { topic, maxSeq } = msg as { topic?: unknown; maxSeq?: unknown };
    if (typeof topic !== 'string' || typeof maxSeq !== 'number') return;
    this.committed(topic, maxSeq);
  }

  private connect(): void {
    if (this.closed || this.client !== null || this.connecting || this.reconnectTimer !== null) return;
    this.connecting = true;
    const c = new pg.Client(this.db.clientConfig);
    let dead = false;
    const onDown = (): void => {
      if (dead) return;
      dead = true;
      if (this.client === c) this.client = null;
      c.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    c.on('error', onDown);
    c.on('end', onDown);
    c.on('notification', (n) => {
      if (n.channel === this.db.channel) this.onNotification(n.payload);
    });
    c.connect()
      .then(() => c.query(`LISTEN ${this.db.channel}`))
      .then(
        () => {
          this.connecting = false;
          if (dead) return;
          if (this.closed) {
            void c.end().catch(() => undefined);
            return;
          }
          this.client = c;
          this.backoffMs = 100;
          // Catch up on whatever was committed while we were not listening.
          for (const f of this.topics.values()) this.pump(f);
          this.scheduleRecheck();
        },
        () => {
          this.connecting = false;
          onDown();
        },
      );
  }

  private scheduleReconnect(): void {
    // Nobody is listening: the next subscribe() connects again.
    if (this.closed || this.reconnectTimer !== null || this.topics.size === 0) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, wait);
  }
}
