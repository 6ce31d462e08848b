/**
 * Read benchmark (`npm run bench -- reads`): every Tidemark read figure beside a raw driver
 * baseline measured in the same run, on the same rows, alternating baseline and Tidemark runs
 * (median of the rounds; each ratio is the median of the per-round ratios).
 * 1. SQLite, a topic read in order (pages of 1000 through `readEvents`) against better-sqlite3
 *    running the same SELECT of the same columns on the same file, page by page (rows as objects,
 *    data left as text: the driver's own cost).
 * 2. SQLite, a full surface scan (pages of 1000 through `surface`) against better-sqlite3 running
 *    the engine's surface SELECT (heads joined to events in key order) on the same file.
 * 3. HTTP, `GET /v1/topics/T/events?after=N&limit=1000` pages read in order from a real server in a
 *    child process (bench/http-server.ts; the clients are in bench/reads-http.ts) over the same file, against the embedded read rate of 1.
 *    The client reads each body whole and takes the cursor from its tail, so what is measured is
 *    the server writing pages; it asks for the next page as soon as a response's headers announce
 *    its cursor (`Tidemark-Next`, one page ahead), as the HTTP store's `eventPages` does. Shown
 *    beside it, for information: the same pages through `eventPages` itself (fetch, JSON parsed).
 *    For information, with the server's CPU per event (from /proc): every transaction as
 *    `GET …/txns/N` against the embedded `getTxn`, and the whole topic as the SSE stream's backlog
 *    (`GET …/events/stream?after=0`, bytes scanned for the last id, not parsed) against the
 *    embedded read; and the surface export in CSV and NDJSON against two embedded surface scans.
 * 4. PostgreSQL (TIDEMARK_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres; skipped
 *    with the reason when unreachable): the same two reads against node-postgres running the same
 *    SELECTs on the store's own tables, in a fresh schema dropped at the end.
 * Prints events/s and ratios with the targets; writes bench/out/reads.json. TIDEMARK_BENCH_SCALE
 * shrinks the sizes.
 */
import { Agent } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { EventInput } from '../src-core/model/types';
import type { EventStore } from '../src-core/store/types';
import { openPostgresStore } from '../src-core/store/postgres/index';
import { openSqliteStore } from '../src-core/store/sqlite/index';
import { type HttpEventStore, openHttpStore } from '../src-core/store/http/index';
import { EVENT_COLS, SURFACE_COLS, surfaceSql } from '../src-core/store/sqlite/statements';
import {
  type ReadTopic,
  httpExport,
  httpRead,
  httpSse,
  httpStoreRead,
  httpTxns,
  serverCpuOf,
  startServer,
} from './reads-http';
import {
  PG_URL,
  SCALE,
  fmtInt,
  median,
  now,
  pct,
  printTable,
  scaled,
  targetCells,
  tempDir,
  tradeEvent,
  writeFigures,
} from './util';

const SIZES = { events: scaled(200_000), keys: scaled(20_000), page: 1000, rounds: 5 };
const TARGETS = { read: 0.7, surface: 0.7, http: 0.5 };
const TOPIC = 'reads';

async function build(store: EventStore): Promise<void> {
  for (let i = 0; i < SIZES.events;) {
    const txns = [];
    for (let t = 0; t < 10 && i < SIZES.events; t++) {
      const events: EventInput[] = [];
      for (let j = 0; j < 1000 && i < SIZES.events; j++, i++) events.push(tradeEvent(i, SIZES.keys));
      txns.push({ topic: TOPIC, events });
    }
    const res = await store.appendBatch(txns);
    if (res.error !== null) throw new Error(res.error.message);
  }
}

/** Rows per second of `scan`, which returns how many rows it read; checks the count. */
async function rate(expected: number, scan: () => Promise<number> | number): Promise<number> {
  const t0 = now();
  const rows = await scan();
  const secs = (now() - t0) / 1000;
  if (rows !== expected) throw new Error(`a scan read ${rows} rows, expected ${expected}`);
  return rows / secs;
}

