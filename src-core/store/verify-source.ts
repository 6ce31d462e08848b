/**
 * What verify reads (store/verify.ts): the RAW rows of one topic, as each backend implements a
 * `VerifySource` over its own tables in one read snapshot (sqlite/verify.ts, postgres/verify.ts,
 * memory/verify.ts), and the cursors that read them in bounded pages, so the engine's memory stays
 * flat: a page of events and a page of heads rows at a time.
 */
/** A transaction row as stored. `time` ISO-8601 UTC as readers see it; `meta` the stored text. */
export interface RawTxn {
  txn: number;
  firstSeq: number;
  lastSeq: number;
  time: string;
  by: string | null;
  meta: string | null;
  marker: boolean;
  invalidatedBy: number | null;
  chain: string | null;
}

/** An event row as stored: `data` the STORED text (null or `null` for tombstones and markers). */
export interface RawEvent {
  seq: number;
  txn: number;
  key: string;
  marker: boolean;
  data: string | null;
  contentType: string;
  hash: string;
  time: string;
  target: number | null;
  reason: string | null;
  invalid: boolean;
}

/**
 * One key's heads: as the backend maintains them (`heads`) or as the log folds to (`fold`).
 * `validHash` may be a prefix (`headHashLength`); txns are the fold's only.
 */
export interface RawHead {
  key: string;
  rawSeq: number;
  rawLive: boolean;
  validSeq: number | null;
  validLive: boolean;
  validHash: string | null;
  rawTxn?: number;
}

export interface RawCounters {
  maxSeq: number;
  maxTxn: number;
  keys: number;
  invalidTxns: number;
  lastTime: string | null;
  head: string | null;
}

export type Maybe<T> = T | Promise<T>;

/** What a backend gives verify, over one read snapshot of one topic. */
export interface VerifySource {
  /** Characters of a valid head's hash the maintained heads keep (64 on every backend today). */
  readonly headHashLength: number;
  /** The maintained counters, null when the topic is unknown. */
  counters(): Maybe<RawCounters | null>;
  /** Transactions with txn > `after`, in txn order, at most `limit`. */
  txns(after: number, limit: number): Maybe<RawTxn[]>;
  /** Events with seq > `after`, in seq order, at most `limit`. */
  events(after: number, limit: number): Maybe<RawEvent[]>;
  eventAt(seq: number): Maybe<RawEvent | null>;
  txnAt(txn: number): Maybe<RawTxn | null>;
  /** Maintained heads rows with key > `after` (null: from the start), key order, at most `limit`. */
  heads(after: string | null, limit: number): Maybe<RawHead[]>;
  /**
   * The backend's own rules of its maintained heads (SQLite: the tail's, sqlite/verify.ts): a
   * problem's description, or null. Checked before the heads are compared with the fold.
   */
  invariant?(): Maybe<string | null>;
  /** The log's fold: per key (markers aside) its newest event and newest valid one; same paging. */
  fold(after: string | null, limit: number): Maybe<RawHead[]>;
  /** Ends the snapshot. */
  close(): Maybe<void>;
}

/** Rows read per page (transactions, events, heads). */
export const VERIFY_PAGE = 1000;

/** Pulls events in seq order, a page at a time. */
export class EventCursor {
  private page: RawEvent[] = [];
  private i = 0;
  private after = 0;
  private done = false;
  constructor(private readonly src: VerifySource) {}

  async peek(): Promise<RawEvent | null> {
    if (this.i < this.page.length) return this.page[this.i]!;
    if (this.done) return null;
    this.page = await this.src.events(this.after, VERIFY_PAGE);
    this.i = 0;
    if (this.page.length < VERIFY_PAGE) this.done = true;
    if (this.page.length === 0) return null;
    this.after = this.page[this.page.length - 1]!.seq;
    return this.page[0]!;
  }

  next(): void {
    this.i++;
  }
}

/** Pulls heads rows in key order, a page at a time. */
export class HeadCursor {
  private page: RawHead[] = [];
  private i = 0;
  private after: string | null = null;
  private done = false;
  constructor(private readonly read: (after: string | null, limit: number) => Maybe<RawHead[]>) {}

  async peek(): Promise<RawHead | null> {
    if (this.i < this.page.length) return this.page[this.i]!;
    if (this.done) return null;
    this.page = await this.read(this.after, VERIFY_PAGE);
    this.i = 0;
    if (this.page.length < VERIFY_PAGE) this.done = true;
    if (this.page.length === 0) return null;
    this.after = this.page[this.page.length - 1]!.key;
    return this.page[0]!;
  }

  next(): void {
    this.i++;
  }
}
