/**
 * The SQLite backend: `openSqliteStore(file, opts)` opens (or creates) a store file synchronously
 * and returns a `SqliteEventStore`, the embedded implementation of `EventStore` on better-sqlite3.
 * Every write runs in one `BEGIN IMMEDIATE` transaction (one durable commit per call, however many
 * transactions a batch holds), so several processes can share a file; listeners registered with
 * `subscribe` are called after the commit. Reads run on the same connection (WAL: they never wait
 * for another process's writer). See docs/engine.md.
 */
import type Database from 'better-sqlite3';
import { TidemarkError, schemaTooNew, storeClosed } from '../../model/errors';
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
} from '../../model/types';
import type { ImportOptions, ImportResult, ImportTxn } from '../../model/integrity';
import type { EventTextPage, SurfaceTextPage, TxnTextDetail } from '../../model/stored-json';
import { validateTopic } from '../../model/validate';
import { ImportClaims, importGroups } from '../import-run';
import { importGroup } from './import';
import { applyPrepared, prepareBatch, prepareInvalidation, prepareTxn } from '../prepare';
import { batchAnswer, batchOptionsOf, isDryRun, rollsBack } from '../write-options';
import { CommitListeners } from '../listeners';
import { OpenTails, feedTail, subscribeFeed } from '../tail';
import type { TextReads } from '../text-reads';
import type { CommitListener, EventStore, TailOptions, Unsubscribe } from '../types';
import { leavesTail, mapSqliteError } from './errors';
import { HEADS_TAIL_BOUND, HEADS_TAIL_FOLD, HeadCache } from './heads';
import { applyInvalidation } from './invalidate';
import { type SqliteOpenOptions, openDatabase } from './open';
import {
  type ReadContext,
  getTxn,
  getTxnText,
  listTopics,
  listTxns,
  readEvents,
  readEventsText,
  topicInfo,
} from './read';
import { SCHEMA_VERSION } from './schema';
import { StatementCache, type Statements, prepareStatements } from './statements';
import { surfacePage, surfacePageText } from './surface';
import { timeline } from './timeline';
import { WriteBatch } from './write';
import type { VerifyOptions, VerifyResult } from '../../model/integrity';
import { checkExpectHead, verifyTopic } from '../verify';
import { sqliteVerifySource } from './verify';

export type { SqliteOpenOptions } from './open';
export { APPLICATION_ID, SCHEMA_VERSION } from './schema';

/** Thrown inside a dry run's transaction so that SQLite rolls it back; carries the answer out. */
class RolledBack extends Error {
  constructor(readonly result: unknown) {
    super('dry run: rolled back');
  }
}

export class SqliteEventStore implements EventStore, TextReads {
  readonly kind = 'sqlite';
  readonly file: string;
  readonly readonly: boolean;
  private readonly db: Database.Database;
  private readonly st: Statements;
  private readonly ctx: ReadContext;
  private readonly inTxn: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly listeners = new CommitListeners();
  private readonly tails = new OpenTails();
  /** Per-key valid heads this object knows (see heads.ts); checked against max_seq per write. */
  readonly heads = new HeadCache();
  /** Tail events a topic may hold after a commit (schema.ts, heads.ts). */
  private readonly tailBound: number;
  private closed = false;

