/**
 * The connection side of the PostgreSQL backend: the `pg` Pool (bigint columns parsed to JS
 * numbers, which are safe up to 2^53 as the contract requires), the qualified table names of the
 * store's schema, and the two ways code runs SQL: `query` for a single statement (read-only, so
 * retried once when a pooled connection turned out to be dead) and `inTx` for a write
 * transaction (BEGIN/COMMIT, retried on deadlock or serialization failure, and on a broken
 * connection as long as COMMIT was not yet sent, so an ambiguous commit is never run twice).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { TidemarkError } from '../../model/errors';
import { isConnectionError, isRetryable, toStoreError } from './errors';

export interface Tables {
  /** The quoted schema name. */
  schema: string;
  topics: string;
  events: string;
  txns: string;
  heads: string;
  version: string;
}

export interface Db {
  pool: pg.Pool;
  /** host:port/database, for error messages (never the password). */
  where: string;
  t: Tables;
  /** NOTIFY channel of this schema (an identifier; at most 63 bytes). */
  channel: string;
  /** What a dedicated LISTEN client connects with. */
  clientConfig: pg.ClientConfig;
}

const SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function validateSchemaName(schema: string): string {
  if (!SCHEMA_RE.test(schema)) {
    throw new TidemarkError(
      'BAD_REQUEST',
      `schema: ${JSON.stringify(schema)} is not a valid schema name (1-63 of A-Z a-z 0-9 _, not starting with a digit)`,
    );
  }
  return schema;
}

export function tablesFor(schema: string): Tables {
  const s = `"${schema}"`;
  return {
    schema: s,
    topics: `${s}.topics`,
    events: `${s}.events`,
    txns: `${s}.txns`,
    heads: `${s}.heads`,
    version: `${s}.tidemark_schema_version`,
  };
}

export function channelFor(schema: string): string {
  return `tidemark_${createHash('sha256').update(schema).digest('hex').slice(0, 24)}`;
}

/** "host:port/db" of a connection URL, for messages. Never includes credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.searchParams.get('host') ?? (u.hostname || 'localhost');
    const port = u.searchParams.get('port') ?? (u.port || '5432');
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
    return `${host}:${port}/${db}`;
  } catch {
    return '(unparseable PostgreSQL URL)';
  }
}

const INT8_OID = 20;

function parseInt8(value: string): number {
  return Number(value);
}

type Parser = (value: string) => unknown;

function getTypeParser(oid: number, format?: 'text' | 'binary'): Parser {
  if (oid === INT8_OID) return parseInt8;
  return (pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => Parser)(oid, format ?? 'text');
}

const types: pg.CustomTypesConfig = { getTypeParser: getTypeParser as pg.CustomTypesConfig['getTypeParser'] };

export interface PoolOptions {
  /** Most connections the pool opens (default 10). */
  poolSize?: number;
}

const ignore = (): void => undefined;

