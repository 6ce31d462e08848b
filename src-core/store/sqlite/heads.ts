/**
 * An in-process cache of each key's valid head (seq, 52-bit hash, live: its heads row and the hash of its event),
 * per topic, so the write path can de-duplicate and count keys without a SELECT per event.
 *
 * Safety across processes: a topic's cache records the `max_seq` this store object last committed
 * for it. A write batch reads the topic's row under the IMMEDIATE write lock; if its `max_seq`
 * differs (another process wrote, or invalidated, in between) the topic's cache is dropped before
 * it is used. The heads it holds are the valid heads of the heads rows folded with the tail
 * (schema.ts). Every change to those - appends and invalidations alike - bumps `max_seq`, so an
 * unchanged `max_seq` means unchanged heads; applying the tail to the heads rows (another
 * process's commit past the bound, or its `close()`) changes the rows, not the heads. A batch writes its new heads into the cache as
 * it goes (one Map lookup and one set per event); `committed` then records the new `max_seq`, and
 * a batch that rolls back drops the cache of every topic it changed (`rolledBack`), so the cache
 * never holds a head the database does not.
 *
 * A cache is `complete` when this object has seen the topic empty and has kept every key since:
 * then a key it does not hold has no heads row at all (no SELECT needed for new keys). Past
 * `HEAD_CACHE_LIMIT` entries (checked after each commit) a topic's cache keeps only its newest
 * half (the most recently added keys; the rest are deleted) and stops being
 * complete: a kept key still needs no SELECT, a miss costs one, as without a cache. Keeping part
 * rather than clearing all matters for topics with more keys than the limit, whose every write
 * would otherwise start from an empty cache again (docs/bench.md, "How cost grows"). Past
 * `HEAD_CACHE_TOTAL_LIMIT` heads over all topics every topic's cache is dropped.
 */

/**
 * 52 bits of a hex hash as a safe integer: the cache's de-duplication filter (a number per head
 * costs less heap than the 64-character hash; a match is confirmed against the event's hash).
 */
export function hashPrefix(hash: string): number {
  return Number.parseInt(hash.slice(0, 13), 16);
}

/**
 * A head as its heads row stores it (schema.ts): the seq, negated when the event is a tombstone
 * (`live` 0). `seqOfSigned` and `liveOfSigned` read it back; these three are the encoding's one home.
 */
export function signedSeq(seq: number, live: number): number {
  return live === 1 ? seq : -seq;
}

/** The seq of a heads row's signed seq. */
export function seqOfSigned(signed: number): number {
  return Math.abs(signed);
}

/** 1 when a heads row's signed seq is a live event's, 0 for a tombstone's. */
export function liveOfSigned(signed: number): number {
  return signed > 0 ? 1 : 0;
}

/** A key's valid head: `seq` 0 when it has no valid event (then `hash52` is -1 and `live` 0). */
export interface Head {
  seq: number;
  /** 52 bits of its hash (`hashPrefix`), confirmed against the full hash on a match. */
  hash52: number;
  live: number;
}

export const NO_HEAD: Head = { seq: 0, hash52: -1, live: 0 };

export const HEAD_CACHE_LIMIT = 262_144;

/**
 * Events a topic's tail (schema.ts) may hold after a commit: appends write no heads rows until a
 * commit would leave more tail events than this, and that commit applies the whole tail. The
 * larger, the fewer commits write heads pages (a commit of scattered keys dirties nearly every
 * one); the smaller, the less a read that folds the tail (a reader that cannot apply it) scans.
 * Chosen by measurement (docs/bench.md, "SQLite writes", fifth pass).
 */
export const HEADS_TAIL_BOUND = 8192;

/**
 * A surface read of a writable store folds a tail of at most this many events; a longer one it
 * first applies to the heads rows (if the write lock is free at once), because the fold groups the
 * whole tail by key for every page (docs/bench.md, "SQLite writes", fifth pass). A read-only store
 * always folds.
 */
export const HEADS_TAIL_FOLD = 1024;

/** All topics together: past this many heads every topic's cache is dropped. */
export const HEAD_CACHE_TOTAL_LIMIT = 1_048_576;

