/**
 * PostgreSQL benchmark (`npx tsx bench/pg.ts`, or the `pg` section of `npm run bench`). Against
 * TIDEMARK_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), in a fresh schema
 * and a fresh database that are dropped at the end:
 * 1. Appends with 1, 100 and 1000 events per transaction through `PostgresEventStore`, against a
 *    raw baseline measured in the same run: pre-serialised rows inserted with one multi-row
 *    INSERT (unnest) per transaction into a table with the same columns, primary key and index as
 *    the store's `events` table, same durability (synchronous_commit as the server has it).
 *    For one event per transaction it also measures a reference that is not a baseline: the same
 *    row inserted by one autocommit statement (prepared once, one round trip, the WAL flush at its
 *    commit), the least any one-round-trip durable write can cost on this machine; Tidemark's
 *    ratio to it is printed beside its ratio to the raw baseline, with each one's milliseconds per
 *    transaction.
 *    Then single-event transactions from 8 concurrent writers (one topic each, one store, pool of
 *    10), against the same raw transaction from 8 concurrent connections (one table each), both
 *    also printed as a ratio to the one-writer raw baseline.
 * 2. Throughput through HTTP servers: real `tidemark serve --pg` processes, written to by ordered
 *    writers of the HTTP client (`openHttpStore`, pipelined into /v1/batch), one topic per writer,
 *    through one server and then through two servers on the same database.
 * Each append row prints its target (the performance issue's) and PASS or MISS.
 * Every one-writer measurement (raw, the one-statement reference, Tidemark) first writes
 * WARM_EVENTS events in transactions of its size, unmeasured, so each side's code is optimised
 * and Tidemark's connections and functions exist before the clock starts. Prints events/s and ratios;
 * writes the figures to bench/out/pg.json. TIDEMARK_BENCH_SCALE (e.g. 0.2) shrinks every size for
 * a quick run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { EventStore } from '../src-core/store/types';
import { openHttpStore } from '../src-core/store/http/index';
import { openPostgresStore } from '../src-core/store/postgres/index';
import {
  PG_URL,
  type RawRow,
  SCALE,
  fmtInt,
  fmtMs,
  isMain,
  now,
  pct,
  pgUrlFor,
  printTable,
  rawEventsTableSql,
  rawRowOf,
  scaled,
  targetCells,
  tradeTxns,
} from './util';

const n = scaled;

/** Events written per measurement, by events per transaction. */
const SIZES: Record<number, number> = { 1: n(2000), 100: n(20_000), 1000: n(60_000) };
/** The performance issue's targets: Tidemark's events/s over raw's, per transaction size. */
const TARGETS: Record<number, number> = { 1: 1.6, 100: 0.6, 1000: 0.6 };
/**
 * Events every one-writer measurement (raw, the one-statement reference, Tidemark) writes in
 * transactions of its size before its clock starts, to a table or topic of its own: the same
 * warm-up on every side, long enough for V8 to have optimised each side's code (a single-event
 * path measured from cold spends its first few hundred transactions in the interpreter).
 */
const WARM_EVENTS = 2000;

/** The warm-up's transactions of `perTxn` events (at least 3). */
const warmTxns = (perTxn: number): number => Math.max(3, Math.ceil(WARM_EVENTS / perTxn));
/** Single-event transactions written by each of the concurrent writers. */
const CONCURRENT = { writers: 8, txnsPerWriter: n(150) };
const SERVER = { writers: 4, txnsPerWriter: n(1500), eventsPerTxn: 10 };

const BIN = fileURLToPath(new URL('../bin/tidemark.mjs', import.meta.url));

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A table of the store's events table shape (columns, primary key, index), for the raw rows. */
async function rawTable(c: pg.Client, table: string): Promise<void> {
  for (const sql of rawEventsTableSql(table)) await c.query(sql);
}

/** The rows of `count` events in transactions of `perTxn`, serialised and hashed ahead of the clock. */
function rawRows(count: number, perTxn: number): RawRow[][] {
  return tradeTxns(count, perTxn, 0).map((events) => events.map(rawRowOf));
}

/** One raw transaction: `BEGIN`, one multi-row INSERT of `rows` at `seqs` into `table`, `COMMIT`. */
async function rawTxn(
  c: pg.Client,
  table: string,
  txn: number,
  seqs: number[],
  rows: readonly { key: string; data: string; hash: string }[],
): Promise<void> {
  await c.query('BEGIN');
  await c.query(
    `INSERT INTO ${table} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
     SELECT 1, u.s, $1, u.k, 'event', u.d, false, 'application/json', u.h, $2
       FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS u(s, k, d, h)`,
    [txn, new Date().toISOString(), seqs, rows.map((r) => r.key), rows.map((r) => r.data), rows.map((r) => r.hash)],
  );
  await c.query('COMMIT');
}