export function createDb(url: string, schema: string, opts: PoolOptions = {}): Db {
  const where = describeUrl(url);
  const clientConfig: pg.ClientConfig = {
    connectionString: url,
    types,
    connectionTimeoutMillis: 5000,
    application_name: 'tidemark',
  };
  // Pipeline mode: statements issued without awaiting the previous one go out together, so a
  // write transaction costs two round trips (BEGIN+lock+heads, then write+COMMIT) instead of five.
  const pool = new pg.Pool({
    ...clientConfig,
    pipeline: true,
    max: opts.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
    // pg-pool also applies this to waiting for a free pooled connection: under a burst of writers
    // queued on one topic's lock, 5 s would report a busy pool as an unavailable database.
    connectionTimeoutMillis: 15_000,
  });
  // A connection whose server went away emits 'error'; with no listener, Node throws it and the
  // process dies. Idle in the pool, the pool's own listener takes it and re-emits it here; the pool
  // drops the client and the next query reports UNAVAILABLE.
  pool.on('error', ignore);
  // Checked out, nothing of the pool's listens: pg-pool takes its listener off as it hands the
  // client over, and a caller's `await pool.connect()` resumes only after the socket's current
  // read is parsed. A FATAL read in the same chunk as the answer that freed the client (or as a new
  // connection's ReadyForQuery) is emitted in between (test/postgres/dropped-connection.int.test.ts).
  // So every client listens from the moment it is made ('connect' comes before the hand-over) to
  // its end; the statement it fails, or the next one, reports the error.
  pool.on('connect', (client) => client.on('error', ignore));
  return { pool, where, t: tablesFor(schema), channel: channelFor(schema), clientConfig };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One statement on a pooled connection. Read-only statements only (it may run twice). */
export async function query<R>(db: Db, text: string, values?: unknown[]): Promise<R[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await db.pool.query(text, values);
      return res.rows as R[];
    } catch (err) {
      if (attempt < 2 && isConnectionError(err)) {
        await sleep(50 * (attempt + 1));
        continue;
      }
      throw toStoreError(err, db.where);
    }
  }
}

/** The socket of a `pg` client, when it can be corked (pg keeps it as `connection.stream`). */
export function socketOf(c: pg.ClientBase): { cork(): void; uncork(): void } | undefined {
  const stream = (c as unknown as { connection?: { stream?: { cork?: unknown; uncork?: unknown } } }).connection
    ?.stream;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function'
    ? (stream as { cork(): void; uncork(): void })
    : undefined;
}

export interface TxControl {
  /**
   * Registers the transaction's last statement, sent but not awaited: COMMIT is pipelined right
   * behind it. If it fails, the server turns that COMMIT into a rollback and `inTx` rethrows.
   */
  sendLast(statement: Promise<unknown>): void;
  /**
   * Ends the transaction with ROLLBACK instead of COMMIT (a dry run): nothing it did is kept, and
   * `inTx` returns the body's result.
   */
  rollback(): void;
}

export type TxBody<T> = (c: pg.PoolClient, tx: TxControl) => Promise<T>;

/** Attempts of a write whose statement failed with a deadlock or serialization failure. */
const MAX_CONFLICT_ATTEMPTS = 8;
/** Attempts of a write whose connection could not be opened or broke before its outcome was at stake. */
const MAX_CONNECTION_ATTEMPTS = 3;

/** What one attempt of a write tells the retry loop. */
interface AttemptState {
  /**
   * Set once a statement whose outcome a broken connection would leave unknown has been sent
   * (COMMIT, or an autocommit statement): from then on a broken connection is not retried.
   */
  outcomeAtStake: boolean;
}

interface AttemptPolicy {
  /** On a failure that left the connection usable, send ROLLBACK before handing it back. */
  rollback: boolean;
}

/**
 * The one home of the write retries: takes a pooled connection, runs `once` on it, hands the
 * connection back (destroying it when it broke), and runs `once` again on a fresh connection when
 * that is safe: up to MAX_CONFLICT_ATTEMPTS times in all for a deadlock or serialization failure
 * (the server aborted the statement, so nothing was committed), and up to MAX_CONNECTION_ATTEMPTS
 * times in all for a connection that could not be opened or broke before `once` put an outcome
 * at stake. A TidemarkError from `once` (a business failure such as CONFLICT) propagates unchanged;
 * everything else is mapped by `toStoreError`.
 */
