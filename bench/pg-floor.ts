/**
 * The floor of a single-event PostgreSQL append, per schema (docs/bench.md, "PostgreSQL writes",
 * eighth pass): the rows a Tidemark append writes, written by ONE prepared statement of
 * data-modifying CTEs whose every value the client computed beforehand (seq, txn, content hash,
 * a chain hash, the topic's counters; one writer, so the numbering is right by construction; no
 * lock, no duplicate lookup, no chain work in SQL, no function). Each floor's schema is created
 * by opening this tree's `PostgresEventStore` on it (tables and indexes exactly as schema.ts
 * makes them), then changed by the floor's DDL; a floor writes a key's head with a plain INSERT
 * when the key is new to it and an UPDATE by key when not (it knows which), `upsert` with
 * Tidemark's INSERT ... ON CONFLICT. The floors run beside the raw baseline, the one-statement
 * reference and this tree's `store.append` (bench/pg-sides.ts) in alternating blocks, as
 * bench/pg-single-ab.ts does, with one side that is not a floor (`current+reads`: the current
 * floor plus the topic row's lock and the version and head reads a correct statement makes).
 * The ninth pass's `lean` schema (no topics row written: txns folded into the event row, which
 * carries the topic's counters) is priced both ways: `lean` as a floor, `lean+reads` with the
 * advisory lock and reads a correct statement makes and its seq, counters and head decided in
 * SQL from them, `+chain` with the chain computed in SQL as well (byte for byte chain.ts's),
 * `+by-txn` with the index of events by txn its reads need.
 * Schemas are `tm_floor_<pid>_<i>`, dropped at the end.
 *
 *   ROUNDS=9 BLOCK=600 npx tsx bench/pg-floor.ts
 *   FLOORS=current,events-only TIDEMARK=0 ... (the floors named, without the store's side)
 *   KEYS=200 ... (every head updated: the keys are warm) / KEYS=10000000 ... (every key new)
 *   WAL=1 N=400 KEYS=200 npx tsx bench/pg-floor.ts (WAL records per append instead, in a
 *   throwaway database with pg_walinspect, dropped after; each side warmed on the keys it then
 *   writes, the store's side on its measured topic)
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { DEFAULT_CT_FIELD, GENESIS, NULL_META_FIELD, ascii, dataDigest } from '../src-core/store/chain';
import { SCHEMA_VERSION } from '../src-core/store/postgres/schema';
import { PG_URL } from './util';
import { openTreeStore } from './pg-tree';
import {
  type Side,
  connectWithPid,
  loadAvg,
  printBlocks,
  rawSide,
  runBlocks,
  tradeRow,
  treeSide,
  walLsn,
  walRecords,
  withWalDatabase,
} from './pg-sides';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const BLOCK = Number(process.env.BLOCK ?? 600);
const WARM = Number(process.env.WARM ?? 2000);
const KEYS = Number(process.env.KEYS ?? 20_000);
const WITH_TIDEMARK = process.env.TIDEMARK !== '0';
const WAL = process.env.WAL === '1';
const N = Number(process.env.N ?? 400);

/** The parts of an append a floor writes, as SQL with named parameters (`:seq`). */
interface Parts {
  /** The events row (Tidemark's columns). */
  event: string;
  /** The events row with the transaction's columns on it (the `txn-in-event` schema). */
  eventTxn: string;
  txn: string;
  /** The key's head: new to heads, already there, either (Tidemark's upsert). */
  headNew: string;
  headOld: string;
  headUpsert: string;
  topic: string;
  /**
   * Not a floor's: the reads a correct statement adds, the topic row locked (FOR UPDATE), the
   * schema version and the key's stored head read; the first part (`w0`), which `topicChecked`
   * (the counters' update, done only when the version is known and the event is no duplicate)
   * reads, so that it runs.
   */
  reads: string;
  topicChecked: string;
  /** The `lean` schema's event row: the txn's columns and the topic's counters on it. */
  eventLean: string;
  /**
   * Not a floor's: the `lean` schema's reads, the topic's writers serialised by an advisory lock
   * (no row, no WAL record), the schema version, the topic's newest event row (its seq, chain and
   * counters: a backward probe of the primary key) and the key's stored head (`known`, dedup,
   * whether the key is live), as `w0`; the event row (`w1`), numbered, counted and (`Chain`)
   * chained in SQL from `w0`, written only when the version is known and the event is no
   * duplicate; the head inserted or updated, as `w0` found the key, for the event `w1` wrote.
   */
  leanReads: string;
  leanEventChecked: string;
  leanEventCheckedChain: string;
  leanHeadNewChecked: string;
  leanHeadOldChecked: string;
}

