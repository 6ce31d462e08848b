/**
 * The in-memory reference store: `openMemoryStore()` returns a `MemoryEventStore`, an `EventStore`
 * whose state is nothing but each topic's log (an array), with every answer — surface, counters,
 * `asOfTxn`, transaction rows, de-duplication heads — computed by folding that log (fold.ts) on each
 * call. It is the oracle: the contract suite runs unchanged against it, and the property tests
 * check the database backends against it. Writes go through the same preparation as every backend
 * (store/prepare.ts: validation, canonical JSON, hashing, expectMaxSeq, the marker); the same
 * closed-store answer; `subscribe` sees every commit (there is no other writer), so `tail` needs no
 * poll. Costs grow with the log (each write folds it once), so it is meant for tests, examples and
 * small embedded uses, not for volume. Nothing is persisted.
 */
import { compareKeys } from '../../model/canonical';
import { markerNotInvalidatable, noSuchTopic, noSuchTxn, storeClosed } from '../../model/errors';
import type {
  AppendOptions,
  AppendRequest,
  AppendResponse,
  AppendResultItem,
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
} from '../../model/types';
import {
  normalizeListTxns,
  normalizeReadEvents,
  normalizeSurface,
  validatePositiveInt,
  validateTopic,
} from '../../model/validate';
import {
  MARKER,
  type PreparedInvalidation,
  type PreparedTxn,
  applyPrepared,
  checkExpectMaxSeq,
  commitTimeMs,
  prepareBatch,
  prepareInvalidation,
  prepareTxn,
} from '../prepare';
import { batchAnswer, batchOptionsOf, isDryRun, rollsBack } from '../write-options';
import { type ChainEvent, GENESIS, chainOf } from '../chain';
import { CommitListeners } from '../listeners';
import { type LiveFeed, OpenTails, feedTail } from '../tail';
import type { CommitListener, EventStore, TailOptions, Unsubscribe } from '../types';
import type { ImportOptions, ImportResult, ImportTxn } from '../../model/integrity';
import { importInto } from './import';
import {
  type LogEntry,
  eventOf,
  headsOf,
  entryBytes,
  invalidations,
  page,
  surfaceHeads,
  surfaceRowOf,
  timelineFold,
  topicInfoOf,
  txnsOf,
} from './fold';

import type { VerifyOptions, VerifyResult } from '../../model/integrity';
import { verifyTopic } from '../verify';
import { memoryVerifySource } from './verify';

export type { LogEntry } from './fold';

/** Gives the entries of one new transaction its chain, following the log's last one. */
function chainEntries(log: readonly LogEntry[], fresh: LogEntry[]): void {
  const first = fresh[0]!;
  const chain = chainOf(log[log.length - 1]?.chain ?? GENESIS, first, fresh.map(chainEventOf));
  for (const e of fresh) e.chain = chain;
}

function chainEventOf(e: LogEntry): ChainEvent {
  return {
    seq: e.seq,
    key: e.key,
    type: e.type,
    hash: e.hash,
    digest: e.digest,
    contentType: e.contentType,
    target: e.target ?? null,
    reason: e.reason ?? null,
  };
}

export class MemoryEventStore implements EventStore {
  readonly kind = 'memory';
  private readonly logs = new Map<string, LogEntry[]>();
  private readonly listeners = new CommitListeners();
  private readonly tails = new OpenTails();
  /** Every commit of this store reaches `subscribe`: the feed is always complete. */
  private readonly feed: LiveFeed = {
    listen: (topic, onEvents) => this.subscribe(topic, onEvents),
    complete: () => true,
  };
  private closed = false;

