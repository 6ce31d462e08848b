/**
 * A steady stream of set-based appends for profiling the backend (`npx tsx bench/pg-set-loop.ts
 * PER_TXN SECONDS [TREE]`): one tree's `prepareTxn` + `callAppendFn` on one dedicated connection in
 * a schema of its own, the bench's workload (bench/pg.ts `tradeEvent` over 20,000 keys) to fresh
 * topics, for SECONDS after a warm-up. It prints the connection's backend pid (for `perf record -p`)
 * and a line `ready` once warm; the schema is dropped at the end.
 */
import pg from 'pg';
import { loadTree } from './pg-tree';
import { PG_URL, tradeTxns } from './util';

async function main(): Promise<void> {
  const [perTxnArg, secondsArg, treeArg] = process.argv.slice(2);
  const perTxn = Number(perTxnArg ?? 1000);
  const seconds = Number(secondsArg ?? 10);
  const api = await loadTree(treeArg ?? '.');
  const count = perTxn >= 1000 ? 60_000 : 20_000;
  const txns = tradeTxns(count, perTxn);
  const schema = `tm_setloop_${process.pid}`;
  const store = await api.openPostgresStore({ url: PG_URL, schema });
  await store.close();
  const db = api.createDb(PG_URL, schema);
  const c = await db.pool.connect();
  try {
    const pid = (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
    console.log(`pid ${pid}`);
    if (!(await api.ensureAppendFn(db, { usable: null }, c))) throw new Error('no function');
    // EXPLAIN=1: every statement of the function logged with its plan and timing (auto_explain).
    if (process.env.EXPLAIN === '1') {
      await c.query("LOAD 'auto_explain'");
      await c.query(
        'SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_nested_statements = on; SET auto_explain.log_buffers = on',
      );
    }
    for (let w = 0; w < 5; w++) await api.callAppendFn(db, c, api.prepareTxn('warm', { events: txns[w]! }));
    console.log('ready');
    const end = performance.now() + seconds * 1000;
    let n = 0;
    for (let topic = 0; performance.now() < end; topic++) {
      for (const events of txns) {
        if (typeof (await api.callAppendFn(db, c, api.prepareTxn(`t.${topic}`, { events }))) !== 'object') {
          throw new Error('fell back');
        }
        n++;
        if (performance.now() >= end) break;
      }
    }
    console.log(`${n} txns, ${((seconds * 1000) / n).toFixed(2)} ms per txn`);
  } finally {
    c.release();
    await db.pool.end();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
