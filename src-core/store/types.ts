/**
 * The one `EventStore` interface every backend implements (SQLite, the HTTP client, PostgreSQL, the
 * in-memory reference store), with exactly the semantics of `shared/API.md`, the live tail
 * included. The contract suite in `test/contract/` runs unchanged against each. A closed store
 * answers every call with UNAVAILABLE "the store is closed" (model/errors.ts `storeClosed`). All methods are async so remote backends fit; errors are thrown as
 * `TidemarkError` (or anything with a `code`, see model/errors.ts).
 */
import type { ImportOptions, ImportResult, ImportTxn } from '../model/integrity';
import type {
  AppendOptions,
  AppendRequest,
  AppendResponse,
  BatchOptions,
  BatchResponse,
  BatchTxn,
  EventPage,
  InvalidateOptions,
  InvalidateResult,
  ListTxnsOptions,
  ReadEventsOptions,
  StoredEvent,
  SurfaceOptions,
  SurfacePage,
  Timeline,
  TimelineOptions,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from '../model/types';
import type { VerifyOptions, VerifyResult } from '../model/integrity';

export type Unsubscribe = () => void;

/** Options of `EventStore.tail`. */
export interface TailOptions {
  /** Fallback poll interval in ms where the backend polls, and the delay before a retry (default 1000). */
  pollMs?: number;
  /** Page size of backlog reads (default 1000). */
  pageSize?: number;
  /**
   * Called when the tail fails to read (or `onEvents` throws, in which case the same events are
   * offered again: the cursor moves only after `onEvents` returned); the tail keeps going and retries.
   * `failures` counts consecutive failures (1 for the first; reset by any successful read), so a
   * caller can give up on a failure that persists by stopping the tail. A fatal error (the topic
   * name is invalid, the caller may not read) is reported once and ends the tail.
   */
  onError?: (err: unknown, failures: number) => void;
}

/**
 * Progress of a schema migration run by opening a store (docs/engine.md, docs/postgres.md): the
 * hash chain computed for `done` of the `total` transactions stored when it began.
 */
export interface MigrationProgress {
  done: number;
  total: number;
}

/**
 * Called while opening a store migrates it, and only then: first `{done: 0, total}`, then as
 * transactions are chained (`done` never goes down), last `{done: total, total}`. Throwing from it
 * abandons the migration, which leaves the store at its old version (one transaction).
 */
export type MigrationProgressListener = (p: MigrationProgress) => void;

/** Called after each commit of the topic with the newly committed events, in seq order. */
export type CommitListener = (events: StoredEvent[]) => void;

export interface EventStore {
  /** Which backend this is: 'sqlite' | 'http' | 'postgres' | 'memory'. */
  readonly kind: string;

  /** Every topic that has at least one event, ordered by name. */
  listTopics(): Promise<TopicInfo[]>;
  /** Counters of one topic; NOT_FOUND when it has no events. Never scans the log. */
  topicInfo(topic: string): Promise<TopicInfo>;

  /**
   * Writes one transaction, all-or-nothing. CONFLICT when `expectMaxSeq` does not match. `meta`
   * and `by` are stored with the transaction (`by`: embedded callers only; the HTTP client refuses
   * it, since a server sets it from the token). With `opts.dryRun` it answers exactly what the
   * write would return now (numbers, duplicates flagged, every refusal) and writes nothing: the
   * backend runs the write inside its write transaction and rolls it back (docs/engine.md).
   */
  append(topic: string, req: AppendRequest, opts?: AppendOptions): Promise<AppendResponse>;
  /**
   * Writes transactions in order, each atomically, stopping at the first that fails: nothing after
   * it is applied. Never rejects for a failing transaction (that is reported in `error`); rejects
   * only when the store itself fails (e.g. UNAVAILABLE), in which case what was acknowledged
   * before is unaffected and nothing of this batch is acknowledged.
   * `opts.atomic`: all of the batch commits in one database commit or none of it does; a failing
   * transaction (refused or CONFLICT) answers `{results: [], error}` with nothing applied.
   * `opts.dryRun`: the write runs in the backend's write transaction and is rolled back; the answer
   * is what it would return now. Both run as one request of their own over HTTP.
   */
  appendBatch(txns: BatchTxn[], opts?: BatchOptions): Promise<BatchResponse>;

  /**
   * Imports transactions exactly as another store read them (API.md "Integrity", docs/operations.md):
   * accepted only when the topic is empty or its head is the chain before the first one; numbers,
   * times, hashes, content types, meta and by are kept (no de-duplication); each transaction's
   * chain is recomputed (store/chain.ts) and must equal the one given; markers re-apply through the
   * backend's invalidation. Each transaction commits atomically; it stops at the first refused one
   * (`error`, like appendBatch: BAD_REQUEST for a bad field or a value this backend cannot hold,
   * CONFLICT when it does not follow the head or its chain differs), so running it again resumes.
   * An aborted `opts.signal` rejects with CANCELLED (what committed stays).
   */
  importTxns(
    topic: string,
    txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>,
    opts?: ImportOptions,
  ): Promise<ImportResult>;

  /** A page of the log. Unknown topic: an empty page. */
  readEvents(topic: string, opts?: ReadEventsOptions): Promise<EventPage>;
  listTxns(topic: string, opts?: ListTxnsOptions): Promise<TxnPage>;
  /** One transaction with its events; NOT_FOUND when unknown. */
  getTxn(topic: string, txn: number): Promise<TxnDetail>;

  /**
   * Appends an invalidation marker for `txn`. NOT_FOUND for an unknown txn, BAD_REQUEST when the
   * target is itself a marker; an already invalid txn returns its marker with duplicate: true.
   * `opts.by` (embedded callers; default null) is stored on the marker's transaction. The HTTP
   * client refuses it: a server sets `by` from the token.
   */
  invalidate(topic: string, txn: number, reason: string, opts?: InvalidateOptions): Promise<InvalidateResult>;

  /**
   * The topic's transactions over time, aggregated into time buckets by the backend (one query;
   * model/timeline.ts has the rules: range, bucket size, which bucket a transaction is in). Unknown
   * topic: no buckets, as a page of the log would be. BAD_REQUEST names a bad option.
   */
  timeline(topic: string, opts?: TimelineOptions): Promise<Timeline>;

  /** A page of the surface ordered by key (code point order, see model/canonical.ts compareKeys). */
  surface(topic: string, opts?: SurfaceOptions): Promise<SurfacePage>;

  /**
   * Registers a listener for commits to `topic` made after this call. Delivery is best effort and
   * in order; use `tail` for a gap-free tail that starts at a given seq.
   */
  subscribe(topic: string, listener: CommitListener): Unsubscribe;

  /**
   * The live tail: every event with seq > `after`, gap-free and in order, delivered to `onEvents`
   * until the returned function is called (backlog first, then live commits) or the store is closed.
   * Each backend uses its native feed (SQLite: commits of this process plus a poll; PostgreSQL:
   * LISTEN/NOTIFY, polling only while its LISTEN connection is down; HTTP: SSE; memory: its own
   * commits). Throws at once for an invalid topic or `after` (BAD_REQUEST) and on a closed store
   * (UNAVAILABLE); later failures go to `opts.onError`.
   */
  tail(topic: string, after: number, onEvents: (events: StoredEvent[]) => void, opts?: TailOptions): Unsubscribe;

  // --- verify (issue 13; docs/integrity.md) ---
  /**
   * Checks the topic's stored rows (store/verify.ts): numbering, every event's data digest and
   * hash, every chain link, markers, the maintained surface and counters against the log, and
   * `opts.expectHead` (an anchor) among the chains; lists legacy values. Reads one snapshot in
   * bounded pages; stops at the first problem (`firstBad`). NOT_FOUND for an unknown topic,
   * BAD_REQUEST for a malformed expectHead, CANCELLED when `opts.signal` aborts.
   */
  verify(topic: string, opts?: VerifyOptions): Promise<VerifyResult>;
  // --- end verify ---

  /** Releases the backend. In-flight writes finish first. */
  close(): Promise<void>;
}