export interface TopicHeads {
  topicId: number;
  /** The topic's max_seq after this object's last commit to it. */
  maxSeq: number;
  complete: boolean;
  heads: Map<string, Head>;
  /** Its size as last counted in the cache's total. */
  counted: number;
  /**
   * The keys of every tail event (schema.ts) with seq above `tailFrom`, in seq order, each with its
   * seq in `tailSeqs` (a key may appear more than once); null when this object does not know them
   * (a cache made for a topic that was not empty, or that dropped heads past `limit`). Every one of
   * these keys is in `heads` with its newest tail event as its head (every tail event is valid),
   * so the tail can be applied to the heads rows from memory (write.ts `applyTail`) whenever the
   * topic's heads_seq is at least `tailFrom`. A write batch drops the entries another object has
   * applied since (heads_seq past `tailFrom`), so the list is never longer than the tail.
   */
  tailKeys: string[] | null;
  tailSeqs: number[];
  tailFrom: number;
}

export class HeadCache {
  private readonly topics = new Map<string, TopicHeads>();
  private total = 0;

  constructor(
    private readonly limit = HEAD_CACHE_LIMIT,
    private readonly totalLimit = HEAD_CACHE_TOTAL_LIMIT,
    /** What a topic's cache keeps of its newest entries when it passes `limit`. */
    private readonly keep = Math.floor(limit / 2),
  ) {}

  /**
   * The topic's cache if it is still valid for the state read under the write lock (`topicId`,
   * `maxSeq`); otherwise it is dropped and a fresh one returned (complete when the topic is empty).
   * Heads written into it must be followed by `committed` or, on a rollback, `drop`.
   */
  validFor(name: string, topicId: number, maxSeq: number): TopicHeads {
    const c = this.topics.get(name);
    if (c && c.topicId === topicId && c.maxSeq === maxSeq) return c;
    if (c) this.total -= c.counted;
    const fresh: TopicHeads = {
      topicId,
      maxSeq,
      complete: maxSeq === 0,
      heads: new Map(),
      counted: 0,
      tailKeys: maxSeq === 0 ? [] : null,
      tailSeqs: [],
      tailFrom: 0,
    };
    this.topics.set(name, fresh);
    return fresh;
  }

  /** After a successful commit: the topic's max_seq now; counts its heads and enforces the limits. */
  committed(name: string, c: TopicHeads, maxSeq: number): void {
    if (this.topics.get(name) !== c) return;
    if (c.heads.size > this.limit) {
      // A Map iterates in insertion order: delete from the oldest until `keep` are left.
      let extra = c.heads.size - this.keep;
      for (const key of c.heads.keys()) {
        if (extra-- <= 0) break;
        c.heads.delete(key);
      }
      c.complete = false;
      // A tail key may be among those deleted (a Map keeps a key where it was first set).
      c.tailKeys = null;
      c.tailSeqs = [];
    }
    c.maxSeq = maxSeq;
    this.total += c.heads.size - c.counted;
    c.counted = c.heads.size;
    if (this.total > this.totalLimit) this.clear();
  }

  /** Forgets a topic (used when a batch touched it in a way the cache does not follow). */
  drop(name: string): void {
    const c = this.topics.get(name);
    if (!c) return;
    this.total -= c.counted;
    this.topics.delete(name);
  }

  clear(): void {
    this.topics.clear();
    this.total = 0;
  }

  /** For tests: heads held over all topics (as counted after the last commits). */
  get size(): number {
    return this.total;
  }

  /** For tests: the tail events a topic's cache lists (`tailKeys`), or null when it does not know them. */
  tailKnown(name: string): number | null | undefined {
    const c = this.topics.get(name);
    return c === undefined ? undefined : c.tailKeys === null ? null : c.tailKeys.length;
  }

  /** For tests: the number of heads held for a topic, and whether it is complete. */
  stats(name: string): { size: number; complete: boolean; maxSeq: number } | undefined {
    const c = this.topics.get(name);
    return c ? { size: c.heads.size, complete: c.complete, maxSeq: c.maxSeq } : undefined;
  }
}
