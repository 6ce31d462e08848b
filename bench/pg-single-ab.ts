/**
 * In-process A/B of single-event PostgreSQL appends (docs/bench.md, "PostgreSQL writes", fifth
 * pass): `store.append` of one event per transaction through the `PostgresEventStore` of each
 * tree named in TREES (comma-separated tree roots, default this tree), each on a schema of its own,
 * beside the bench's raw baseline (`BEGIN; INSERT; COMMIT`) and its one-statement reference (one
 * prepared autocommit INSERT), in alternating blocks (the order rotates every round). Per block and
 * side: wall ms per transaction, the client's CPU (this process, `process.cpuUsage`) and the
 * side's backends' CPU (`/proc/<pid>/stat`, every backend the side opened; 10 ms ticks, so read
 * medians of many blocks) per transaction. Prints each side's medians and its per-round ratio to
 * the raw baseline and to the first tree. Not a bench section; for profiling, run one tree under
 * `node --cpu-prof`:
 *
 *   TREES=/work/wt/pg1-base,. ROUNDS=9 BLOCK=400 npx tsx bench/pg-single-ab.ts
 *   KEYS=200 TREES=... (events cycle over KEYS keys, default 20,000: a small KEYS updates heads
 *   that exist, the default inserts new ones)
 *   TREES=. ROUNDS=5 RAW=0 node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/pg-single-ab.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { canonicalJson } from '../src-core/model/canonical';
import type { EventInput } from '../src-core/model/types';
import { hashCanonical } from '../src-core/store/hash';
import { PG_URL, median, now, tradeEvent } from './util';
import { openTreeStore } from './pg-tree';

const TREES = (process.env.TREES ?? '.').split(',').map((t) => resolve(t));

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const BLOCK = Number(process.env.BLOCK ?? 400);
const WARM = Number(process.env.WARM ?? 2000);
const WITH_RAW = process.env.RAW !== '0';
const KEYS = Number(process.env.KEYS ?? 20_000);

interface Side {
  name: string;
  /** Writes `count` single-event transactions starting at event `from`. */
  run(from: number, count: number): Promise<void>;
  pids: number[];
  close(): Promise<void>;
}

const TICK_US = 1e6 / 100; // USER_HZ

function procCpuUs(pids: number[]): number {
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

async function backendPids(admin: pg.Client): Promise<Set<number>> {
  const r = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'`,
  );
  return new Set(r.rows.map((x) => x.pid));
}

function row(i: number): { key: string; data: string; hash: string } {
  const e = tradeEvent(i, KEYS);
  const data = canonicalJson(e.data);
  return { key: e.key, data, hash: hashCanonical(data) };
}

