/**
 * The per-topic hub behind the SSE route: every topic with at least one open stream has ONE shared
 * live feed (one `EventStore.tail`, the backend's native one: LISTEN/NOTIFY on PostgreSQL, this
 * process's commits plus a poll on SQLite, SSE on an HTTP store), whose committed
 * batches are serialised once and fanned out to the topic's streams; the feed is torn down when
 * the topic's last stream leaves. A stream that joins first reads its own backlog from its `after`
 * (paged reads of the log), and goes live once it has reached the feed's position, so each stream gets
 * a gap-free, in-order, duplicate-free tail. Backlog pages are read with each event's data as the
 * JSON text the store keeps (store/text-reads.ts) and written from it (`encodeText`), when the
 * store offers such reads. An event is serialised before a stream's cursor moves
 * past it; when it cannot be (or a store read keeps failing, or sending throws) the stream gets
 * `fail` with an error fit for a client and leaves the hub: it never skips an event silently.
 */
import { type ErrorBody, TidemarkError, hasErrorCode } from '../model/errors';
import type { StoredEventText } from '../model/stored-json';
import type { StoredEvent } from '../model/types';
import { findTopic } from '../store/find-topic';
import { type TextReads, textReadsOf } from '../store/text-reads';
import type { EventStore } from '../store/types';

/** One client stream, as the hub sees it. */
export interface HubStream {
  /**
   * The serialised text of consecutive events ending at seq `last`, as a string or as its UTF-8
   * bytes (a run fanned out to several streams is encoded once and the same bytes go to each).
   * May throw: the stream then fails.
   */
  send(chunk: string | Buffer, last: number): void;
  /** The stream cannot go on (it has already left the hub): end it with this error. Called at most once. */
  fail(error: ErrorBody): void;
}

export interface SseHubOptions {
  /** One event as stream text; throws when it cannot be serialised. */
  encode: (e: StoredEvent) => string;
  /**
   * The same text for an event read with its data as the stored JSON text: backlogs are read so
   * (store/text-reads.ts) when the store can, and written without parsing the data.
   */
  encodeText?: (e: StoredEventText) => string;
  /** Fallback poll interval of each topic's feed, ms (default 1000). */
  pollMs?: number;
  /** Page size of backlog reads (default 1000). */
  pageSize?: number;
  /** Consecutive failed reads of a feed before its streams fail (default 3; a read is retried each poll). */
  maxReadFailures?: number;
  /** Records a failure whose details must not reach a client (the client gets a generic message). */
  log: (err: unknown, message: string) => void;
  /** Called with +1 / -1 as topic feeds start and stop (a metric). */
  onFeed?: (delta: 1 | -1) => void;
}

interface Member {
  state: TopicState;
  /** Seq of the last event sent to this stream. */
  delivered: number;
  live: boolean;
  gone: boolean;
  stream: HubStream;
}

interface Feed {
  /** Seq of the last event the feed has fanned out (valid once `started`). */
  pos: number;
  started: boolean;
  /** Resolves when the feed has started (to null) or failed to (to the error). */
  ready: Promise<unknown>;
  stop: () => void;
}

interface TopicState {
  topic: string;
  members: Set<Member>;
  feed: Feed | null;
}

/** A page of a stream's backlog and how its events are serialised. */
interface Backlog {
  events: readonly { seq: number }[];
  next: number | null;
  encode: (e: { seq: number }) => string;
}

/** Empty backlog reads in a row, while behind the feed, after which a stream fails (store inconsistency). */
const MAX_EMPTY_READS = 3;

export class SseHub {
  private readonly topics = new Map<string, TopicState>();
  private readonly pageSize: number;
  private readonly pollMs: number;
  private readonly maxReadFailures: number;
  /** The store's text reads, when it has them and the options say how to write their events. */
  private readonly texts: TextReads | null;

  constructor(
    private readonly store: EventStore,
    private readonly opts: SseHubOptions,
  ) {
    this.texts = opts.encodeText ? textReadsOf(store) : null;
    this.pageSize = opts.pageSize ?? 1000;
    this.pollMs = opts.pollMs ?? 1000;
    this.maxReadFailures = opts.maxReadFailures ?? 3;
  }

  /** Topics with a running shared feed. */
  get feedCount(): number {
    let n = 0;
    for (const t of this.topics.values()) if (t.feed?.started) n++;
    return n;
  }