async function withRetries<T>(
  db: Db,
  policy: AttemptPolicy,
  once: (c: pg.PoolClient, state: AttemptState) => Promise<T>,
): Promise<T> {
  let conflictAttempts = 0;
  let connectionAttempts = 0;
  for (;;) {
    let client: pg.PoolClient;
    try {
      client = await db.pool.connect();
    } catch (err) {
      connectionAttempts++;
      if (connectionAttempts < MAX_CONNECTION_ATTEMPTS && isConnectionError(err)) {
        await sleep(100 * connectionAttempts);
        continue;
      }
      throw toStoreError(err, db.where);
    }
    const state: AttemptState = { outcomeAtStake: false };
    try {
      const result = await once(client, state);
      client.release();
      return result;
    } catch (err) {
      const broken = isConnectionError(err) && !(err instanceof TidemarkError);
      if (broken) {
        client.release(err instanceof Error ? err : true);
      } else if (policy.rollback) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackErr) {
          client.release(rollbackErr instanceof Error ? rollbackErr : true);
        }
      } else {
        client.release();
      }
      if (err instanceof TidemarkError) throw err;
      // A retryable error is a statement error: the transaction was aborted, never committed.
      if (isRetryable(err)) {
        conflictAttempts++;
        if (conflictAttempts < MAX_CONFLICT_ATTEMPTS) {
          await sleep(Math.random() * 5 * conflictAttempts);
          continue;
        }
      }
      if (broken && !state.outcomeAtStake) {
        connectionAttempts++;
        if (connectionAttempts < MAX_CONNECTION_ATTEMPTS) {
          await sleep(100 * connectionAttempts);
          continue;
        }
      }
      throw toStoreError(err, db.where);
    }
  }
}

/**
 * Runs `body` inside BEGIN ... COMMIT on one pooled connection; BEGIN is pipelined with the
 * body's first statements and COMMIT with its last (`tx.sendLast`). A TidemarkError thrown by the
 * body (a business failure such as CONFLICT) rolls back and propagates unchanged. Deadlocks and
 * serialization failures are retried (the server aborted the transaction, so a COMMIT sent behind
 * the failed statement only rolled back); so is a connection that broke before COMMIT was sent
 * (the server then rolls the transaction back). A connection lost once COMMIT was sent is
 * reported as UNAVAILABLE: whether it committed is unknown, and re-running it could apply it twice.
 * `afterCommit`, if given, is called once COMMIT is sent, to pipeline statements behind it (they
 * run after the transaction, whatever its outcome, and are not waited for).
 */
export async function inTx<T>(db: Db, body: TxBody<T>, afterCommit?: (c: pg.ClientBase) => void): Promise<T> {
  return withRetries(db, { rollback: true }, async (client, state) => {
    const begin = client.query('BEGIN');
    begin.catch(ignore);
    const pending: Promise<unknown>[] = [];
    let rollbackOnly = false;
    const result = await body(client, {
      sendLast: (statement) => {
        statement.catch(ignore);
        pending.push(statement);
      },
      rollback: () => {
        rollbackOnly = true;
      },
    });
    await begin;
    if (rollbackOnly) {
      await Promise.all(pending);
      await client.query('ROLLBACK');
      return result;
    }
    state.outcomeAtStake = true;
    // With something to send behind COMMIT (notify.ts `carry`), one socket write for both.
    const stream = afterCommit === undefined ? undefined : socketOf(client);
    stream?.cork();
    let commit: Promise<pg.QueryResult>;
    try {
      commit = client.query('COMMIT');
      commit.catch(ignore);
      afterCommit?.(client);
    } finally {
      stream?.uncork();
    }
    await Promise.all(pending);
    const done = await commit;
    if (done.command !== 'COMMIT') {
      throw new TidemarkError('INTERNAL', `PostgreSQL rolled the transaction back (${done.command})`);
    }
    return result;
  });
}

/**
 * Runs `body`, whose last statement is its own transaction (autocommit: no BEGIN/COMMIT around
 * it), on one pooled connection. Deadlocks and serialization failures are retried (the statement
 * failed, so nothing was committed). A connection that breaks while the statement is out is
 * reported as UNAVAILABLE without a retry: whether it committed is unknown (as with a lost COMMIT
 * in `inTx`). A TidemarkError from the body propagates unchanged.
 */
export async function inStatement<T>(db: Db, body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  return withRetries(db, { rollback: false }, (client, state) => {
    state.outcomeAtStake = true;
    return body(client);
  });
}