/** A netstring of ASCII text in SQL (chain.ts `ascii`; append-fn-sql.ts `chainSql`). */
const asciiSql = (x: string): string => `(length(${x})::text || ':' || ${x} || ',')`;

function parts(s: string): Parts {
  const ev = `topic_id, seq, txn, key, type, data, tomb, content_type, hash, time`;
  const evValues = `:tid, :seq, :seq, :key, 'event', :data, false, 'application/json', :hash, :time`;
  const head = `(topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
                VALUES (:tid, :key, :seq, :seq, false, :seq, :seq, :hash, false)`;
  const counters = 'max_seq = :seq, max_txn = :seq, keys = :keys, last_time = :time, head = :chain';
  const evLean = `${ev}, count, marker, meta, by_name, chain, keys, invalid_txns`;
  // The checked event row's values from w0 (n: its seq, counters and the previous chain).
  const leanChecked = (chain: string): string => `INSERT INTO ${s}.events (${evLean})
    SELECT :tid, n.seq, n.seq, :key, 'event', :data, false, 'application/json', :hash, :time, 1, false, NULL, NULL,
           ${chain}, n.keys, n.inv
      FROM (SELECT coalesce(w0.seq, 0) + 1 AS seq, coalesce(w0.chain, '${GENESIS}') AS prev,
                   coalesce(w0.keys, 0) + CASE WHEN w0.hs IS NOT NULL AND NOT w0.ht THEN 0 ELSE 1 END AS keys,
                   coalesce(w0.inv, 0) AS inv
              FROM w0 WHERE w0.v <= ${SCHEMA_VERSION} AND w0.hh IS DISTINCT FROM :hash) n
    RETURNING seq`;
  // chain.ts's layout of a one-event transaction (txn = seq): prev, txn, time, the client's
  // transaction tail (by, meta digest), seq, the client's event tail (key ... reason).
  const seqField = asciiSql('n.seq::text');
  const chainSql = `encode(sha256(convert_to(n.prev || ${seqField} || ${asciiSql(':time::text')} || :ttail::text
                      || ${seqField} || :etail::text, 'UTF8')), 'hex')`;
  return {
    event: `INSERT INTO ${s}.events (${ev}) VALUES (${evValues})`,
    eventTxn: `INSERT INTO ${s}.events (${ev}, count, marker, meta, by_name, chain)
                VALUES (${evValues}, 1, false, NULL, NULL, :chain)`,
    txn: `INSERT INTO ${s}.txns (topic_id, txn, first_seq, last_seq, count, time, marker, meta, by_name, chain)
           VALUES (:tid, :seq, :seq, :seq, 1, :time, false, NULL, NULL, :chain)`,
    headNew: `INSERT INTO ${s}.heads ${head}`,
    headOld: `UPDATE ${s}.heads SET raw_seq = :seq, raw_txn = :seq, raw_tomb = false, valid_seq = :seq,
                valid_txn = :seq, valid_hash = :hash, valid_tomb = false WHERE topic_id = :tid AND key = :key`,
    headUpsert: `INSERT INTO ${s}.heads AS x ${head}
                  ON CONFLICT (topic_id, key) DO UPDATE SET
                    raw_seq = EXCLUDED.raw_seq, raw_txn = EXCLUDED.raw_txn, raw_tomb = EXCLUDED.raw_tomb,
                    valid_seq = EXCLUDED.valid_seq, valid_txn = EXCLUDED.valid_txn,
                    valid_hash = EXCLUDED.valid_hash, valid_tomb = EXCLUDED.valid_tomb`,
    topic: `UPDATE ${s}.topics SET ${counters} WHERE id = :tid`,
    reads: `SELECT t.id, (SELECT max(version) FROM ${s}.tidemark_schema_version) AS v,
                   (SELECT h.valid_hash FROM ${s}.heads h WHERE h.topic_id = :tid AND h.key = :key) AS hh
              FROM ${s}.topics t WHERE t.id = :tid FOR UPDATE OF t`,
    topicChecked: `UPDATE ${s}.topics SET ${counters}
                    WHERE id = (SELECT id FROM w0 WHERE v <= ${SCHEMA_VERSION} AND hh IS DISTINCT FROM :hash)`,
    eventLean: `INSERT INTO ${s}.events (${evLean}) VALUES (${evValues}, 1, false, NULL, NULL, :chain, :keys, 0)`,
    leanReads: `SELECT (SELECT max(version) FROM ${s}.tidemark_schema_version) AS v,
                       e.seq, e.chain, e.keys, e.invalid_txns AS inv,
                       h.key IS NOT NULL AS known, h.valid_seq AS hs, h.valid_hash AS hh, h.valid_tomb AS ht
                  FROM (SELECT pg_advisory_xact_lock(:tid)) AS l
                  LEFT JOIN LATERAL (SELECT seq, chain, keys, invalid_txns FROM ${s}.events
                                      WHERE topic_id = :tid ORDER BY seq DESC LIMIT 1) e ON true
                  LEFT JOIN ${s}.heads h ON h.topic_id = :tid AND h.key = :key`,
    leanEventChecked: leanChecked(':chain'),
    leanEventCheckedChain: leanChecked(chainSql),
    leanHeadNewChecked: `INSERT INTO ${s}.heads (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn,
                           valid_hash, valid_tomb)
                         SELECT :tid, :key, w1.seq, w1.seq, false, w1.seq, w1.seq, :hash, false
                           FROM w1, w0 WHERE NOT w0.known`,
    leanHeadOldChecked: `UPDATE ${s}.heads SET raw_seq = w1.seq, raw_txn = w1.seq, raw_tomb = false,
                           valid_seq = w1.seq, valid_txn = w1.seq, valid_hash = :hash, valid_tomb = false
                           FROM w1, w0 WHERE w0.known AND topic_id = :tid AND key = :key`,
  };
}