  /** Runs `fn` as a promise: a closed store and every failure (validation included) reject. */
  private call<T>(fn: () => T): Promise<T> {
    try {
      if (this.closed) throw storeClosed();
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private log(topic: string): LogEntry[] {
    return this.logs.get(topic) ?? [];
  }

  /**
   * Runs one write, then hands each topic's new entries to its listeners. When `rollBack` says so
   * (a dry run or a failed atomic batch), the entries it appended are removed again instead (a
   * topic it created is dropped) and nobody is told.
   */
  private write<T>(fn: (committed: Map<string, LogEntry[]>) => T, rollBack?: (r: T) => boolean): T {
    const committed = new Map<string, LogEntry[]>();
    let result: T;
    try {
      result = fn(committed);
    } catch (err) {
      this.undo(committed);
      throw err;
    }
    if (rollBack?.(result) === true) {
      this.undo(committed);
      return result;
    }
    for (const [topic, entries] of committed) this.emit(topic, entries);
    return result;
  }

  private undo(committed: Map<string, LogEntry[]>): void {
    for (const [topic, entries] of committed) {
      const log = this.log(topic);
      log.length -= entries.length;
      if (log.length === 0) this.logs.delete(topic);
    }
  }

  private emit(topic: string, entries: LogEntry[]): void {
    if (!this.listeners.has(topic)) return;
    const invalid = invalidations(this.log(topic));
    this.listeners.emit(
      topic,
      entries.map((e) => eventOf(topic, e, invalid)),
    );
  }

  /** Appends entries to a topic's log (creating the topic), noting them for the listeners. */
  private commit(topic: string, entries: LogEntry[], committed: Map<string, LogEntry[]>): void {
    let log = this.logs.get(topic);
    if (log === undefined) {
      log = [];
      this.logs.set(topic, log);
    }
    for (const e of entries) log.push(e);
    let noted = committed.get(topic);
    if (noted === undefined) committed.set(topic, (noted = []));
    for (const e of entries) noted.push(e);
  }

  /** The commit time of the topic's next transaction, and its number. */
  private next(log: LogEntry[]): { txn: number; time: string } {
    const last = log[log.length - 1];
    const time = commitTimeMs(Date.now(), last === undefined ? null : Date.parse(last.time));
    return { txn: (last?.txn ?? 0) + 1, time: new Date(time).toISOString() };
  }

  /** Applies one transaction; a dry run computes the same answer and commits nothing. */
  private applyTxn(t: PreparedTxn, committed: Map<string, LogEntry[]>, dryRun = false): AppendResponse {
    const log = this.log(t.topic);
    checkExpectMaxSeq(t, log.length);
    const heads = headsOf(log, invalidations(log), 'valid');
    const { txn, time } = this.next(log);
    const fresh: LogEntry[] = [];
    const results: AppendResultItem[] = [];
    for (const e of t.events) {
      const head = heads.get(e.key);
      if (head !== undefined && head.hash === e.hash) {
        results.push({ seq: head.seq, txn: head.txn, duplicate: true });
        continue;
      }
      const seq = log.length + fresh.length + 1;
      const entry: LogEntry = { seq, txn, type: 'event', time, ...e, meta: t.meta, by: t.by, chain: '' };
      fresh.push(entry);
      heads.set(e.key, entry);
      results.push({ seq, txn, duplicate: false });
    }
    if (fresh.length === 0) return { txn: null, results };
    chainEntries(log, fresh);
    if (!dryRun) this.commit(t.topic, fresh, committed);
    return { txn, results };
  }

  private applyInvalidation(
    { topic, target, reason, by }: PreparedInvalidation,
    committed: Map<string, LogEntry[]>,
  ): InvalidateResult {
    const log = this.log(topic);
    const first = log.find((e) => e.txn === target);
    if (first === undefined) throw noSuchTxn(topic, target);
    if (first.type === 'invalidate') throw markerNotInvalidatable(target);
    const existing = invalidations(log).get(target);
    if (existing !== undefined) return { seq: existing.seq, txn: existing.txn, target, duplicate: true };
    const { txn, time } = this.next(log);
    const seq = log.length + 1;
    const marker: LogEntry = {
      ...MARKER,
      seq,
      txn,
      type: 'invalidate',
      tomb: true,
      time,
      target,
      reason,
      meta: null,
      by,
      chain: '',
    };
    chainEntries(log, [marker]);
    this.commit(topic, [marker], committed);
    return { seq, txn, target, duplicate: false };
  }

  listTopics(): Promise<TopicInfo[]> {
    return this.call(() => [...this.logs.keys()].sort(compareKeys).map((topic) => topicInfoOf(topic, this.log(topic))));
  }

  topicInfo(topic: string): Promise<TopicInfo> {
    return this.call(() => {
      const log = this.log(validateTopic(topic));
      if (log.length === 0) throw noSuchTopic(topic);
      return topicInfoOf(topic, log);
    });
  }

  append(topic: string, req: AppendRequest, opts?: AppendOptions): Promise<AppendResponse> {
    return this.call(() => {
      const prepared = prepareTxn(topic, req);
      const dryRun = isDryRun(opts);
      return this.write((committed) => this.applyTxn(prepared, committed, dryRun));
    });
  }

  appendBatch(txns: BatchTxn[], opts?: BatchOptions): Promise<BatchResponse> {
    return this.call(() => {
      const o = batchOptionsOf(opts);
      const prepared = prepareBatch(txns);
      if (o.atomic && prepared.error !== null) return { results: [], error: prepared.error };
      const res = this.write(
        (committed) => applyPrepared(prepared, (t) => this.applyTxn(t, committed)),
        (r) => rollsBack(r, o),
      );
      return batchAnswer(res, o);
    });
  }

  /** memory/import.ts: each transaction appended as given, its markers folded like any other. */
  importTxns(
    topic: string,
    txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>,
    opts?: ImportOptions,
  ): Promise<ImportResult> {
    const target = {
      log: (t: string) => this.liveLog(t),
      commit: (t: string, entries: LogEntry[]) => this.write((committed) => this.commit(t, entries, committed)),
    };
    return importInto(target, topic, txns, opts);
  }

  /** The topic's log, or UNAVAILABLE on a closed store. */
  private liveLog(topic: string): LogEntry[] {
    if (this.closed) throw storeClosed();
    return this.log(topic);
  }

  readEvents(topic: string, opts?: ReadEventsOptions): Promise<EventPage> {
    return this.call(() => {
      const log = this.log(validateTopic(topic));
      const o = normalizeReadEvents(opts);
      const invalid = invalidations(log);
      const hits = log.filter(
        (e) =>
          (o.after === undefined || e.seq > o.after) &&
          (o.before === undefined || e.seq < o.before) &&
          (o.key === undefined || e.key === o.key) &&
          (o.txn === undefined || e.txn === o.txn),
      );
      if (o.order === 'desc') hits.reverse();
      const p = page(hits, o.limit, (e) => e.seq, entryBytes);
      return { events: p.items.map((e) => eventOf(topic, e, invalid)), next: p.next };
    });
  }

  listTxns(topic: string, opts?: ListTxnsOptions): Promise<TxnPage> {
    return this.call(() => {
      const log = this.log(validateTopic(topic));
      const o = normalizeListTxns(opts);
      const hits = txnsOf(log).filter(
        (t) =>
          (o.after === undefined || t.txn > o.after) &&
          (o.before === undefined || t.txn < o.before) &&
          (o.by === undefined || t.by === o.by),
      );
      if (o.order === 'desc') hits.reverse();
      const p = page(hits, o.limit, (t) => t.txn);
      return { txns: p.items, next: p.next };
    });
  }

  timeline(topic: string, opts?: TimelineOptions): Promise<Timeline> {
    return this.call(() => timelineFold(topic, txnsOf(this.log(validateTopic(topic))), opts));
  }

  getTxn(topic: string, txn: number): Promise<TxnDetail> {
    return this.call(() => {
      const log = this.log(validateTopic(topic));
      validatePositiveInt(txn, 'txn');
      const info = txnsOf(log).find((t) => t.txn === txn);
      if (info === undefined) throw noSuchTxn(topic, txn);
      const invalid = invalidations(log);
      const events = log.filter((e) => e.txn === txn).map((e) => eventOf(topic, e, invalid));
      return { ...info, events };
    });
  }

  invalidate(topic: string, txn: number, reason: string, opts?: InvalidateOptions): Promise<InvalidateResult> {
    return this.call(() => {
      const inv = prepareInvalidation(topic, txn, reason, opts);
      return this.write((committed) => this.applyInvalidation(inv, committed));
    });
  }

  surface(topic: string, opts?: SurfaceOptions): Promise<SurfacePage> {
    return this.call(() => {
      const log = this.log(validateTopic(topic));
      const o = normalizeSurface(opts);
      const invalid = invalidations(log);
      const heads = surfaceHeads(log, invalid, o.view, o.asOfTxn).filter(
        (e) =>
          (o.prefix === undefined || e.key.startsWith(o.prefix)) &&
          (o.after === undefined || compareKeys(e.key, o.after) > 0),
      );
      // Cut by the stored text's bytes; only the rows kept are parsed.
      const p = page(heads, o.limit, (e) => e.key, entryBytes);
      return { rows: p.items.map((e) => surfaceRowOf(e, invalid, o.view)), next: p.next };
    });
  }

  /** Native: every commit reaches `subscribe`, so the tail never polls. */
  async verify(topic: string, opts?: VerifyOptions): Promise<VerifyResult> {
    const src = await this.call(() => memoryVerifySource(validateTopic(topic), this.log(topic)));
    return verifyTopic(topic, src, opts);
  }

  tail(topic: string, after: number, onEvents: (events: StoredEvent[]) => void, opts?: TailOptions): Unsubscribe {
    if (this.closed) throw storeClosed();
    return this.tails.track(feedTail(this, this.feed, topic, after, onEvents, opts));
  }

  subscribe(topic: string, listener: CommitListener): Unsubscribe {
    if (this.closed) throw storeClosed();
    return this.listeners.add(validateTopic(topic), listener);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.tails.stopAll();
      this.listeners.clear();
      this.logs.clear();
    }
    return Promise.resolve();
  }
}

/** A new, empty in-memory store. */
export function openMemoryStore(): MemoryEventStore {
  return new MemoryEventStore();
}