async function rawSide(schema: string, oneStatement: boolean): Promise<Side> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const table = `"${schema}".${oneStatement ? 'one' : 'raw'}`;
  await c.query(`CREATE TABLE ${table} (
    topic_id integer NOT NULL, seq bigint NOT NULL, txn bigint NOT NULL, key text COLLATE "C" NOT NULL,
    type text NOT NULL, data text NOT NULL, tomb boolean NOT NULL, content_type text NOT NULL,
    hash text NOT NULL, time text NOT NULL, target bigint, reason text, PRIMARY KEY (topic_id, seq))`);
  await c.query(`CREATE INDEX ON ${table} (topic_id, key, seq DESC)`);
  const ins = `INSERT INTO ${table} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
     SELECT 1, u.s, $1, u.k, 'event', u.d, false, 'application/json', u.h, $2
       FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS u(s, k, d, h)`;
  const one = `INSERT INTO ${table} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
                  VALUES (1, $1, $1, $2, 'event', $3, false, 'application/json', $4, $5)`;
  let seq = 0;
  const rows: { key: string; data: string; hash: string }[] = [];
  return {
    name: oneStatement ? 'one statement' : 'raw',
    pids: [pid],
    async run(from, count) {
      for (let i = 0; i < count; i++) rows[i] = row(from + i);
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

async function treeSide(admin: pg.Client, spec: string, schema: string): Promise<Side> {
  // `tree#quiet`: the same tree with its notifier's own sends replaced by nothing, `tree#silent`
  // its carried ones too (diagnostics).
  const [tree, flag] = spec.split('#') as [string, string | undefined];
  const before = await backendPids(admin);
  const store = await openTreeStore(tree, PG_URL, schema);
  if (flag === 'quiet') {
    (store as unknown as { notifier: { sendAll: () => Promise<void> } }).notifier.sendAll = () => Promise.resolve();
  }
  if (flag === 'silent') {
    // No notification sent at all, carried or on its own (a diagnostic: what the notifier costs).
    const n = (store as unknown as { notifier: { sendAll: () => Promise<void>; carry: () => void } }).notifier;
    n.sendAll = () => Promise.resolve();
    n.carry = () => undefined;
  }
  const events = (from: number): EventInput[] => [tradeEvent(from, KEYS)];
  for (let i = 0; i < WARM; i++) await store.append('warm', { events: events(1_000_000 + i) });
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

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const schemas: string[] = [];
  const sides: Side[] = [];
  try {
    const schema = (i: number): string => {
      const s = `tm_ab1_${process.pid}_${i}`;
      schemas.push(s);
      return s;
    };
    if (WITH_RAW) {
      const s = schema(0);
      await admin.query(`CREATE SCHEMA "${s}"`);
      for (const oneStatement of [false, true]) {
        const side = await rawSide(s, oneStatement);
        await side.run(2_000_000, WARM);
        sides.push(side);
      }
    }
    for (let i = 0; i < TREES.length; i++) sides.push(await treeSide(admin, TREES[i]!, schema(i + 1)));
    const wall: number[][] = sides.map(() => []);
    const cpu: number[][] = sides.map(() => []);
    const back: number[][] = sides.map(() => []);
    let from = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < sides.length; k++) {
        const i = (k + r) % sides.length;
        const side = sides[i]!;
        const b0 = procCpuUs(side.pids);
        const c0 = process.cpuUsage();
        const t0 = now();
        await side.run(from, BLOCK);
        const ms = now() - t0;
        const c = process.cpuUsage(c0);
        const b = procCpuUs(side.pids) - b0;
        from += BLOCK;
        wall[i]!.push(ms / BLOCK);
        cpu[i]!.push((c.user + c.system) / BLOCK);
        back[i]!.push(b / BLOCK);
      }
      // Let the notifier and the machine settle between rounds.
      await new Promise((res) => setTimeout(res, 20));
    }
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`${ROUNDS} rounds x ${BLOCK} single-event txns per side, load ${load}`);
    const first = WITH_RAW ? 2 : 0;
    const ratio = (a: number[], b: number[]): number => median(a.map((x, j) => x / b[j]!));
    for (let i = 0; i < sides.length; i++) {
      const parts = [
        `${sides[i]!.name.padEnd(28)} ms/txn ${median(wall[i]!).toFixed(3)}`,
        `client CPU µs/txn ${median(cpu[i]!).toFixed(0)}`,
        `backend CPU µs/txn ${median(back[i]!).toFixed(0)}`,
      ];
      if (WITH_RAW) parts.push(`raw/this ${ratio(wall[0]!, wall[i]!).toFixed(2)}x`);
      if (i > first) {
        parts.push(
          `wall vs first tree ${ratio(wall[i]!, wall[first]!).toFixed(3)}`,
          `client CPU ${ratio(cpu[i]!, cpu[first]!).toFixed(3)}`,
        );
      }
      console.log(parts.join('  '));
    }
    console.log(`per-round wall ms/txn: ${JSON.stringify(wall.map((w) => w.map((x) => +x.toFixed(3))))}`);
  } finally {
    for (const s of sides) await s.close();
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
