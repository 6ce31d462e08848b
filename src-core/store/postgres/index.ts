/**
 * The PostgreSQL backend: `openPostgresStore({ url, schema })` connects a `pg` Pool, migrates the
 * schema (see schema.ts) and returns a `PostgresEventStore` implementing `EventStore` with exactly
 * the semantics of shared/API.md, the same as the SQLite backend. Several servers may share one
 * database: numbers are assigned under a per-topic row lock inside each write transaction, and
 * live tails see every server's commits through LISTEN/NOTIFY (feed.ts), with no polling while the
 * LISTEN connection is up. Writes are prepared by store/prepare.ts, like every backend's; a closed
 * store answers as every backend does (model/errors.ts `storeClosed`). An unreachable database is
 * an `UNAVAILABLE` error naming the host (the server answers 503); a schema newer than this code is
 * SCHEMA_TOO_NEW, at open and on every write.
 */
import type pg from 'pg';
import { badRequest, storeClosed } from '../../model/errors';
import type { ImportOptions, ImportResult, ImportTxn } from '../../model/integrity';
import { ImportClaims, importGroups } from '../import-run';
import { importGroupPg } from './import';
import type { EventTextPage, SurfaceTextPage, TxnTextDetail } from '../../model/stored-json';
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
  SurfaceOptions,
  StoredEvent,
  SurfacePage,
  Timeline,
  TimelineOptions,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from '../../model/types';
import { validateTopic } from '../../model/validate';
import { applyPrepared, prepareBatch, prepareInvalidation, prepareTxn } from '../prepare';
import { batchAnswer, batchOptionsOf, isDryRun, rollsBack } from '../write-options';
import { type LiveFeed, OpenTails, feedTail } from '../tail';
import type { TextReads } from '../text-reads';
import type { CommitListener, EventStore, MigrationProgressListener, TailOptions, Unsubscribe } from '../types';
import { FALL_BACK, callAppendFn, ensureAppendFn } from './append-fn';
import { createDb, inStatement, inTx, query, validateSchemaName, type Db } from './db';
import { toStoreError } from './errors';
import { CommitFeed } from './feed';
import { CommitNotifier } from './notify';
import { applyInvalidation } from './invalidate';
import * as read from './read';
import { migrate } from './schema';
import { surfacePage, surfacePageText } from './surface';
import { timeline } from './timeline';
import { lockTopics } from './topic-lock';
import { WriteBatch } from './write';
import type { VerifyOptions, VerifyResult } from '../../model/integrity';
import { checkExpectHead, verifyTopic } from '../verify';
import { postgresVerifySource } from './verify';

export interface PostgresStoreOptions {
  /** A libpq-style URL, e.g. postgres://postgres@127.0.0.1:5432/postgres. */
  url: string;
  /** The PostgreSQL schema holding the store's tables (created if missing). Default `tidemark`. */
  schema?: string;
  /** Most pooled connections (default 10; plus one for LISTEN once something subscribes). */
  poolSize?: number;
  /** Progress of the migration, when opening upgrades an existing schema (store/types.ts). */
  onMigrationProgress?: MigrationProgressListener;
}

export const DEFAULT_SCHEMA = 'tidemark';

