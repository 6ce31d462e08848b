/**
 * WAL records per single-event append (docs/bench.md, "PostgreSQL writes", sixth pass, second
 * round): for each tree named in TREES (comma-separated tree roots, default this tree), N
 * single-event `store.append`s to one topic of a store in a throwaway database (created here with
 * the `pg_walinspect` extension, dropped at the end), after WARM appends of the same kind; then
 * the WAL records between the first and the last append, per resource manager and record type,
 * divided by N. The WAL is the cluster's: another process's writes during the run show up too
 * (the `xids` column counts the transactions seen, which should be N). KEYS as in pg-single-ab.ts.
 *
 *   TREES=/work/wt/pgone-base,. KEYS=200 npx tsx bench/pg-wal-records.ts
 */
import { resolve } from 'node:path';
import pg from 'pg';
import type { EventInput } from '../src-core/model/types';
import { PG_URL, tradeEvent } from './util';
import { openTreeStore } from './pg-tree';
import { walLsn, walRecords, withWalDatabase } from './pg-sides';

const TREES = (process.env.TREES ?? '.').split(',').map((t) => resolve(t));
const N = Number(process.env.N ?? 200);
const WARM = Number(process.env.WARM ?? 400);
const KEYS = Number(process.env.KEYS ?? 20_000);

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await withWalDatabase(admin, 'tm_walrec', async (c, url) => {
      for (let i = 0; i < TREES.length; i++) {
        const store = await openTreeStore(TREES[i]!, url, `tm_walrec_${i}`);
        const ev = (j: number): EventInput[] => [tradeEvent(j, KEYS)];
        for (let j = 0; j < WARM; j++) await store.append('t', { events: ev(j) });
        await new Promise((r) => setTimeout(r, 50));
        const start = await walLsn(c);
        for (let j = WARM; j < WARM + N; j++) await store.append('t', { events: ev(j) });
        const end = await walLsn(c);
        await store.close();
        let total = 0;
        let bytes = 0;
        console.log(`${TREES[i]}: ${N} appends after ${WARM}, keys ${KEYS}`);
        for (const x of await walRecords(c, start, end)) {
          total += x.n;
          bytes += x.bytes;
          console.log(
            `  ${`${x.rm}/${x.rt}`.padEnd(28)} ${(x.n / N).toFixed(2).padStart(6)} per append  ${(x.bytes / N).toFixed(0).padStart(5)} B  xids ${x.xids}`,
          );
        }
        console.log(
          `  ${'all'.padEnd(28)} ${(total / N).toFixed(2).padStart(6)} per append  ${(bytes / N).toFixed(0).padStart(5)} B`,
        );
      }
    });
  } finally {
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