/** The raw baseline: the store's events table shape, one multi-row INSERT per transaction. */
async function rawInsert(schema: string, count: number, perTxn: number): Promise<number> {
  return admin(PG_URL, async (c) => {
    const table = `"${schema}".raw_${perTxn}`;
    await rawTable(c, table);
    const warm = warmTxns(perTxn);
    const txns = rawRows(count + warm * perTxn, perTxn);
    let seq = 0;
    let txn = 0;
    let t0 = now();
    for (const rows of txns) {
      if (txn === warm) t0 = now();
      txn++;
      await rawTxn(
        c,
        table,
        txn,
        rows.map(() => ++seq),
        rows,
      );
    }
    return count / ((now() - t0) / 1000);
  });
}

/**
 * The one-statement reference (not a baseline): each single-event row inserted by one autocommit
 * INSERT, a named prepared statement, into the same table shape: one round trip and one WAL flush
 * per transaction, the least a one-round-trip durable write costs here; events/s.
 */
async function oneStatementInsert(schema: string, count: number): Promise<number> {
  return admin(PG_URL, async (c) => {
    const table = `"${schema}".one_statement`;
    await rawTable(c, table);
    const warm = warmTxns(1);
    const rows = rawRows(count + warm, 1);
    const text = `INSERT INTO ${table} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
                  VALUES (1, $1, $1, $2, 'event', $3, false, 'application/json', $4, $5)`;
    let seq = 0;
    let t0 = now();
    for (const [r] of rows) {
      if (seq === warm) t0 = now();
      seq++;
      await c.query({ name: 'one_statement', text, values: [seq, r!.key, r!.data, r!.hash, new Date().toISOString()] });
    }
    return count / ((now() - t0) / 1000);
  });
}

/** The raw baseline from `writers` concurrent connections, one table each; events/s. */
async function rawConcurrent(schema: string, writers: number, perWriter: number): Promise<number> {
  const tables = Array.from({ length: writers }, (_, w) => `"${schema}".rawc_${w}`);
  await admin(PG_URL, async (c) => {
    for (const table of tables) await rawTable(c, table);
  });
  const rows = rawRows(writers * perWriter, 1).map(([r]) => r!);
  const clients = await Promise.all(
    tables.map(async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      return c;
    }),
  );
  try {
    const t0 = now();
    await Promise.all(
      clients.map(async (c, w) => {
        for (let i = 0; i < perWriter; i++) {
          await rawTxn(c, tables[w]!, i + 1, [i + 1], [rows[w * perWriter + i]!]);
        }
      }),
    );
    return (writers * perWriter) / ((now() - t0) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** Single-event transactions from `writers` concurrent writers of one store, one topic each; events/s. */
async function tidemarkConcurrent(schema: string, writers: number, perWriter: number): Promise<number> {
  const store = await openPostgresStore({ url: PG_URL, schema });
  try {
    const work = Array.from({ length: writers }, (_, w) => tradeTxns(perWriter, 1, w * perWriter));
    // The one-writer measurements before have run this code already: a short warm-up, as before.
    await warmUp(store, 1, 3, writers);
    const t0 = now();
    await Promise.all(
      work.map(async (txns, w) => {
        for (const events of txns) await store.append(`conc.w${w}`, { events });
      }),
    );
    return (writers * perWriter) / ((now() - t0) / 1000);
  } finally {
    await store.close();
  }
}

/**
 * Before the clock starts: `txns` transactions of `perTxn` events from each of `writers`
 * concurrent writers to topics of their own (not measured), then a pause, so the store has opened
 * its pooled connections, created its functions on them, sent its first commit notifications and
 * had its code optimised, as the raw side has connected and warmed up before its clock starts.
 * What is measured is the steady state, not the store's first moments.
 */
async function warmUp(store: EventStore, perTxn: number, txns: number, writers = 1): Promise<void> {
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (const events of tradeTxns(txns * perTxn, perTxn, 1_000_000))
        await store.append(`warm.${perTxn}.${w}`, { events });
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
}

async function tidemarkAppend(schema: string, count: number, perTxn: number): Promise<number> {
  const store = await openPostgresStore({ url: PG_URL, schema });
  try {
    const topic = `bench.${perTxn}`;
    const txns = tradeTxns(count, perTxn, 0);
    await warmUp(store, perTxn, warmTxns(perTxn));
    const t0 = now();
    for (const events of txns) await store.append(topic, { events });
    const secs = (now() - t0) / 1000;
    const info = await store.topicInfo(topic);
    if (info.events !== count) throw new Error(`expected ${count} events, ${topic} holds ${info.events}`);
    return count / secs;
  } finally {
    await store.close();
  }
}

interface Serve {
  url: string;
  child: ChildProcess;
}

function startServe(url: string): Promise<Serve> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--pg', url, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/\S+)\n/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.on('exit', (code) => reject(new Error(`tidemark serve exited with ${code}: ${err.slice(0, 500)}`)));
  });
}

async function stopServe(s: Serve): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  s.child.kill('SIGTERM');
  await exited;
}