/** chain.ts's transaction part after the time field of a transaction without by or meta. */
const TXN_TAIL = `~${NULL_META_FIELD}`;

/** chain.ts's part of a plain event after its seq field (an ASCII key, the default content type). */
function eventTail(key: string, hash: string, digest: string): string {
  return `${ascii(key)}${ascii('event')}${ascii(hash)}${ascii(digest)}${DEFAULT_CT_FIELD}~~`;
}

/** Which head statement a floor's list of parts uses where it says `head`. */
const HEAD = 'head';

interface Floor {
  name: string;
  /** DDL on the schema the store created (`s`: the quoted schema). */
  alter: (s: string) => string[];
  /** The parts written, in order; `head` is headNew or headOld, as the key is new or not. */
  writes: (keyof Parts | typeof HEAD)[];
}

const TXN_ON_EVENT = (s: string): string[] => [
  `DROP TABLE ${s}.txns`,
  `ALTER TABLE ${s}.events ADD COLUMN count integer, ADD COLUMN marker boolean, ADD COLUMN meta text,
     ADD COLUMN by_name text, ADD COLUMN chain text, ADD COLUMN invalidated_by bigint, ADD COLUMN txn_reason text`,
];

/** `lean`: txns folded into the event row, which also carries the topic's counters. */
const LEAN = (s: string): string[] => [
  ...TXN_ON_EVENT(s),
  `ALTER TABLE ${s}.events ADD COLUMN keys bigint, ADD COLUMN invalid_txns bigint`,
];

