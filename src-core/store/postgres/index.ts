/**
 * The PostgreSQL backend: `openPostgresStore({ url, schema })` connects a `pg` Pool, migrates the
 * schema (see schema.ts) and returns a `PostgresEventStore` implementing `EventStore` with exactly
 * the semantics of shared/API.md, the same as the SQLite backend. Several servers may share one
 * database: numbers are assigned under a per-topic row lock inside each write transaction, and
 * live tails see every server's commits through LISTEN/NOTIFY (feed.ts). An unreachable database
 * is an `UNAVAILABLE` error naming the host (the server answers 503).
 */
import { TidemarkError, badRequest, toBatchError, toErrorBody } from '../../model/errors';
import type {
  AppendRequest,
  AppendResponse,
  BatchError,
  BatchResponse,
  BatchTxn,
  EventPage,
  InvalidateResult,
  ListTxnsOptions,
  ReadEventsOptions,
  SurfaceOptions,
  StoredEvent,
  SurfacePage,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from '../../model/types';
import { validatePositiveInt, validateReason, validateTopic } from '../../model/validate';
import type { CommitListener, EventStore, TailOptions, Unsubscribe } from '../types';
import { tailTopic } from '../tail';
import { createDb, inTx, query, validateSchemaName, type Db } from './db';
import { toStoreError } from './errors';
import { CommitFeed } from './feed';
import { invalidateLocked } from './invalidate';
import { prepareBatchTxn, prepareTxn, type PreparedTxn } from '../prepare';
import * as read from './read';
import { migrate } from './schema';
import { surface } from './surface';
import { WriteSet, lockTopics } from './write';

export interface PostgresStoreOptions {
  /** A libpq-style URL, e.g. postgres://postgres@127.0.0.1:5432/postgres. */
  url: string;
  /** The PostgreSQL schema holding the store's tables (created if missing). Default `tidemark`. */
  schema?: string;
  /** Most pooled connections (default 10; plus one for LISTEN once something subscribes). */
  poolSize?: number;
}

export const DEFAULT_SCHEMA = 'tidemark';

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresEventStore> {
  if (typeof opts.url !== 'string' || opts.url === '') throw badRequest('pg: a PostgreSQL URL is required');
  const schema = validateSchemaName(opts.schema ?? DEFAULT_SCHEMA);
  if (opts.poolSize !== undefined && (!Number.isSafeInteger(opts.poolSize) || opts.poolSize < 1)) {
    throw badRequest('poolSize: must be a positive integer');
  }
  const db = createDb(opts.url, schema, opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {});
  try {
    await migrate(db, schema);
  } catch (err) {
    await db.pool.end().catch(() => undefined);
    throw toStoreError(err, db.where);
  }
  return new PostgresEventStore(db, schema);
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres';
  private readonly feed: CommitFeed;
  private closed = false;
  private inflight = 0;
  private drained: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    /** The PostgreSQL schema this store lives in. */
    readonly schema: string,
  ) {
    this.feed = new CommitFeed(db, {
      maxSeq: async (topic) => {
        const rows = await query<{ max_seq: number }>(db, `SELECT max_seq FROM ${db.t.topics} WHERE topic = $1`, [
          topic,
        ]);
        return rows[0]?.max_seq ?? 0;
      },
      eventsAfter: async (topic, after, limit) => (await read.readEvents(db, topic, { after, limit })).events,
    });
  }

  /** host:port/database of the backing database, for messages. */
  get where(): string {
    return this.db.where;
  }

  private ensureOpen(): void {
    if (this.closed) throw new TidemarkError('UNAVAILABLE', `the PostgreSQL store at ${this.db.where} is closed`);
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

  listTopics(): Promise<TopicInfo[]> {
    this.ensureOpen();
    return read.listTopics(this.db);
  }

  async topicInfo(topic: string): Promise<TopicInfo> {
    this.ensureOpen();
    return read.topicInfo(this.db, topic);
  }

  async append(topic: string, req: AppendRequest): Promise<AppendResponse> {
    this.ensureOpen();
    const p = prepareTxn(topic, req);
    const { t, channel } = this.db;
    return this.writing(() =>
      inTx(this.db, async (c, tx) => {
        const ws = await WriteSet.lockAndLoad(c, t, [p]);
        const response = ws.apply(p);
        const write = ws.flush(c, t, channel);
        if (write !== null) tx.sendLast(write);
        return response;
      }),
    );
  }

  async appendBatch(txns: BatchTxn[]): Promise<BatchResponse> {
    this.ensureOpen();
    if (!Array.isArray(txns)) throw badRequest('txns: must be an array of transactions');
    const prepared: PreparedTxn[] = [];
    let prepError: BatchError | null = null;
    for (let i = 0; i < txns.length; i++) {
      try {
        prepared.push(prepareBatchTxn(txns[i], i));
      } catch (err) {
        prepError = toBatchError(i, toErrorBody(err));
        break;
      }
    }
    if (prepared.length === 0) return { results: [], error: prepError };
    const { t, channel } = this.db;
    return this.writing(() =>
      inTx(this.db, async (c, tx) => {
        const ws = await WriteSet.lockAndLoad(c, t, prepared);
        const results: AppendResponse[] = [];
        let error = prepError;
        for (let i = 0; i < prepared.length; i++) {
          try {
            results.push(ws.apply(prepared[i]!));
          } catch (err) {
            if (!(err instanceof TidemarkError)) throw err;
            error = toBatchError(i, err);
            break;
          }
        }
        const write = ws.flush(c, t, channel);
        if (write !== null) tx.sendLast(write);
        return { results, error };
      }),
    );
  }

  async readEvents(topic: string, opts?: ReadEventsOptions): Promise<EventPage> {
    this.ensureOpen();
    return read.readEvents(this.db, topic, opts);
  }

  async listTxns(topic: string, opts?: ListTxnsOptions): Promise<TxnPage> {
    this.ensureOpen();
    return read.listTxns(this.db, topic, opts);
  }

  async getTxn(topic: string, txn: number): Promise<TxnDetail> {
    this.ensureOpen();
    return read.getTxn(this.db, topic, txn);
  }

  async invalidate(topic: string, txn: number, reason: string): Promise<InvalidateResult> {
    this.ensureOpen();
    validateTopic(topic);
    validatePositiveInt(txn, 'txn');
    validateReason(reason);
    const { t, channel } = this.db;
    return this.writing(() =>
      inTx(this.db, async (c) => {
        const locks = await lockTopics(c, t, [topic], false);
        return invalidateLocked(c, t, channel, locks.get(topic), topic, txn, reason);
      }),
    );
  }

  async surface(topic: string, opts?: SurfaceOptions): Promise<SurfacePage> {
    this.ensureOpen();
    return surface(this.db, topic, opts);
  }

  tail(topic: string, after: number, onEvents: (events: StoredEvent[]) => void, opts?: TailOptions): Unsubscribe {
    return tailTopic(this, topic, after, onEvents, opts);
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
    if (this.inflight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    await this.feed.close();
    await this.db.pool.end().catch(() => undefined);
  }
}
