/**
 * In-process A/B of single-event PostgreSQL appends (docs/bench.md, "PostgreSQL writes", fifth
 * pass): `store.append` of one event per transaction through the `PostgresEventStore` of each
 * tree named in TREES (comma-separated tree roots, default this tree), each on a schema of its own,
 * beside the bench's raw baseline (`BEGIN; INSERT; COMMIT`) and its one-statement reference (one
 * prepared autocommit INSERT), in alternating blocks (the order rotates every round). Per block and
 * side: wall ms per transaction, the client's CPU (this process, `process.cpuUsage`) and the
 * side's backends' CPU (`/proc/<pid>/stat`, every backend the side opened; 10 ms ticks, so read
 * medians of many blocks) per transaction. Prints each side's medians and its per-round ratio to
 * the raw baseline and to the first tree. The sides, the block loop and the report are
 * bench/pg-sides.ts's (shared with bench/pg-floor.ts). Not a bench section; for profiling, run
 * one tree under `node --cpu-prof`:
 *
 *   TREES=/work/wt/pg1-base,. ROUNDS=9 BLOCK=400 npx tsx bench/pg-single-ab.ts
 *   KEYS=200 TREES=... (events cycle over KEYS keys, default 20,000: a small KEYS updates heads
 *   that exist, the default inserts new ones)
 *   TREES=. ROUNDS=5 RAW=0 node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/pg-single-ab.ts
 */
import { resolve } from 'node:path';
import pg from 'pg';
import { PG_URL } from './util';
import { type Side, loadAvg, printBlocks, rawSide, runBlocks, treeSide } from './pg-sides';

const TREES = (process.env.TREES ?? '.').split(',').map((t) => resolve(t));

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const BLOCK = Number(process.env.BLOCK ?? 400);
const WARM = Number(process.env.WARM ?? 2000);
const WITH_RAW = process.env.RAW !== '0';
const KEYS = Number(process.env.KEYS ?? 20_000);

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
        const side = await rawSide(s, oneStatement, KEYS);
        await side.run(2_000_000, WARM);
        sides.push(side);
      }
    }
    for (let i = 0; i < TREES.length; i++) sides.push(await treeSide(admin, TREES[i]!, schema(i + 1), KEYS, WARM));
    const blocks = await runBlocks(sides, ROUNDS, BLOCK);
    console.log(`${ROUNDS} rounds x ${BLOCK} single-event txns per side, load ${loadAvg()}`);
    printBlocks(sides, blocks, { raw: WITH_RAW ? 0 : undefined, ref: WITH_RAW ? 2 : 0 });
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