async function tmRead(store: EventStore): Promise<number> {
  let after = 0;
  let rows = 0;
  for (;;) {
    const p = await store.readEvents(TOPIC, { after, limit: SIZES.page });
    rows += p.events.length;
    if (p.next === null) return rows;
    after = p.next;
  }
}

async function tmSurface(store: EventStore): Promise<number> {
  let after: string | undefined;
  let rows = 0;
  for (;;) {
    const p = await store.surface(TOPIC, after === undefined ? { limit: SIZES.page } : { limit: SIZES.page, after });
    rows += p.rows.length;
    if (p.next === null) return rows;
    after = p.next;
  }
}

interface Pair {
  raw: number[];
  tm: number[];
}

/** CPU (user + system) this process spent, in µs, in the calls `cpuOf` wrapped, by label. */
const cpuSpent = new Map<string, number>();

/** `scan` with the CPU this process spends on it added to `cpuSpent[label]`. */
function cpuOf(label: string, scan: () => Promise<number> | number): () => Promise<number> {
  return async () => {
    const c0 = process.cpuUsage();
    const rows = await scan();
    const c = process.cpuUsage(c0);
    cpuSpent.set(label, (cpuSpent.get(label) ?? 0) + c.user + c.system);
    return rows;
  };
}

/** Alternates the baseline and Tidemark `SIZES.rounds` times. */
async function pair(expected: number, raw: () => Promise<number> | number, tm: () => Promise<number>): Promise<Pair> {
  const out: Pair = { raw: [], tm: [] };
  await rate(expected, tm); // warm-up (statement caches, JIT), not counted
  for (let r = 0; r < SIZES.rounds; r++) {
    out.raw.push(await rate(expected, raw));
    out.tm.push(await rate(expected, tm));
  }
  return out;
}

const ratioOf = (p: Pair): number => median(p.tm.map((x, i) => x / p.raw[i]!));

/** A table row; with no target, a figure shown for information. */
function row(name: string, p: Pair, target: number | null): string[] {
  const r = ratioOf(p);
  return [name, fmtInt(median(p.raw)), fmtInt(median(p.tm)), pct(r), ...targetCells(r, target, '—')];
}

function sqliteRaw(file: string) {
  const db = new Database(file, { readonly: true });
  const topicId = (db.prepare('SELECT id FROM topics WHERE name = ?').get(TOPIC) as { id: number }).id;
  const events = db.prepare<[number, number, number], { seq: number }>(
    `SELECT ${EVENT_COLS} FROM events e WHERE e.topic_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`,
  );
  const first = db.prepare<[{ topic: number; limit: number }], { key: string }>(
    surfaceSql(['l.topic_id = @topic'], false, false, false, SURFACE_COLS),
  );
  const next = db.prepare<[{ topic: number; limit: number; lower: string }], { key: string }>(
    surfaceSql(['l.topic_id = @topic', 'l.key > @lower'], false, false, false, SURFACE_COLS),
  );
  return {
    read(): number {
      let after = 0;
      let rows = 0;
      for (;;) {
        const page = events.all(topicId, after, SIZES.page);
        rows += page.length;
        if (page.length < SIZES.page) return rows;
        after = page[page.length - 1]!.seq;
      }
    },
    surface(): number {
      let rows = 0;
      let page = first.all({ topic: topicId, limit: SIZES.page });
      for (;;) {
        rows += page.length;
        if (page.length < SIZES.page) return rows;
        page = next.all({ topic: topicId, limit: SIZES.page, lower: page[page.length - 1]!.key });
      }
    },
    close: () => db.close(),
  };
}

/** Transactions in the bench's topic (`build` writes 1,000 events per transaction). */
const TXNS = Math.ceil(SIZES.events / 1000);

/** The bench's topic as the HTTP clients (reads-http.ts) read it. */
const READ_TOPIC: ReadTopic = { name: TOPIC, events: SIZES.events, txns: TXNS, page: SIZES.page };

/** Every transaction through the store's `getTxn`; returns the events read. */
async function tmTxns(store: EventStore): Promise<number> {
  let rows = 0;
  for (let t = 1; t <= TXNS; t++) rows += (await store.getTxn(TOPIC, t)).events.length;
  return rows;
}