  /** Streams events of `topic` with seq > `after` to `stream` until the returned function is called. */
  join(topic: string, after: number, stream: HubStream): () => void {
    let state = this.topics.get(topic);
    if (!state) {
      state = { topic, members: new Set(), feed: null };
      this.topics.set(topic, state);
    }
    const m: Member = { state, delivered: after, live: false, gone: false, stream };
    state.members.add(m);
    this.ensureFeed(state);
    void this.catchUp(m);
    return () => this.leave(m);
  }

  private leave(m: Member): void {
    if (m.gone) return;
    m.gone = true;
    const t = m.state;
    t.members.delete(m);
    if (t.members.size > 0) return;
    if (t.feed) this.stopFeed(t, t.feed);
    if (this.topics.get(t.topic) === t) this.topics.delete(t.topic);
  }

  private failMember(m: Member, error: ErrorBody): void {
    if (m.gone) return;
    this.leave(m);
    try {
      m.stream.fail(error);
    } catch (err) {
      this.opts.log(err, 'live tail: ending a failed stream threw');
    }
  }

  /** The topic's feed, started when missing. */
  private ensureFeed(t: TopicState): Feed {
    if (t.feed) return t.feed;
    let settle!: (err: unknown) => void;
    const feed: Feed = {
      pos: 0,
      started: false,
      ready: new Promise<unknown>((resolve) => {
        settle = resolve;
      }),
      stop: () => undefined,
    };
    t.feed = feed;
    void (async () => {
      let maxSeq: number;
      try {
        maxSeq = (await findTopic(this.store, t.topic))?.maxSeq ?? 0;
      } catch (err) {
        if (t.feed === feed) t.feed = null;
        settle(err ?? new Error('finding the topic failed'));
        return;
      }
      if (t.feed !== feed) return settle(null); // torn down while starting
      feed.pos = maxSeq;
      feed.stop = this.store.tail(t.topic, maxSeq, (events) => this.fanOut(t, feed, events), {
        pollMs: this.pollMs,
        pageSize: this.pageSize,
        onError: (err, failures) => {
          if (failures >= this.maxReadFailures) this.failFeed(t, feed, this.readError(t.topic, feed.pos, err));
        },
      });
      feed.started = true;
      this.opts.onFeed?.(1);
      settle(null);
    })();
    return feed;
  }

  private stopFeed(t: TopicState, feed: Feed): void {
    if (t.feed !== feed) return;
    t.feed = null;
    feed.stop();
    if (feed.started) this.opts.onFeed?.(-1);
  }

  /** The feed cannot go on: every live stream of the topic fails with `error`; streams still reading their backlog carry on. */
  private failFeed(t: TopicState, feed: Feed, error: ErrorBody): void {
    if (t.feed !== feed) return;
    this.stopFeed(t, feed);
    for (const m of [...t.members]) if (m.live) this.failMember(m, error);
  }

  /** A committed run of the feed (consecutive seqs after `feed.pos`): serialised once, sent to every live stream. */
  private fanOut(t: TopicState, feed: Feed, events: StoredEvent[]): void {
    if (t.feed !== feed) return;
    let anyLive = false;
    for (const m of t.members) anyLive ||= m.live;
    if (!anyLive) {
      // Nobody to send to yet: streams still reading their backlog serialise these events themselves.
      feed.pos = events[events.length - 1]!.seq;
      return;
    }
    const { texts, error } = this.encodeRun(t.topic, events, this.opts.encode);
    if (texts.length > 0) {
      // Encoded to UTF-8 once for every stream, not once per socket write.
      const whole = Buffer.from(texts.join(''), 'utf8');
      for (const m of [...t.members]) if (m.live && !m.gone) this.sendRun(m, events, texts, whole);
      feed.pos = events[texts.length - 1]!.seq;
    }
    if (error) this.failFeed(t, feed, error);
  }

  /** Serialises events in order (by `encode`, default the options'), stopping at the first that fails. */
  private encodeRun<E extends { seq: number }>(
    topic: string,
    events: readonly E[],
    encode: (e: E) => string,
  ): { texts: string[]; error: ErrorBody | null } {
    const texts: string[] = [];
    for (const e of events) {
      try {
        const text = encode(e);
        if (typeof text !== 'string') throw new TypeError('the serialiser returned no text');
        texts.push(text);
      } catch (err) {
        this.opts.log(err, `live tail: event ${e.seq} of topic ${JSON.stringify(topic)} cannot be serialised`);
        const message =
          `live tail: event ${e.seq} of topic ${JSON.stringify(topic)} cannot be serialised; ` +
          `the stream ends after event ${e.seq - 1} (details are in the server log)`;
        return { texts, error: { code: 'INTERNAL', message } };
      }
    }
    return { texts, error: null };
  }

