/**
 * The pieces of the in-process single-event A/B harnesses (bench/pg-single-ab.ts,
 * bench/pg-floor.ts): a side (something that writes single-event transactions on connections of
 * its own), the raw baseline and one-statement reference sides, a tree's `store.append` side,
 * the block loop (sides alternating in rotating order, wall ms, client CPU through
 * `process.cpuUsage`, the side's backends' CPU through `/proc/<pid>/stat`) and its report
 * (medians of the blocks, per-round ratios to the raw baseline and to a reference side).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { EventInput } from '../src-core/model/types';
import { PG_URL, type RawRow, median, now, pgUrlFor, rawEventsTableSql, rawRowOf, tradeEvent } from './util';
import { openTreeStore } from './pg-tree';

export interface Side {
  name: string;
  /** Writes `count` single-event transactions starting at event `from`. */
  run(from: number, count: number): Promise<void>;
  /** The PostgreSQL backends the side writes through (their CPU is the side's backend CPU). */
  pids: number[];
  close(): Promise<void>;
}

const TICK_US = 1e6 / 100; // USER_HZ

/** User + system CPU of the processes `pids`, µs (10 ms ticks: read medians of many blocks). */
export function procCpuUs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]); // utime, stime
    } catch {
      // the backend ended
    }
  }
  return ticks * TICK_US;
}

export async function backendPids(admin: pg.Client): Promise<Set<number>> {
  const r = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'`,
  );
  return new Set(r.rows.map((x) => x.pid));
}

/** A connection of its own and its backend's pid. */
export async function connectWithPid(url = PG_URL): Promise<{ c: pg.Client; pid: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  return { c, pid };
}

/** Event `i` of the workload as a row: its key, data as canonical JSON and content hash. */
export function tradeRow(i: number, keys: number): RawRow {
  return rawRowOf(tradeEvent(i, keys));
}

/** The load average (1, 5, 15 minutes). */
export function loadAvg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/**
 * The raw baseline (`BEGIN; INSERT; COMMIT` of one row) or, with `oneStatement`, the one-statement
 * reference (one prepared autocommit INSERT of the same row), into a table shaped like Tidemark's
 * events (its primary key and key index) created in `schema`.
 */
export async function rawSide(schema: string, oneStatement: boolean, keys: number, url = PG_URL): Promise<Side> {
  const { c, pid } = await connectWithPid(url);
  const table = `"${schema}".${oneStatement ? 'one' : 'raw'}`;
  for (const sql of rawEventsTableSql(table)) await c.query(sql);
  const ins = `INSERT INTO ${table} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
     SELECT 1, u.s, $1, u.k, 'event', u.d, false, 'application/json', u.h, $2
       FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS u(s, k, d, h)`;
  const one = `INSERT INTO ${table} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
                  VALUES (1, $1, $1, $2, 'event', $3, false, 'application/json', $4, $5)`;
  let seq = 0;
  const rows: RawRow[] = [];
  return {
    name: oneStatement ? 'one statement' : 'raw',
    pids: [pid],
    async run(from, count) {
      for (let i = 0; i < count; i++) rows[i] = tradeRow(from + i, keys);
      for (let i = 0; i < count; i++) {
        const r = rows[i]!;
        seq++;
        if (oneStatement) {
          await c.query({ name: 'one', text: one, values: [seq, r.key, r.data, r.hash, new Date().toISOString()] });
        } else {
          await c.query('BEGIN');
          await c.query(ins, [seq, new Date().toISOString(), [seq], [r.key], [r.data], [r.hash]]);
          await c.query('COMMIT');
        }
      }
    },
    close: () => c.end(),
  };
}

/**
 * `store.append` of one event per transaction through the `PostgresEventStore` of the tree `spec`
 * (a tree root; `tree#quiet`: its notifier's own sends replaced by nothing, `tree#silent` its
 * carried ones too, diagnostics) in `schema` on PostgreSQL `url`, after `warm` appends.
 */
