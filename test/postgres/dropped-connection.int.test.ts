/**
 * A pooled connection that PostgreSQL terminates in the instant it is handed to a waiting caller
 * must not crash the process. The CI saw it once, under a restart (restart.int.test.ts): a
 * connection's last answer (ReadyForQuery) and the server's FATAL "terminating connection due to
 * administrator command" arrived in one TCP read. pg hands the connection over while parsing the
 * first (pg-pool takes its own error listener off at that moment), and emits the FATAL as an
 * 'error' event before the caller's `await pool.connect()` has resumed: with no listener on the
 * client, Node throws it out of the socket's data handler as an uncaught exception.
 *
 * A relay on loopback between the pool and the shared cluster holds PostgreSQL's bytes and, once
 * the backend is gone, delivers them in one write, so the two messages arrive together every time.
 * Real PostgreSQL, real pg: the relay only decides when bytes are delivered, never what they are.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, inTx, query, type Db } from '../../src-core/store/postgres/db';
import { waitFor } from '../contract/harness';
import { adminQuery, PG_URL, pgUnreachable } from './pg-helpers';
import { cleanupsAfterEach } from '../cleanups';

const READY_FOR_QUERY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // 'Z', length 5, 'I'

/** One client connection through the relay and its connection to PostgreSQL. */
class Pair {
  /** PostgreSQL's bytes not yet delivered; null while they are passed on as they come. */
  private held: Buffer[] | null;
  upstreamPort = 0;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    hold: boolean,
  ) {
    this.held = hold ? [] : null;
    upstream.on('connect', () => (this.upstreamPort = upstream.localPort ?? 0));
    client.on('data', (b: Buffer) => upstream.write(b));
    upstream.on('data', (b: Buffer) => (this.held === null ? client.write(b) : this.held.push(b)));
    // Once PostgreSQL has closed: everything it said, in one write, then the close.
    upstream.on('end', () => {
      if (this.held === null) client.end();
      else client.end(Buffer.concat(this.held));
    });
    client.on('end', () => upstream.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  }

  hold(): void {
    this.held ??= [];
  }

  /** Whether what is held so far ends with ReadyForQuery (the server waits for the client). */
  heldEndsIdle(): boolean {
    if (this.held === null) return false;
    const all = Buffer.concat(this.held);
    return all.subarray(-READY_FOR_QUERY_IDLE.length).equals(READY_FOR_QUERY_IDLE);
  }
}

class HoldingRelay {
  readonly pairs: Pair[] = [];
  /** Hold PostgreSQL's bytes on the next connection made through the relay. */
  holdNext = false;
  private readonly server: Server;

  constructor(target: URL) {
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      this.pairs.push(new Pair(client, upstream, this.holdNext));
      this.holdNext = false;
    });
  }

  /** Listens on an ephemeral loopback port; the URL to give the pool instead of `target`. */
  async start(target: URL): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('relay: no port');
    const url = new URL(target.href);
    url.host = `127.0.0.1:${address.port}`;
    return url.href;
  }

  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Terminates the backend serving `pair` (found by the relay's port as the client's port). */
async function terminateBackend(pair: Pair): Promise<void> {
  const res = await adminQuery(
    `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE client_port = ${pair.upstreamPort} AND client_addr = '127.0.0.1'`,
  );
  expect(res.rows).toEqual([{ done: true }]);
}

const unreachable = await pgUnreachable();
const cleanups = cleanupsAfterEach();
const uncaught: unknown[] = [];
const onUncaught = (err: unknown): void => void uncaught.push(err);

// Registered after cleanupsAfterEach, so it runs before the cleanups (vitest runs after-hooks as a stack).
afterEach(() => {
  process.off('uncaughtException', onUncaught);
  uncaught.length = 0;
});

async function relayedDb(): Promise<{ relay: HoldingRelay; db: Db }> {
  const target = new URL(PG_URL);
  const relay = new HoldingRelay(target);
  const url = await relay.start(target);
  cleanups.push(() => relay.close());
  const db = createDb(url, 'tidemark', { poolSize: 1 });
  cleanups.push(() => db.pool.end());
  process.on('uncaughtException', onUncaught);
  return { relay, db };
}

if (unreachable !== null) console.log(`dropped-connection: skipped, ${unreachable}`);

describe.skipIf(unreachable !== null)('a pooled connection terminated as it is handed over', () => {
  it('an idle connection given to a waiting transaction: no uncaught error, and the transaction runs on a new one', async () => {
    const { relay, db } = await relayedDb();
    // The pool's one connection, made and returned.
    expect(await query(db, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    const pair = relay.pairs[0]!;
    pair.hold();

    // A read takes the connection (its answer is held); a transaction waits for the connection.
    const read = query<{ two: number }>(db, 'SELECT 2 AS two');
    const write = inTx(db, async (c) => (await c.query<{ three: number }>('SELECT 3 AS three')).rows);
    await waitFor(() => {
      expect(db.pool.waitingCount).toBe(1);
      expect(pair.heldEndsIdle()).toBe(true);
    });

    // The read's answer and the FATAL arrive in one write: the read completes, the connection is
    // handed to the transaction, and the FATAL follows before the transaction's code resumes.
    await terminateBackend(pair);
    expect(await read).toEqual([{ two: 2 }]);
    expect(await write).toEqual([{ three: 3 }]);
    expect(uncaught).toEqual([]);
    expect(relay.pairs.length).toBe(2); // the transaction ran on a new connection
  });

  it('a new connection whose backend is terminated as it becomes ready: no uncaught error, and the transaction runs on the next', async () => {
    const { relay, db } = await relayedDb();
    relay.holdNext = true;
    const write = inTx(db, async (c) => (await c.query<{ four: number }>('SELECT 4 AS four')).rows);
    await waitFor(() => expect(relay.pairs[0]?.heldEndsIdle()).toBe(true));

    // The start-up answers (ending with ReadyForQuery) and the FATAL arrive in one write.
    await terminateBackend(relay.pairs[0]!);
    expect(await write).toEqual([{ four: 4 }]);
    expect(uncaught).toEqual([]);
    expect(relay.pairs.length).toBe(2);
  });
});