  /**
   * Sends to `m` the part of a consecutive run it has not had (`texts[i]` serialises `events[i]`;
   * `whole` is all of `texts` joined, or its UTF-8 bytes). The cursor moves only after `send` returned.
   */
  private sendRun(m: Member, events: readonly { seq: number }[], texts: string[], whole: string | Buffer): void {
    const first = events[0]!.seq;
    if (m.delivered + 1 < first) {
      // Cannot happen while the hub's invariants hold; refusing beats sending with a hole.
      this.failMember(m, {
        code: 'INTERNAL',
        message: `live tail: events after ${m.delivered} are missing before event ${first}; the stream ends here`,
      });
      return;
    }
    const skip = m.delivered + 1 - first;
    if (skip >= texts.length) return;
    const last = events[texts.length - 1]!.seq;
    try {
      m.stream.send(skip === 0 ? whole : texts.slice(skip).join(''), last);
    } catch (err) {
      this.opts.log(err, 'live tail: sending to a stream failed');
      this.failMember(m, {
        code: 'INTERNAL',
        message: `live tail: sending events ${first + skip}..${last} failed; the stream ends after event ${m.delivered}`,
      });
      return;
    }
    m.delivered = last;
  }

  /** Reads `m`'s backlog until it has reached the feed, then marks it live (the feed sends the rest). */
  private async catchUp(m: Member): Promise<void> {
    const t = m.state;
    let empty = 0;
    try {
      for (;;) {
        if (m.gone) return;
        const feed = this.ensureFeed(t);
        if (feed.started && m.delivered >= feed.pos) {
          m.live = true;
          return;
        }
        const page = await this.backlog(t.topic, m.delivered);
        if (m.gone) return;
        const events = page.events.filter((e) => e.seq > m.delivered);
        if (events.length > 0) {
          empty = 0;
          let n = 0;
          while (n < events.length && events[n]!.seq === m.delivered + n + 1) n++;
          if (n === 0) {
            throw new TidemarkError(
              'INTERNAL',
              `live tail: the store has no event ${m.delivered + 1} of topic ${JSON.stringify(t.topic)} but has later ones`,
            );
          }
          const run = n === events.length ? events : events.slice(0, n);
          const { texts, error } = this.encodeRun(t.topic, run, page.encode);
          if (texts.length > 0) this.sendRun(m, run, texts, texts.join(''));
          if (error) return this.failMember(m, error);
          if (m.gone) return;
          if (page.next !== null) continue;
        }
        // At the end of what the store shows now: join the feed once it has started and we have reached it.
        const startError = feed.started ? null : await feed.ready;
        if (m.gone) return;
        if (startError !== null) return this.failMember(m, this.readError(t.topic, m.delivered, startError));
        if (t.feed === feed && m.delivered >= feed.pos) {
          m.live = true;
          return;
        }
        if (events.length === 0 && ++empty >= MAX_EMPTY_READS) {
          throw new TidemarkError(
            'INTERNAL',
            `live tail: the store shows no events after ${m.delivered} of topic ${JSON.stringify(t.topic)} although the live feed is at ${feed.pos}`,
          );
        }
      }
    } catch (err) {
      this.failMember(m, this.readError(t.topic, m.delivered, err));
    }
  }

  /** The page of the log after `after`: from the stored text when the store gives it (`encodeText`). */
  private async backlog(topic: string, after: number): Promise<Backlog> {
    const opts = { after, limit: this.pageSize };
    const { encodeText } = this.opts;
    if (this.texts !== null && encodeText !== undefined) {
      const page = await this.texts.readEventsText(topic, opts);
      return { events: page.events, next: page.next, encode: (e) => encodeText(e as StoredEventText) };
    }
    const page = await this.store.readEvents(topic, opts);
    return { events: page.events, next: page.next, encode: (e) => this.opts.encode(e as StoredEvent) };
  }

  /** What a stream is told when reading the store failed: our coded message, or a generic one (logged). */
  private readError(topic: string, after: number, err: unknown): ErrorBody {
    const where = `live tail of topic ${JSON.stringify(topic)} after event ${after}`;
    if (hasErrorCode(err)) return { code: err.code, message: `${where}: ${err.message}` };
    this.opts.log(err, `${where}: reading the store failed`);
    return { code: 'INTERNAL', message: `${where}: reading the store failed (details are in the server log)` };
  }
}