async function sqliteSection(dir: string): Promise<Record<string, Pair | undefined>> {
  const file = join(dir, 'reads.db');
  const store = openSqliteStore(file);
  await build(store);
  const raw = sqliteRaw(file);
  try {
    const read = await pair(
      SIZES.events,
      () => raw.read(),
      () => tmRead(store),
    );
    const surface = await pair(
      SIZES.keys,
      () => raw.surface(),
      () => tmSurface(store),
    );
    const { url, child, cpu } = await startServer(file);
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    let stopped = false;
    try {
      // CPU per event of each side (less sensitive to a loaded machine than the rates): the
      // embedded read, the client of the pages, and the server (its CPU since the reset below,
      // the warm-up round included).
      const httpStore = openHttpStore({ url });
      // Trees before eventPages: this row is left out.
      const viaStore =
        typeof (httpStore as Partial<HttpEventStore>).eventPages === 'function'
          ? await pair(
              SIZES.events,
              () => tmRead(store),
              cpuOf('store client', () => httpStoreRead(READ_TOPIC, httpStore)),
            ).finally(() => httpStore.close())
          : undefined;
      const txns = await pair(
        SIZES.events,
        () => tmTxns(store),
        serverCpuOf(cpuSpent, 'txns server', child.pid, () => httpTxns(READ_TOPIC, agent, url)),
      );
      const sse = await pair(
        SIZES.events,
        () => tmRead(store),
        serverCpuOf(cpuSpent, 'sse server', child.pid, () => httpSse(READ_TOPIC, url)),
      );
      const exported = await pair(
        2 * SIZES.keys,
        async () => (await tmSurface(store)) + (await tmSurface(store)),
        serverCpuOf(cpuSpent, 'export server', child.pid, () => httpExport(READ_TOPIC, agent, url)),
      );
      child.kill('SIGUSR2');
      const http = await pair(
        SIZES.events,
        cpuOf('embedded', () => tmRead(store)),
        cpuOf('client', () => httpRead(READ_TOPIC, agent, url)),
      );
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      stopped = true;
      const u = cpu();
      if (u) cpuSpent.set('server', (u.userMs + u.systemMs) * 1000);
      return { read, surface, http, txns, sse, exported, ...(viaStore ? { viaStore } : {}) };
    } finally {
      agent.destroy();
      if (!stopped) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
  } finally {
    raw.close();
    await store.close();
  }
}

async function pgSection(): Promise<Record<string, Pair> | string> {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    return `PostgreSQL at ${PG_URL} unreachable (${err instanceof Error ? err.message : String(err)})`;
  }
  const schema = `tm_reads_${process.pid}`;
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const store = await openPostgresStore({ url: PG_URL, schema });
    try {
      await build(store);
      await admin.query(`SET search_path TO "${schema}"`);
      const id = (await admin.query<{ id: number }>('SELECT id FROM topics WHERE topic = $1', [TOPIC])).rows[0]!.id;
      const rawRead = async (): Promise<number> => {
        let after = 0;
        let rows = 0;
        for (;;) {
          const res = await admin.query<{ seq: number }>({
            name: 'raw-read',
            text: `SELECT e.seq, e.txn, e.key, e.type, e.data, e.content_type, e.hash, e.time, e.target, e.reason,
                     (x.invalidated_by IS NOT NULL) AS invalid
                     FROM events e LEFT JOIN txns x ON x.topic_id = e.topic_id AND x.txn = e.txn
                    WHERE e.topic_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
            values: [id, after, SIZES.page],
          });
          rows += res.rows.length;
          if (res.rows.length < SIZES.page) return rows;
          after = res.rows[res.rows.length - 1]!.seq;
        }
      };
      const rawSurface = async (): Promise<number> => {
        let after = '';
        let rows = 0;
        for (;;) {
          const res = await admin.query<{ key: string }>({
            name: 'raw-surface',
            text: `SELECT h.key, e.seq, e.txn, e.hash, e.data, e.time, (x.invalidated_by IS NOT NULL) AS invalid
                     FROM heads h JOIN events e ON e.topic_id = h.topic_id AND e.seq = h.valid_seq
                     LEFT JOIN txns x ON x.topic_id = e.topic_id AND x.txn = e.txn
                    WHERE h.topic_id = $1 AND h.valid_seq IS NOT NULL AND NOT h.valid_tomb AND h.key > $2
                    ORDER BY h.key LIMIT $3`,
            values: [id, after, SIZES.page],
          });
          rows += res.rows.length;
          if (res.rows.length < SIZES.page) return rows;
          after = res.rows[res.rows.length - 1]!.key;
        }
      };
      const read = await pair(SIZES.events, rawRead, () => tmRead(store));
      const surface = await pair(SIZES.keys, rawSurface, () => tmSurface(store));
      return { read, surface };
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

export async function run(): Promise<void> {
  const tmp = tempDir('reads');
  try {
    console.log(
      `reads: ${fmtInt(SIZES.events)} events over ${fmtInt(SIZES.keys)} keys, pages of ${SIZES.page}, ` +
        `${SIZES.rounds} alternating rounds (median); scale ${SCALE}\n`,
    );
    const s = await sqliteSection(tmp.dir);
    const p = await pgSection();
    const header = ['read (events or rows/s)', 'baseline', 'tidemark', 'ratio', 'target', ''];
    const rows = [
      row('SQLite, topic in order (raw: better-sqlite3)', s.read!, TARGETS.read),
      row('SQLite, surface full scan (raw: better-sqlite3)', s.surface!, TARGETS.surface),
      row('HTTP GET …/events pages (baseline: embedded read)', s.http!, TARGETS.http),
    ];
    if (s.viaStore) rows.push(row('HTTP store eventPages, parsed (baseline: embedded)', s.viaStore, null));
    rows.push(row('HTTP GET …/txns/N, every txn (baseline: getTxn)', s.txns!, null));
    rows.push(row('HTTP SSE backlog, whole topic (baseline: embedded)', s.sse!, null));
    rows.push(row('HTTP surface export, CSV + NDJSON (baseline: surface)', s.exported!, null));
    if (typeof p === 'string') console.log(`PostgreSQL skipped: ${p}`);
    else {
      rows.push(row('PostgreSQL, topic in order (raw: node-postgres)', p.read!, TARGETS.read));
      rows.push(row('PostgreSQL, surface full scan (raw: node-postgres)', p.surface!, TARGETS.surface));
    }
    printTable(header, rows);
    // Embedded and client: the counted rounds and the warm-up; server: the same rounds, served.
    const perEvent = (label: string): string => {
      const us = cpuSpent.get(label);
      return us === undefined ? 'n/a' : `${(us / (SIZES.events * (SIZES.rounds + 1))).toFixed(2)} µs`;
    };
    const cpu = {
      embeddedUsPerEvent: perEvent('embedded'),
      httpServerUsPerEvent: perEvent('server'),
      httpClientUsPerEvent: perEvent('client'),
      httpStoreClientUsPerEvent: perEvent('store client'),
      txnsServerUsPerEvent: perEvent('txns server'),
      sseServerUsPerEvent: perEvent('sse server'),
      exportServerUsPerRow: (() => {
        const us = cpuSpent.get('export server');
        return us === undefined ? 'n/a' : `${(us / (2 * SIZES.keys * (SIZES.rounds + 1))).toFixed(2)} µs`;
      })(),
    };
    console.log(
      `server CPU per event (/proc): GET …/txns/N ${cpu.txnsServerUsPerEvent}, SSE backlog ${cpu.sseServerUsPerEvent}; ` +
        `per exported row ${cpu.exportServerUsPerRow}`,
    );
    console.log(
      `CPU per event: embedded read ${cpu.embeddedUsPerEvent}; HTTP pages: server ${cpu.httpServerUsPerEvent}, ` +
        `client ${cpu.httpClientUsPerEvent}; HTTP store's eventPages client ${cpu.httpStoreClientUsPerEvent}`,
    );
    const figures = { when: new Date().toISOString(), scale: SCALE, sizes: SIZES, sqlite: s, pg: p, cpu };
    console.log(`figures written to ${writeFigures('reads', figures)}`);
  } finally {
    tmp.cleanup();
  }
}
