/**
 * In-process A/B of the set-based append (`npx tsx bench/pg-set-ab.ts PER_TXN BLOCKS TREE...`):
 * the raw baseline of bench/pg.ts (BEGIN, one multi-row INSERT, COMMIT of pre-serialised rows)
 * and, per tree given (a checkout of this repository, e.g. this one and a worktree of an older
 * commit), that tree's `prepareTxn` + `callAppendFn` on one dedicated pooled connection, each in a
 * schema of its own, in alternating blocks. Each block writes the bench's workload (bench/pg.ts:
 * `tradeEvent` over 20,000 keys, 20,000 events at 100 per transaction or 60,000 at 1,000, so every
 * key is new at 100 and two thirds of the heads exist at 1,000) to a fresh topic. Per block and
 * side it records wall time, the client's CPU (`process.cpuUsage`: validation, canonical JSON,
 * SHA-256, flags, the driver's serialisation) and the backend's CPU (`/proc/<pid>/stat` of the
 * connection's backend, 10 ms ticks); it prints medians per side and of the per-block ratios to
 * the first tree. Synchronous commit as the server has it. Schemas are dropped at the end. With
 * FLOOR=1 a last side writes the same rows by the least SQL that could (bench/pg-set-floor.ts).
 */
import pg from 'pg';
import { floorSide } from './pg-set-floor';
import { loadAvg, procCpuUs } from './pg-sides';
import { loadTree } from './pg-tree';
import { PG_URL, median, rawEventsTableSql, rawRowOf, tradeTxns } from './util';

/** The backend's CPU, ms (10 ms ticks: read medians of many blocks). */
const backendCpuMs = (pid: number): number => procCpuUs([pid]) / 1000;

interface Sample {
  wall: number;
  client: number;
  backend: number;
}

async function measure(pid: number, body: () => Promise<void>): Promise<Sample> {
  const b0 = backendCpuMs(pid);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, client: (c.user + c.system) / 1000, backend: backendCpuMs(pid) - b0 };
}