const FLOORS: Floor[] = [
  { name: 'current', alter: () => [], writes: ['event', 'txn', HEAD, 'topic'] },
  { name: 'current-upsert', alter: () => [], writes: ['event', 'txn', 'headUpsert', 'topic'] },
  { name: 'no-txns_by_name', alter: (s) => [`DROP INDEX ${s}.txns_by_name`], writes: ['event', 'txn', HEAD, 'topic'] },
  {
    name: 'no-events_by_key',
    alter: (s) => [`DROP INDEX ${s}.events_by_key`],
    writes: ['event', 'txn', HEAD, 'topic'],
  },
  {
    name: 'no-2nd-indexes',
    alter: (s) => [`DROP INDEX ${s}.txns_by_name`, `DROP INDEX ${s}.events_by_key`],
    writes: ['event', 'txn', HEAD, 'topic'],
  },
  // Not a floor: the current one plus the lock and reads any correct statement makes.
  { name: 'current+reads', alter: () => [], writes: ['reads', 'event', 'txn', HEAD, 'topicChecked'] },
  { name: 'no-topics', alter: () => [], writes: ['event', 'txn', HEAD] },
  { name: 'no-heads', alter: () => [], writes: ['event', 'txn', 'topic'] },
  { name: 'txn-in-event', alter: TXN_ON_EVENT, writes: ['eventTxn', HEAD, 'topic'] },
  { name: 'txn-in-event-no-heads', alter: TXN_ON_EVENT, writes: ['eventTxn', 'topic'] },
  { name: 'txn-in-event-no-topics', alter: TXN_ON_EVENT, writes: ['eventTxn', HEAD] },
  { name: 'events-only', alter: TXN_ON_EVENT, writes: ['eventTxn'] },
  // The topics row not written: txns folded into the event row, the topic's counters carried on
  // it (max_seq, max_txn, last_time and head are the newest row's seq, txn, time and chain).
  { name: 'lean', alter: LEAN, writes: ['eventLean', HEAD] },
  // Not floors: `lean` with the advisory lock and reads a correct statement makes, its seq,
  // counters and head decided in SQL from them; `+chain` the chain too.
  {
    name: 'lean+reads',
    alter: LEAN,
    writes: ['leanReads', 'leanEventChecked', 'leanHeadNewChecked', 'leanHeadOldChecked'],
  },
  {
    name: 'lean+reads+chain',
    alter: LEAN,
    writes: ['leanReads', 'leanEventCheckedChain', 'leanHeadNewChecked', 'leanHeadOldChecked'],
  },
  // The same with the index getTxn, listTxns and readEvents' `invalid` probe need once the txn's
  // columns are on its last event row (one entry per transaction).
  {
    name: 'lean+reads+chain+by-txn',
    alter: (s) => [...LEAN(s), `CREATE INDEX events_by_txn ON ${s}.events (topic_id, txn) WHERE count IS NOT NULL`],
    writes: ['leanReads', 'leanEventCheckedChain', 'leanHeadNewChecked', 'leanHeadOldChecked'],
  },
];

const FLOOR_NAMES = process.env.FLOORS?.split(',');

