/**
 * The floor of the set-based append, a side of bench/pg-set-ab.ts (`FLOOR=1`): the rows a
 * Tidemark append of many events writes (its events, its txn row, its keys' heads inserted or
 * updated, its topic's counters and head), in a store's own schema (its tables, indexes and
 * heads fillfactor as `openPostgresStore` made them), written by the least SQL that could write
 * them: one autocommit statement per transaction whose every value the client computed before the
 * clock started (seqs, txn, time, which heads exist, the keys' delta, a chain of the right
 * length), so no lookup of a head before it is written, no de-duplication, no numbering, no chain
 * and no topic lock taken apart from the topic row's update. Its parameters are serialised before
 * the clock too (the data joined by U+001E, the keys and hashes by commas, as the set kind sends
 * them), so the clock holds the driver's send, the server's statement and the answer. Not a store:
 * a floor to subtract from (docs/bench.md, "Eighth pass: 1,000 events per transaction, the set
 * path's floor").
 */
import pg from 'pg';
import type { EventInput } from '../src-core/model/types';
import { hashCanonical } from '../src-core/store/hash';
import { PG_URL, rawRowOf } from './util';

export interface FloorSide {
  pid: number;
  /** Before the clock: the block's topic row (its id for the statements). */
  prepare: (block: number) => Promise<void>;
  run: (block: number) => Promise<void>;
  close: () => Promise<void>;
}

/** One transaction's statement parameters, but for the topic id ($1), set by `prepare`. */
type Params = (string | number | null)[];

/**
 * The floor side for `txns` (a fresh topic per block, as pg-set-ab.ts writes) in `schema`, a
 * Tidemark schema already created (pg-set-ab.ts opens the first tree's store in it).
 */
export async function floorSide(schema: string, txns: EventInput[][]): Promise<FloorSide> {
  const s = `"${schema}"`;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  const pid = (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
  // The plan a correct store would want: each existing head found by its primary key.
  await c.query('SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_seqscan = off');
  // Every value, computed once: the workload is the same each block (a fresh topic).
  const params: Params[] = [];
  const heads = new Map<string, boolean>(); // key -> tombstone? (never here)
  let maxSeq = 0;
  const time = '2026-12-01T00:00:00.000Z';
  for (let t = 0; t < txns.length; t++) {
    const events = txns[t]!;
    const keys: string[] = [];
    const data: string[] = [];
    const hashes: string[] = [];
    const last = new Map<string, number>();
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const r = rawRowOf(e);
      keys.push(r.key);
      data.push(r.data);
      hashes.push(r.hash);
      last.set(e.key, i);
    }
    const newK: string[] = [];
    const newS: number[] = [];
    const newH: string[] = [];
    const oldK: string[] = [];
    const oldS: number[] = [];
    const oldH: string[] = [];
    let kd = 0;
    for (const [k, i] of last) {
      const [K, S, H] = heads.has(k) ? [oldK, oldS, oldH] : [newK, newS, newH];
      if (!heads.has(k)) kd++;
      K.push(k);
      S.push(maxSeq + i + 1);
      H.push(hashes[i]!);
      heads.set(k, false);
    }
    params.push([
      maxSeq,
      t + 1,
      events.length,
      kd,
      time,
      hashCanonical(`chain ${t}`),
      keys.join(','),
      data.join('\u001e'),
      hashes.join(','),
      newK.join(','),
      newS.join(','),
      newH.join(','),
      oldK.join(','),
      oldS.join(','),
      oldH.join(','),
    ]);
    maxSeq += events.length;
  }
  // $1 topic id, $2 max_seq before, $3 txn, $4 count, $5 keys delta, $6 time, $7 chain, $8 keys,
  // $9 data, $10 hashes, $11-13 the new heads' keys, seqs, hashes, $14-16 the existing heads'.
  const sql = `WITH tp AS (
      UPDATE ${s}.topics SET max_seq = $2::bigint + $4, max_txn = $3, keys = keys + $5, last_time = $6, head = $7 WHERE id = $1
    ), ev AS (
      INSERT INTO ${s}.events (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
      SELECT $1, $2::bigint + u.o, $3, u.k, 'event', u.d, false, 'application/json', u.h, $6
        FROM unnest(string_to_array($8, ','), string_to_array($9, chr(30)), string_to_array($10, ',')) WITH ORDINALITY AS u(k, d, h, o)
    ), tx AS (
      INSERT INTO ${s}.txns (topic_id, txn, first_seq, last_seq, count, time, marker, meta, by_name, chain)
      VALUES ($1, $3, $2::bigint + 1, $2::bigint + $4, $4, $6, false, NULL, NULL, $7)
    ), hn AS (
      INSERT INTO ${s}.heads (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
      SELECT $1, u.k, u.s, $3, false, u.s, $3, u.h, false
        FROM unnest(string_to_array($11, ','), string_to_array($12, ',')::bigint[], string_to_array($13, ',')) AS u(k, s, h)
    )
    UPDATE ${s}.heads x SET raw_seq = u.s, raw_txn = $3, raw_tomb = false, valid_seq = u.s, valid_txn = $3, valid_hash = u.h, valid_tomb = false
      FROM unnest(string_to_array($14, ','), string_to_array($15, ',')::bigint[], string_to_array($16, ',')) AS u(k, s, h)
     WHERE x.topic_id = $1 AND x.key = u.k COLLATE "C"`;
  let topicId = 0;
  return {
    pid,
    prepare: async (block) => {
      const r = await c.query<{ id: number }>(`INSERT INTO ${s}.topics (topic) VALUES ($1) RETURNING id`, [
        `floor.${block}`,
      ]);
      topicId = r.rows[0]!.id;
    },
    run: async () => {
      for (const p of params) {
        const [base, txn, count, kd, t, chain, ...rest] = p;
        await c.query({
          name: 'tm_set_floor',
          text: sql,
          values: [topicId, base, txn, count, kd, t, chain, ...rest],
        });
      }
    },
    close: () => c.end(),
  };
}