/** Ordered writers (one HTTP client each, one topic each) spread over `urls`; events/s. */
async function throughServers(urls: string[], label: string): Promise<number> {
  const { writers, txnsPerWriter, eventsPerTxn } = SERVER;
  const clients = Array.from({ length: writers }, (_, w) => openHttpStore({ url: urls[w % urls.length]! }));
  try {
    const work = clients.map((c, w) => tradeTxns(txnsPerWriter * eventsPerTxn, eventsPerTxn, w * 1_000_000));
    const t0 = now();
    await Promise.all(
      clients.map((c, w) => Promise.all(work[w]!.map((events) => c.append(`${label}.w${w}`, { events })))),
    );
    return (writers * txnsPerWriter * eventsPerTxn) / ((now() - t0) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

export async function run(): Promise<void> {
  const schema = `tm_bench_${process.pid}`;
  const database = `tm_bench_${process.pid}`;
  const settings = await admin(PG_URL, async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.query(`CREATE SCHEMA "${schema}"`);
    const r = await c.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'server_version')`,
    );
    return Object.fromEntries(r.rows.map((x) => [x.name, x.setting]));
  });
  console.log(
    `PostgreSQL ${settings.server_version} at ${PG_URL} (fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit})`,
  );
  const figures: Record<string, number> = {};
  const servers: Serve[] = [];
  try {
    const rows: string[][] = [];
    /** Milliseconds per transaction at `eps` events/s. */
    const msPerTxn = (eps: number, perTxn: number): string => fmtMs((1000 * perTxn) / eps);
    for (const perTxn of [1, 100, 1000]) {
      const count = SIZES[perTxn]!;
      const raw = await rawInsert(schema, count, perTxn);
      if (perTxn === 1) figures.one_statement_1_eps = await oneStatementInsert(schema, count);
      const tm = await tidemarkAppend(schema, count, perTxn);
      figures[`raw_${perTxn}_eps`] = raw;
      figures[`tidemark_${perTxn}_eps`] = tm;
      rows.push([
        `${perTxn} per txn`,
        fmtInt(count),
        fmtInt(raw),
        fmtInt(tm),
        pct(tm / raw),
        msPerTxn(raw, perTxn),
        msPerTxn(tm, perTxn),
        ...targetCells(tm / raw, TARGETS[perTxn]!),
      ]);
    }
    console.log('\nappend, one writer, PostgresEventStore vs raw multi-row INSERT (same table shape):');
    printTable(
      ['events/txn', 'events', 'raw ev/s', 'tidemark ev/s', 'ratio', 'raw ms/txn', 'tidemark ms/txn', 'target', ''],
      rows,
    );

    const ref1 = figures.one_statement_1_eps!;
    const raw1 = figures.raw_1_eps!;
    const tm1 = figures.tidemark_1_eps!;
    console.log(
      '\n1 event/txn against the one-statement reference (one autocommit INSERT of the same row: one round trip, one flush):',
    );
    printTable(
      ['', 'ev/s', 'ms/txn', 'tidemark vs it'],
      [
        ['raw, BEGIN; INSERT; COMMIT (baseline)', fmtInt(raw1), msPerTxn(raw1, 1), pct(tm1 / raw1)],
        ['one statement, autocommit INSERT', fmtInt(ref1), msPerTxn(ref1, 1), pct(tm1 / ref1)],
        ['tidemark', fmtInt(tm1), msPerTxn(tm1, 1), '100%'],
      ],
    );

    const { writers: cw, txnsPerWriter: cn } = CONCURRENT;
    const rawC = await rawConcurrent(schema, cw, cn);
    const tmC = await tidemarkConcurrent(schema, cw, cn);
    figures.raw_concurrent_1_eps = rawC;
    figures.tidemark_concurrent_1_eps = tmC;
    console.log(`\n1 event/txn, ${cw} concurrent writers (one topic / one table each), ${fmtInt(cn)} txns each:`);
    printTable(
      ['', 'ev/s', 'vs raw, 1 writer', 'vs raw, 8 writers'],
      [
        [`raw, ${cw} connections`, fmtInt(rawC), pct(rawC / figures.raw_1_eps!), '100%'],
        [`tidemark, ${cw} writers`, fmtInt(tmC), pct(tmC / figures.raw_1_eps!), pct(tmC / rawC)],
      ],
    );

    await admin(PG_URL, (c) => c.query(`CREATE DATABASE "${database}"`));
    const dbUrl = pgUrlFor(database);
    servers.push(await startServe(dbUrl));
    const one = await throughServers([servers[0]!.url], 'one');
    servers.push(await startServe(dbUrl));
    const two = await throughServers([servers[0]!.url, servers[1]!.url], 'two');
    figures.one_server_eps = one;
    figures.two_servers_eps = two;
    const { writers, txnsPerWriter, eventsPerTxn } = SERVER;
    console.log(
      `\nHTTP, ${writers} ordered writers x ${fmtInt(txnsPerWriter)} txns x ${eventsPerTxn} events, one topic per writer:`,
    );
    printTable(
      ['servers', 'ev/s', 'vs one server'],
      [
        ['1', fmtInt(one), '100%'],
        ['2', fmtInt(two), pct(two / one)],
      ],
    );
  } finally {
    for (const s of servers) await stopServe(s);
    await admin(PG_URL, async (c) => {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    });
  }
  const outDir = fileURLToPath(new URL('./out/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'pg.json'), JSON.stringify({ scale: SCALE, settings, figures }, null, 2) + '\n');
}

if (isMain(import.meta.url)) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