export async function treeSide(
  admin: pg.Client,
  spec: string,
  schema: string,
  keys: number,
  warm: number,
  url = PG_URL,
): Promise<Side> {
  const [tree, flag] = spec.split('#') as [string, string | undefined];
  const before = await backendPids(admin);
  const store = await openTreeStore(tree, url, schema);
  if (flag === 'quiet') {
    (store as unknown as { notifier: { sendAll: () => Promise<void> } }).notifier.sendAll = () => Promise.resolve();
  }
  if (flag === 'silent') {
    // No notification sent at all, carried or on its own (a diagnostic: what the notifier costs).
    const n = (store as unknown as { notifier: { sendAll: () => Promise<void>; carry: () => void } }).notifier;
    n.sendAll = () => Promise.resolve();
    n.carry = () => undefined;
  }
  const events = (from: number): EventInput[] => [tradeEvent(from, keys)];
  for (let i = 0; i < warm; i++) await store.append('warm', { events: events(1_000_000 + i) });
  await new Promise((r) => setTimeout(r, 50));
  const pids = [...(await backendPids(admin))].filter((p) => !before.has(p));
  return {
    name: spec.replace(/.*\/wt\//, ''),
    pids,
    async run(from, count) {
      for (let i = 0; i < count; i++) await store.append('bench', { events: events(from + i) });
    },
    close: () => store.close(),
  };
}

/** Per side, per block: wall ms, client CPU µs and backend CPU µs per transaction. */
export interface Blocks {
  wall: number[][];
  cpu: number[][];
  back: number[][];
}

/**
 * `rounds` rounds of one block of `block` transactions per side, the order rotating each round.
 */
export async function runBlocks(sides: Side[], rounds: number, block: number): Promise<Blocks> {
  const wall: number[][] = sides.map(() => []);
  const cpu: number[][] = sides.map(() => []);
  const back: number[][] = sides.map(() => []);
  let from = 0;
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (k + r) % sides.length;
      const side = sides[i]!;
      const b0 = procCpuUs(side.pids);
      const c0 = process.cpuUsage();
      const t0 = now();
      await side.run(from, block);
      const ms = now() - t0;
      const c = process.cpuUsage(c0);
      const b = procCpuUs(side.pids) - b0;
      from += block;
      wall[i]!.push(ms / block);
      cpu[i]!.push((c.user + c.system) / block);
      back[i]!.push(b / block);
    }
    // Let the notifier and the machine settle between rounds.
    await new Promise((res) => setTimeout(res, 20));
  }
  return { wall, cpu, back };
}

/**
 * Prints each side's medians; with `raw` (the raw baseline's index) the median of the per-round
 * ratios raw/this; with `ref` (a side's index), each later side's per-round wall and client CPU
 * ratios to it.
 */
export function printBlocks(sides: Side[], b: Blocks, o: { raw?: number; ref?: number }): void {
  const ratio = (x: number[], y: number[]): number => median(x.map((v, j) => v / y[j]!));
  for (let i = 0; i < sides.length; i++) {
    const parts = [
      `${sides[i]!.name.padEnd(28)} ms/txn ${median(b.wall[i]!).toFixed(3)}`,
      `client CPU µs/txn ${median(b.cpu[i]!).toFixed(0).padStart(3)}`,
      `backend CPU µs/txn ${median(b.back[i]!).toFixed(0).padStart(3)}`,
    ];
    if (o.raw !== undefined) parts.push(`raw/this ${ratio(b.wall[o.raw]!, b.wall[i]!).toFixed(2)}x`);
    if (o.ref !== undefined && i > o.ref) {
      parts.push(
        `wall vs ${sides[o.ref]!.name} ${ratio(b.wall[i]!, b.wall[o.ref]!).toFixed(3)}`,
        `client CPU ${ratio(b.cpu[i]!, b.cpu[o.ref]!).toFixed(3)}`,
      );
    }
    console.log(parts.join('  '));
  }
  console.log(`per-round wall ms/txn: ${JSON.stringify(b.wall.map((w) => w.map((x) => +x.toFixed(3))))}`);
}

/** WAL records of one resource manager and record type between two LSNs (`pg_walinspect`). */
export interface WalRow {
  rm: string;
  rt: string;
  n: number;
  bytes: number;
  xids: number;
}

/** The cluster's WAL records between `start` and `end`, per resource manager and record type. */
export async function walRecords(c: pg.ClientBase, start: string, end: string): Promise<WalRow[]> {
  const r = await c.query<{ rm: string; rt: string; n: string; bytes: string; xids: string }>(
    `SELECT resource_manager AS rm, record_type AS rt, count(*) AS n, sum(record_length) AS bytes,
            count(DISTINCT xid::text) AS xids
       FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn) GROUP BY 1, 2 ORDER BY 1, 2`,
    [start, end],
  );
  return r.rows.map((x) => ({ rm: x.rm, rt: x.rt, n: Number(x.n), bytes: Number(x.bytes), xids: Number(x.xids) }));
}

/** The current WAL insert location. */
export async function walLsn(c: pg.ClientBase): Promise<string> {
  return (await c.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]!.l;
}

/**
 * Runs `fn` in a throwaway database with `pg_walinspect` (created from `admin`'s cluster, named
 * after `base` and this process, dropped after, also on failure); `c` is connected to it.
 */
export async function withWalDatabase(
  admin: pg.ClientBase,
  base: string,
  fn: (c: pg.Client, url: string) => Promise<void>,
): Promise<void> {
  const dbName = `${base}_${process.pid}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = pgUrlFor(dbName);
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    await c.query('CREATE EXTENSION pg_walinspect');
    await fn(c, url);
  } finally {
    await c.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}