async function main(): Promise<void> {
  const [perTxnArg, blocksArg, ...trees] = process.argv.slice(2);
  const perTxn = Number(perTxnArg ?? 1000);
  const blocks = Number(blocksArg ?? 5);
  const count = perTxn >= 1000 ? 60_000 : 20_000;
  const txns = tradeTxns(count, perTxn);
  const apis = await Promise.all(trees.map(loadTree));
  const tag = `tm_set8_ab_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const sides: {
    name: string;
    /** Before the clock. */
    prepare?: (block: number) => Promise<void>;
    run: (block: number) => Promise<void>;
    pid: number;
    close: () => Promise<void>;
  }[] = [];
  try {
    // The raw baseline.
    await admin.query(`CREATE SCHEMA ${tag}_raw`);
    const raw = new pg.Client({ connectionString: PG_URL });
    await raw.connect();
    const rawPid = (await raw.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
    const rows = txns.map((events) => events.map(rawRowOf));
    sides.push({
      name: 'raw',
      pid: rawPid,
      close: () => raw.end(),
      run: async (block) => {
        const table = `${tag}_raw.r${block}`;
        for (const sql of rawEventsTableSql(table)) await raw.query(sql);
      },
    });
    for (let i = 0; i < apis.length; i++) {
      const api = apis[i]!;
      const schema = `${tag}_${i}`;
      const store = await api.openPostgresStore({ url: PG_URL, schema });
      await store.close();
      const db = api.createDb(PG_URL, schema);
      const c = await db.pool.connect();
      const pid = (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
      if (!(await api.ensureAppendFn(db, { usable: null }, c))) throw new Error(`${trees[i]}: no function`);
      sides.push({
        name: trees[i]!,
        pid,
        close: async () => {
          c.release();
          await db.pool.end();
        },
        run: () => Promise.resolve(),
      });
      // Warm-up: a few transactions of this size.
      for (let w = 0; w < 5; w++) {
        const r = await api.callAppendFn(db, c, api.prepareTxn(`warm`, { events: txns[w]! }));
        if (typeof r !== 'object') throw new Error(`${trees[i]}: fell back`);
      }
      sides[sides.length - 1]!.run = async (block) => {
        const topic = `ab.${block}`;
        for (const events of txns) {
          const r = await api.callAppendFn(db, c, api.prepareTxn(topic, { events }));
          if (typeof r !== 'object') throw new Error(`${trees[i]}: fell back`);
        }
      };
    }
    // FLOOR=1: the set path's floor (bench/pg-set-floor.ts) as the last side, in a store's schema.
    if (process.env.FLOOR === '1') {
      const store = await apis[0]!.openPostgresStore({ url: PG_URL, schema: `${tag}_floor` });
      await store.close();
      const f = await floorSide(`${tag}_floor`, txns);
      sides.push({ name: 'floor', pid: f.pid, prepare: f.prepare, run: f.run, close: f.close });
    }
    const rawRun = sides[0]!.run;
    // PIDS=1: each side's backend pid (for `perf record -p`), then a pause of 5 s to attach.
    if (process.env.PIDS === '1') {
      for (const s of sides) console.log(`pid ${s.name} ${s.pid}`);
      await new Promise((r) => setTimeout(r, 5000));
    }
    const loadAtStart = loadAvg();
    const samples: Sample[][] = sides.map(() => []);
    for (let b = 0; b < blocks; b++) {
      // Rotate the order each block so no side always follows the same one.
      for (let k = 0; k < sides.length; k++) {
        const i = (b + k) % sides.length;
        const s = sides[i]!;
        // Raw's table is created outside the measured time.
        if (i === 0) {
          await rawRun(b);
          const table = `${tag}_raw.r${b}`;
          let seq = 0;
          let txn = 0;
          samples[0]!.push(
            await measure(s.pid, async () => {
              for (const r of rows) {
                txn++;
                await raw.query('BEGIN');
                await raw.query(
                  `INSERT INTO ${table} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
                   SELECT 1, u.s, $1, u.k, 'event', u.d, false, 'application/json', u.h, $2
                     FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS u(s, k, d, h)`,
                  [
                    txn,
                    new Date().toISOString(),
                    r.map(() => ++seq),
                    r.map((x) => x.key),
                    r.map((x) => x.data),
                    r.map((x) => x.hash),
                  ],
                );
                await raw.query('COMMIT');
              }
            }),
          );
        } else {
          await s.prepare?.(b);
          samples[i]!.push(await measure(s.pid, () => s.run(b)));
        }
      }
    }
    const n = txns.length;
    const per = (x: number): string => (x / n).toFixed(2);
    console.log(
      `${perTxn} events/txn, ${n} txns per block, ${blocks} blocks; ms per txn (medians); load ${loadAvg()} at the end (${loadAtStart} at the start):`,
    );
    for (let i = 0; i < sides.length; i++) {
      const s = samples[i]!;
      const ratio = (f: (x: Sample) => number, j: number): string =>
        median(s.map((x, b) => f(x) / f(samples[j]![b]!))).toFixed(3);
      console.log(
        `${sides[i]!.name.padEnd(28)} wall ${per(median(s.map((x) => x.wall)))}  client ${per(median(s.map((x) => x.client)))}  backend ${per(median(s.map((x) => x.backend)))}` +
          (i > 0 ? `  raw/this wall ${ratio((x) => 1 / x.wall, 0)}` : '') +
          (i > 1
            ? `  vs ${sides[1]!.name}: wall ${ratio((x) => x.wall, 1)} client ${ratio((x) => x.client, 1)} backend ${ratio((x) => x.backend, 1)}`
            : ''),
      );
    }
  } finally {
    for (const s of sides) await s.close().catch(() => undefined);
    const r = await admin.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE '${tag}%'`);
    for (const { n } of r.rows) await admin.query(`DROP SCHEMA "${n}" CASCADE`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