/** One statement of data-modifying CTEs (the last part the main one), `:name`s numbered `$n`. */
function statement(sqls: string[]): { text: string; params: string[] } {
  const last = sqls[sqls.length - 1]!;
  const ctes = sqls.slice(0, -1).map((x, i) => `w${i} AS (${x})`);
  const sql = ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n${last}` : last;
  const params: string[] = [];
  // `:name` but not a cast's `::type`.
  const text = sql.replace(/(?<!:):([a-z]+)/g, (_, p: string) => {
    if (!params.includes(p)) params.push(p);
    return `$${params.indexOf(p) + 1}`;
  });
  return { text, params };
}

/** A floor's side: its schema made by the store and changed by its DDL, one connection. */
async function floorSide(f: Floor, schema: string, url: string): Promise<Side> {
  const store = await openTreeStore(resolve('.'), url, schema);
  await store.close();
  const s = `"${schema}"`;
  const { c, pid } = await connectWithPid(url);
  for (const sql of f.alter(s)) await c.query(sql);
  const tid = (await c.query<{ id: number }>(`INSERT INTO ${s}.topics (topic) VALUES ('floor') RETURNING id`)).rows[0]!
    .id;
  const p = parts(s);
  const of = (head: keyof Parts): { name: string; text: string; params: string[] } => ({
    name: `floor_${head}`,
    ...statement(f.writes.map((w) => p[w === HEAD ? head : w])),
  });
  const stNew = of('headNew');
  const stOld = of('headOld');
  const seen = new Set<string>();
  let seq = 0;
  let chain = GENESIS;
  const rows: ReturnType<typeof tradeRow>[] = [];
  return {
    name: `F ${f.name}`,
    pids: [pid],
    async run(from, count) {
      for (let i = 0; i < count; i++) rows[i] = tradeRow(from + i, KEYS);
      for (let i = 0; i < count; i++) {
        const r = rows[i]!;
        seq++;
        const time = new Date().toISOString();
        chain = createHash('sha256').update(`${chain}${seq}${time}${r.hash}`).digest('hex');
        const isNew = !seen.has(r.key);
        if (isNew) seen.add(r.key);
        const st = isNew ? stNew : stOld;
        const v: Record<string, unknown> = { tid, seq, key: r.key, data: r.data, hash: r.hash, time, chain };
        v.keys = seen.size;
        // The chain's parts the client lays out (`lean+reads+chain`; append-fn.ts `chainTails`).
        if (st.params.includes('etail')) {
          v.ttail = TXN_TAIL;
          v.etail = eventTail(r.key, r.hash, dataDigest(r.data));
        }
        await c.query({ name: st.name, text: st.text, values: st.params.map((x) => v[x]) });
      }
    },
    close: () => c.end(),
  };
}

/** The sides, each in a schema of its own (`schemas` collects them for the caller to drop). */
async function makeSides(admin: pg.Client, url: string, schemas: string[], sides: Side[]): Promise<Side | null> {
  const schema = (): string => {
    const s = `tm_floor_${process.pid}_${schemas.length}`;
    schemas.push(s);
    return s;
  };
  const s0 = schema();
  await admin.query(`CREATE SCHEMA "${s0}"`);
  for (const oneStatement of [false, true]) sides.push(await rawSide(s0, oneStatement, KEYS, url));
  // The store's side warms itself (its backends are the ones it opened by then).
  const tree = WITH_TIDEMARK ? await treeSide(admin, resolve('.'), schema(), KEYS, WARM, url) : null;
  if (tree !== null) sides.push(tree);
  for (const f of FLOORS) {
    if (FLOOR_NAMES !== undefined && !FLOOR_NAMES.includes(f.name)) continue;
    sides.push(await floorSide(f, schema(), url));
  }
  return tree;
}

async function timing(admin: pg.Client): Promise<void> {
  const schemas: string[] = [];
  const sides: Side[] = [];
  try {
    const tree = await makeSides(admin, PG_URL, schemas, sides);
    for (const side of sides) if (side !== tree) await side.run(2_000_000, WARM);
    const blocks = await runBlocks(sides, ROUNDS, BLOCK);
    console.log(`${ROUNDS} rounds x ${BLOCK} single-event txns per side, keys ${KEYS}, load ${loadAvg()}`);
    printBlocks(sides, blocks, { raw: 0, ref: WITH_TIDEMARK ? 3 : 2 });
  } finally {
    for (const s of sides) await s.close();
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  }
}

/** WAL records per append of each side, in a throwaway database (pg-sides.ts `withWalDatabase`). */
async function wal(admin: pg.Client): Promise<void> {
  const sides: Side[] = [];
  try {
    await withWalDatabase(admin, 'tm_floor_wal', async (c, url) => {
      const admin2 = new pg.Client({ connectionString: url });
      await admin2.connect();
      try {
        await makeSides(admin2, url, [], sides);
      } finally {
        await admin2.end();
      }
      console.log(`WAL per append: ${N} single-event txns per side after ${WARM}, keys ${KEYS}, load ${loadAvg()}`);
      let from = 0;
      for (const side of sides) {
        await side.run(2_000_000 + from, WARM);
        await new Promise((r) => setTimeout(r, 50));
        const start = await walLsn(c);
        await side.run(from, N);
        const end = await walLsn(c);
        from += N;
        const rows = await walRecords(c, start, end);
        const n = rows.reduce((a, x) => a + x.n, 0);
        const bytes = rows.reduce((a, x) => a + x.bytes, 0);
        const each = rows
          .filter((x) => x.n / N >= 0.05)
          .map((x) => `${x.rm}/${x.rt} ${(x.n / N).toFixed(2)}`)
          .join(', ');
        console.log(`${side.name.padEnd(28)} ${(n / N).toFixed(2)} records ${(bytes / N).toFixed(0)} B  (${each})`);
      }
      // Closed before the database is dropped.
      for (const s of sides.splice(0)) await s.close();
    });
  } finally {
    for (const s of sides) await s.close().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await (WAL ? wal(admin) : timing(admin));
  } finally {
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