  constructor(file: string, opts: SqliteOpenOptions = {}) {
    this.file = file;
    this.readonly = opts.readonly ?? false;
    this.tailBound = Math.max(0, Math.floor(opts.headsTailBound ?? HEADS_TAIL_BOUND));
    this.db = openDatabase(file, opts);
    try {
      this.st = prepareStatements(this.db);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.ctx = { st: this.st, cache: new StatementCache(this.db) };
    this.inTxn = this.db.transaction((fn: () => unknown) => fn());
  }

  /** The underlying connection, for tests and tools in this folder's spirit (read-only use). */
  get database(): Database.Database {
    return this.db;
  }

  /** Runs synchronous work as a promise: every failure (validation included) becomes a rejection. */
  private call<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(this.guard(fn));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private guard<T>(fn: () => T): T {
    if (this.closed) throw storeClosed();
    try {
      return fn();
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction, then notifies listeners of what it committed. Refuses
   * (SCHEMA_TOO_NEW, nothing written) once another process has migrated the file past this code.
   * `rollBack` (a dry run, an atomic batch that failed) rolls the whole transaction back after
   * `fn` ran, and its answer is still returned.
   */
  private write<T>(fn: (batch: WriteBatch) => T, rollBack: boolean | ((r: T) => boolean) = false): T {
    if (this.readonly) throw new TidemarkError('FORBIDDEN', 'the store was opened read-only');
    const batch = new WriteBatch(this.st, (topic) => this.listeners.has(topic), this.heads, this.tailBound);
    let result: T;
    let rolledBack = false;
    try {
      result = this.guard(() => {
        try {
          return this.inTxn.immediate(() => {
            const version = this.st.schemaVersion.get()!;
            if (version > SCHEMA_VERSION) throw schemaTooNew(version, SCHEMA_VERSION);
            const r = fn(batch);
            batch.flush();
            if (typeof rollBack === 'function' ? rollBack(r) : rollBack) throw new RolledBack(r);
            return r;
          }) as T;
        } catch (err) {
          if (err instanceof RolledBack) {
            rolledBack = true;
            return err.result as T;
          }
          throw err;
        }
      });
    } catch (err) {
      batch.rolledBack();
      throw err;
    }
    if (rolledBack) {
      batch.rolledBack();
      return result;
    }
    batch.committed();
    for (const [topic, s] of batch.topics) if (s.emitted) this.listeners.emit(topic, s.emitted);
    return result;
  }

  listTopics(): Promise<TopicInfo[]> {
    return this.call(() => listTopics(this.ctx));
  }

  topicInfo(topic: string): Promise<TopicInfo> {
    return this.call(() => topicInfo(this.ctx, topic));
  }

  /** A dry run is the write itself, rolled back at the end of its transaction (RolledBack). */
  append(topic: string, req: AppendRequest, opts?: AppendOptions): Promise<AppendResponse> {
    return this.call(() => {
      const prepared = prepareTxn(topic, req);
      return this.write((batch) => batch.apply(prepared), isDryRun(opts));
    });
  }

  /** Atomic and dry-run batches are one transaction rolled back when `rollsBack` says so. */
  appendBatch(txns: BatchTxn[], opts?: BatchOptions): Promise<BatchResponse> {
    return this.call(() => {
      const o = batchOptionsOf(opts);
      const prepared = prepareBatch(txns);
      if (prepared.txns.length === 0 || (o.atomic && prepared.error !== null)) {
        return { results: [], error: prepared.error };
      }
      const res = this.write(
        (batch) => applyPrepared(prepared, (t) => batch.apply(t)),
        (r) => rollsBack(r, o),
      );
      return batchAnswer(res, o);
    });
  }

  /** In groups of transactions, one IMMEDIATE transaction each (sqlite/import.ts). */
  async importTxns(
    topic: string,
    txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>,
    opts: ImportOptions = {},
  ): Promise<ImportResult> {
    await this.call(() => validateTopic(topic));
    const claims = new ImportClaims();
    let imported = 0;
    let error: ImportResult['error'] = null;
    for await (const group of importGroups(txns, opts.signal)) {
      const r = await this.call(() =>
        this.write((batch) => importGroup(batch, this.st, topic, group, imported, claims)),
      );
      imported += r.imported;
      if (r.imported > 0) opts.onProgress?.(imported);
      if (r.error !== null) {
        error = r.error;
        break;
      }
    }
    const head = await this.call(() => this.st.topicRow.get(topic)?.head ?? null);
    return { imported, head, error };
  }

  readEvents(topic: string, opts?: ReadEventsOptions): Promise<EventPage> {
    return this.call(() => readEvents(this.ctx, topic, opts));
  }

  /** `readEvents` with the data as stored text (store/text-reads.ts). */
  readEventsText(topic: string, opts?: ReadEventsOptions): Promise<EventTextPage> {
    return this.call(() => readEventsText(this.ctx, topic, opts));
  }

  listTxns(topic: string, opts?: ListTxnsOptions): Promise<TxnPage> {
    return this.call(() => listTxns(this.ctx, topic, opts));
  }

  getTxn(topic: string, txn: number): Promise<TxnDetail> {
    return this.call(() => getTxn(this.ctx, topic, txn));
  }

  /** `getTxn` with the data as stored text (store/text-reads.ts). */
  getTxnText(topic: string, txn: number): Promise<TxnTextDetail> {
    return this.call(() => getTxnText(this.ctx, topic, txn));
  }

  timeline(topic: string, opts?: TimelineOptions): Promise<Timeline> {
    return this.call(() => timeline(this.ctx, topic, opts));
  }

  invalidate(topic: string, txn: number, reason: string, opts?: InvalidateOptions): Promise<InvalidateResult> {
    return this.call(() => {
      const inv = prepareInvalidation(topic, txn, reason, opts);
      return this.write((batch) => applyInvalidation(batch, this.st, inv));
    });
  }

  surface(topic: string, opts?: SurfaceOptions): Promise<SurfacePage> {
    return this.call(() => {
      this.beforeSurface(topic);
      return surfacePage(this.ctx, topic, opts);
    });
  }

  /** Verify reads its own connection's snapshot of the file (sqlite/verify.ts). */
  async verify(topic: string, opts?: VerifyOptions): Promise<VerifyResult> {
    validateTopic(topic);
    checkExpectHead(opts?.expectHead);
    const src = this.guard(() => sqliteVerifySource(this.file, this.db, topic));
    try {
      return await verifyTopic(topic, src, opts);
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  /** `surface` with the data as stored text (store/text-reads.ts). */
  surfaceText(topic: string, opts?: SurfaceOptions): Promise<SurfaceTextPage> {
    return this.call(() => {
      this.beforeSurface(topic);
      return surfacePageText(this.ctx, topic, opts);
    });
  }

  /** Commits of this store object arrive through `subscribe`; other processes' are found by polling. */
  tail(topic: string, after: number, onEvents: (events: StoredEvent[]) => void, opts?: TailOptions): Unsubscribe {
    if (this.closed) throw storeClosed();
    return this.tails.track(feedTail(this, subscribeFeed(this), topic, after, onEvents, opts));
  }

  subscribe(topic: string, listener: CommitListener): Unsubscribe {
    if (this.closed) throw storeClosed();
    return this.listeners.add(validateTopic(topic), listener);
  }

  /**
   * Applies the tails (schema.ts) of the topics with one longer than `over` events (of `topic`
   * only, when given) to their heads rows, in one IMMEDIATE transaction. The log is the truth and
   * every reader folds a tail, so a tail that cannot be applied now is left for a later commit
   * when the write lock is not free at once (another process writes: SQLITE_BUSY/LOCKED) or the
   * file cannot be written (SQLITE_READONLY). Any other failure (a damaged file, a full disk, an
   * I/O error) is thrown, mapped (errors.ts), unless `quiet` (close(), which must close).
   */
  private applyTails(over: number, topic?: string, quiet = false): void {
    if (this.readonly) return;
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      this.db.pragma('busy_timeout = 0');
      this.inTxn.immediate(() => {
        if (this.st.schemaVersion.get()! !== SCHEMA_VERSION) return;
        for (const t of this.st.topicsWithTail.all()) {
          if (t.max_seq - t.heads_seq <= over || (topic !== undefined && t.name !== topic)) continue;
          this.st.applyTail.run({ topic: t.id, headsSeq: t.heads_seq });
          this.st.setHeadsSeq.run(t.max_seq, t.id);
        }
      });
    } catch (err) {
      // Left as it is: the tail is still bounded and folded by every reader.
      if (!quiet && !leavesTail(err)) throw mapSqliteError(err);
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }

  /** Before a surface page: a tail too long to fold cheaply is applied first (heads.ts). */
  private beforeSurface(topic: string): void {
    if (this.readonly) return;
    const t = this.st.topicRow.get(topic);
    if (t !== undefined && t.max_seq - t.heads_seq > HEADS_TAIL_FOLD) this.applyTails(HEADS_TAIL_FOLD, topic);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.tails.stopAll();
      this.listeners.clear();
      this.heads.clear();
      try {
        this.applyTails(0, undefined, true);
      } finally {
        this.db.close();
      }
    }
    return Promise.resolve();
  }
}

/** Opens (creating if absent) a store file. Synchronous; throws TidemarkError on a foreign file. */
export function openSqliteStore(file: string, opts?: SqliteOpenOptions): SqliteEventStore {
  return new SqliteEventStore(file, opts);
}