/** The seq of the last event `res` stored (null when it stored none: every event a duplicate). */
function lastStoredSeq(res: AppendResponse): number | null {
  if (res.txn === null) return null;
  for (let i = res.results.length - 1; i >= 0; i--) {
    const r = res.results[i]!;
    if (!r.duplicate) return r.seq;
  }
  return null;
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresEventStore> {
  if (typeof opts.url !== 'string' || opts.url === '') throw badRequest('pg: a PostgreSQL URL is required');
  const schema = validateSchemaName(opts.schema ?? DEFAULT_SCHEMA);
  if (opts.poolSize !== undefined && (!Number.isSafeInteger(opts.poolSize) || opts.poolSize < 1)) {
    throw badRequest('poolSize: must be a positive integer');
  }
  const db = createDb(opts.url, schema, opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {});
  try {
    await migrate(db, schema, opts.onMigrationProgress);
  } catch (err) {
    await db.pool.end().catch(() => undefined);
    throw toStoreError(err, db.where);
  }
  return new PostgresEventStore(db, schema);
}

export class PostgresEventStore implements EventStore, TextReads {
  readonly kind = 'postgres';
  private readonly feed: CommitFeed;
  /** Announces this store's commits, once committed, to every server's feed (feed.ts). */
  private readonly notifier: CommitNotifier;
  /** The tails' view of the feed: complete while LISTEN is up (NOTIFY reaches every server). */
  private readonly liveFeed: LiveFeed;
  private readonly tails = new OpenTails();
  private closed = false;
  private inflight = 0;
  private drained: (() => void)[] = [];
  /** Whether the one-round-trip append function can be used here (null: not known yet). */
  private readonly appendFn: { usable: boolean | null } = { usable: null };

  constructor(
    private readonly db: Db,
    /** The PostgreSQL schema this store lives in. */
    readonly schema: string,
  ) {
    this.feed = new CommitFeed(db, {
      maxSeqs: async (topics) => {
        const rows = await query<{ topic: string; max_seq: number }>(
          db,
          `SELECT topic, max_seq FROM ${db.t.topics} WHERE topic = ANY($1::text[] COLLATE "C")`,
          [topics],
        );
        return new Map(rows.map((r) => [r.topic, r.max_seq]));
      },
      eventsAfter: async (topic, after, limit) => {
        const page = await read.readEvents(db, topic, { after, limit });
        return { events: page.events, more: page.next !== null };
      },
    });
    this.notifier = new CommitNotifier(db, (topic, maxSeq) => this.feed.committed(topic, maxSeq));
    this.liveFeed = {
      listen: (topic, onEvents, onWake) => this.feed.subscribe(topic, onEvents, onWake),
      complete: () => this.feed.listening,
    };
  }

  /** host:port/database of the backing database, for messages. */
  get where(): string {
    return this.db.where;
  }

  private ensureOpen(): void {
    if (this.closed) throw storeClosed();
  }

  private async writing<T>(fn: () => Promise<T>): Promise<T> {
    this.ensureOpen();
    this.inflight += 1;
    try {
      return await fn();
    } finally {
      this.inflight -= 1;
      if (this.inflight === 0) for (const done of this.drained.splice(0)) done();
    }
  }

  async listTopics(): Promise<TopicInfo[]> {
    this.ensureOpen();
    return read.listTopics(this.db);
  }

  async topicInfo(topic: string): Promise<TopicInfo> {
    this.ensureOpen();
    return read.topicInfo(this.db, topic);
  }

  /** A dry run locks and reads as the write would, applies it in memory only, and rolls back. */
  async append(topic: string, req: AppendRequest, opts?: AppendOptions): Promise<AppendResponse> {
    this.ensureOpen();
    const p = prepareTxn(topic, req);
    const dryRun = isDryRun(opts);
    const { t } = this.db;
    if (!dryRun && this.appendFn.usable !== false) {
      // One round trip (postgres/append-fn.ts); the two-round-trip path below where it cannot be used.
      const db = this.db;
      const res = await this.writing(() =>
        inStatement(db, async (c) =>
          (await ensureAppendFn(db, this.appendFn, c)) ? callAppendFn(db, c, p, this.carry) : FALL_BACK,
        ),
      );
      if (res !== FALL_BACK) {
        const last = lastStoredSeq(res);
        if (last !== null) this.notifier.committed(p.topic, last);
        return res;
      }
    }
    let committed: [string, number][] = [];
    const response = await this.writing(() =>
      inTx(this.db, async (c, tx) => {
        const ws = await WriteBatch.lockAndLoad(c, t, [p]);
        const response = ws.apply(p);
        if (dryRun) {
          tx.rollback();
          return response;
        }
        const write = ws.flush(c, t);
        if (write !== null) tx.sendLast(write);
        committed = ws.committed();
        return response;
      }),
    );
    this.announce(committed);
    return response;
  }

  /** Sends due commit notifications behind an append's statement on its connection (notify.ts). */
  private readonly carry = (c: pg.ClientBase): void => this.notifier.carry(c);

  /** Announces committed topics (notify.ts `CommitNotifier`). */
  private announce(committed: [string, number][]): void {
    for (const [topic, maxSeq] of committed) this.notifier.committed(topic, maxSeq);
  }

  /** Atomic and dry-run batches are one transaction rolled back when `rollsBack` says so. */
  async appendBatch(txns: BatchTxn[], opts?: BatchOptions): Promise<BatchResponse> {
    this.ensureOpen();
    const o = batchOptionsOf(opts);
    const prepared = prepareBatch(txns);
    if (prepared.txns.length === 0 || (o.atomic && prepared.error !== null)) {
      return { results: [], error: prepared.error };
    }
    const { t } = this.db;
    let committed: [string, number][] = [];
    const res = await this.writing(() =>
      inTx(
        this.db,
        async (c, tx) => {
          committed = [];
          const ws = await WriteBatch.lockAndLoad(c, t, prepared.txns);
          const response = applyPrepared(prepared, (p) => ws.apply(p));
          if (rollsBack(response, o)) {
            tx.rollback();
            return response;
          }
          const write = ws.flush(c, t);
          if (write !== null) tx.sendLast(write);
          committed = ws.committed();
          return response;
        },
        this.carry,
      ),
    );
    this.announce(committed);
    return batchAnswer(res, o);
  }

  /** In groups, one database transaction each holding the topic's lock (postgres/import.ts). */
  async importTxns(
    topic: string,
    txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>,
    opts: ImportOptions = {},
  ): Promise<ImportResult> {
    this.ensureOpen();
    validateTopic(topic);
    const { t, channel } = this.db;
    let claims = new ImportClaims();
    let imported = 0;
    let error: ImportResult['error'] = null;
    for await (const group of importGroups(txns, opts.signal)) {
      this.ensureOpen();
      const r = await this.writing(() =>
        inTx(this.db, (c) => importGroupPg(c, t, channel, topic, group, imported, claims)),
      );
      claims = r.claims;
      imported += r.imported;
      if (r.imported > 0) opts.onProgress?.(imported);
      if (r.error !== null) {
        error = r.error;
        break;
      }
    }
    const rows = await query<{ head: string | null }>(this.db, `SELECT head FROM ${t.topics} WHERE topic = $1`, [
      topic,
    ]);
    return { imported, head: rows[0]?.head ?? null, error };
  }

  async readEvents(topic: string, opts?: ReadEventsOptions): Promise<EventPage> {
    this.ensureOpen();
    return read.readEvents(this.db, topic, opts);
  }

  /** `readEvents` with the data as stored text (store/text-reads.ts). */
  async readEventsText(topic: string, opts?: ReadEventsOptions): Promise<EventTextPage> {
    this.ensureOpen();
    return read.readEventsText(this.db, topic, opts);
  }

  async listTxns(topic: string, opts?: ListTxnsOptions): Promise<TxnPage> {
    this.ensureOpen();
    return read.listTxns(this.db, topic, opts);
  }

  async getTxn(topic: string, txn: number): Promise<TxnDetail> {
    this.ensureOpen();
    return read.getTxn(this.db, topic, txn);
  }

  /** `getTxn` with the data as stored text (store/text-reads.ts). */
  async getTxnText(topic: string, txn: number): Promise<TxnTextDetail> {
    this.ensureOpen();
    return read.getTxnText(this.db, topic, txn);
  }

  async timeline(topic: string, opts?: TimelineOptions): Promise<Timeline> {
    this.ensureOpen();
    return timeline(this.db, topic, opts);
  }

  async invalidate(topic: string, txn: number, reason: string, opts?: InvalidateOptions): Promise<InvalidateResult> {
    this.ensureOpen();
    const inv = prepareInvalidation(topic, txn, reason, opts);
    const { t, channel } = this.db;
    return this.writing(() =>
      inTx(this.db, async (c) => {
        const locks = await lockTopics(c, t, [inv.topic], false);
        return applyInvalidation(c, t, channel, locks.get(inv.topic), inv);
      }),
    );
  }

  async surface(topic: string, opts?: SurfaceOptions): Promise<SurfacePage> {
    this.ensureOpen();
    return surfacePage(this.db, topic, opts);
  }

  /** Verify over one REPEATABLE READ snapshot (postgres/verify.ts). */
  async verify(topic: string, opts?: VerifyOptions): Promise<VerifyResult> {
    this.ensureOpen();
    validateTopic(topic);
    checkExpectHead(opts?.expectHead);
    return verifyTopic(topic, await postgresVerifySource(this.db, topic), opts);
  }

  /** `surface` with the data as stored text (store/text-reads.ts). */
  async surfaceText(topic: string, opts?: SurfaceOptions): Promise<SurfaceTextPage> {
    this.ensureOpen();
    return surfacePageText(this.db, topic, opts);
  }

  /** Native: the LISTEN/NOTIFY feed, polling `topicInfo` only while its connection is down. */
  tail(topic: string, after: number, onEvents: (events: StoredEvent[]) => void, opts?: TailOptions): Unsubscribe {
    this.ensureOpen();
    return this.tails.track(feedTail(this, this.liveFeed, topic, after, onEvents, opts));
  }

  subscribe(topic: string, listener: CommitListener): Unsubscribe {
    this.ensureOpen();
    return this.feed.subscribe(topic, listener);
  }

  /** Resolves when live notifications are flowing for every current subscription (see feed.ts). */
  whenListening(): Promise<void> {
    return this.feed.ready();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tails.stopAll();
    if (this.inflight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    await this.notifier.close();
    await this.feed.close();
    await this.db.pool.end().catch(() => undefined);
  }
}
