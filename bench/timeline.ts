/**
 * Timeline benchmark (the `timeline` section of `npm run bench`, or `npx tsx bench/timeline.ts`):
 * what the Overview chart costs on a topic of 100,000 transactions (one event each, plus one big
 * transaction and an invalidation), behind a real server on loopback, over a SQLite file and over
 * PostgreSQL (TIDEMARK_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres, in a
 * fresh schema dropped afterwards; skipped when unreachable). Baseline, per backend: listing every
 * transaction through `GET …/txns` (pages of 10,000, the most a page holds), which is what a
 * client would read to draw the chart itself. Measured: `GET …/timeline` (200 buckets, the app's
 * default), a zoom into the middle half of the range, 2,000 buckets (the limit), and
 * `EventStore.timeline` directly (no HTTP). Prints the median and p90 of each, the bytes answered
 * and the ratio to the baseline, and writes bench/out/timeline.json. TIDEMARK_BENCH_SCALE shrinks
 * the topic for a smoke run.
 */
import { join } from 'node:path';
import pg from 'pg';
import type { Timeline, TxnPage } from '../src-core/model/types';
import { startServer } from '../src-core/server/index';
import { openPostgresStore } from '../src-core/store/postgres/index';
import { openSqliteStore } from '../src-core/store/sqlite/index';
import type { EventStore } from '../src-core/store/types';
import {
  PG_URL,
  fmtInt,
  fmtMs,
  isMain,
  median,
  now,
  percentile,
  printTable,
  scaled,
  tempDir,
  writeFigures,
} from './util';

const TXNS = scaled(100_000, 1000);
const CHUNK = 10_000;
const RUNS = { baseline: 5, timeline: 20 };
const TOPIC = 'bench.timeline';

interface Figure {
  backend: string;
  name: string;
  medianMs: number;
  p90Ms: number;
  bytes: number;
  /** Baseline median over this one's. */
  timesFaster?: number;
}

async function measure(runs: number, fn: () => Promise<number>): Promise<{ times: number[]; bytes: number }> {
  await fn(); // warm-up
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    bytes = await fn();
    times.push(now() - t0);
  }
  return { times, bytes };
}

/** The topic: TXNS one-event transactions in chunks a little apart, a big one, an invalidation. */
async function fill(store: EventStore): Promise<void> {
  const t0 = now();
  for (let start = 0; start < TXNS; start += CHUNK) {
    const size = Math.min(CHUNK, TXNS - start);
    const r = await store.appendBatch(
      Array.from({ length: size }, (_, j) => ({
        topic: TOPIC,
        events: [{ key: `k${(start + j) % 5000}`, data: start + j }],
      })),
    );
    if (r.error !== null) throw new Error(r.error.message);
    await new Promise((res) => setTimeout(res, 2));
  }
  await store.append(TOPIC, { events: Array.from({ length: 5000 }, (_, i) => ({ key: `big${i}`, data: i })) });
  await store.invalidate(TOPIC, Math.ceil(TXNS / 2), 'bench');
  const info = await store.topicInfo(TOPIC);
  console.log(
    `${store.kind}: ${fmtInt(info.maxTxn)} transactions, ${fmtInt(info.events)} events, written in ${fmtMs(now() - t0)} ms`,
  );
}

async function measureBackend(store: EventStore): Promise<Figure[]> {
  await fill(store);
  const server = await startServer({ store, port: 0 });
  try {
    const base = `${server.url}/v1/topics/${encodeURIComponent(TOPIC)}`;
    const get = async (url: string): Promise<string> => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      return res.text();
    };
    const whole = JSON.parse(await get(`${base}/timeline`)) as Timeline;
    const from = Date.parse(whole.from!);
    const span = Date.parse(whole.to!) - from;
    const zoom = `from=${new Date(from + span / 4).toISOString()}&to=${new Date(from + (3 * span) / 4).toISOString()}`;
    const cases: Array<[string, number, () => Promise<number>]> = [
      [
        'baseline: GET …/txns, every page of 10,000',
        RUNS.baseline,
        async () => {
          let bytes = 0;
          let after = 0;
          for (;;) {
            const text = await get(`${base}/txns?limit=10000&after=${after}`);
            bytes += text.length;
            const page = JSON.parse(text) as TxnPage;
            if (page.next === null) return bytes;
            after = page.next;
          }
        },
      ],
      ['GET …/timeline (200 buckets)', RUNS.timeline, async () => (await get(`${base}/timeline`)).length],
      [
        'GET …/timeline, zoomed to the middle half',
        RUNS.timeline,
        async () => (await get(`${base}/timeline?${zoom}`)).length,
      ],
      ['GET …/timeline?buckets=2000', RUNS.timeline, async () => (await get(`${base}/timeline?buckets=2000`)).length],
      ['EventStore.timeline (no HTTP)', RUNS.timeline, async () => JSON.stringify(await store.timeline(TOPIC)).length],
    ];
    const figures: Figure[] = [];
    for (const [name, runs, fn] of cases) {
      const { times, bytes } = await measure(runs, fn);
      figures.push({ backend: store.kind, name, medianMs: median(times), p90Ms: percentile(times, 90), bytes });
    }
    const baseline = figures[0]!.medianMs;
    for (const f of figures.slice(1)) f.timesFaster = baseline / f.medianMs;
    return figures;
  } finally {
    await server.close();
  }
}

async function sqliteFigures(): Promise<Figure[]> {
  const { dir, cleanup } = tempDir('timeline');
  const store = openSqliteStore(join(dir, 'timeline.db'));
  try {
    return await measureBackend(store);
  } finally {
    await store.close();
    cleanup();
  }
}

async function pgFigures(): Promise<Figure[]> {
  const schema = `tm_bench_timeline_${process.pid}`;
  let store: EventStore;
  try {
    store = await openPostgresStore({ url: PG_URL, schema });
  } catch (err) {
    console.log(`postgres: skipped (${err instanceof Error ? err.message : String(err)})`);
    return [];
  }
  try {
    return await measureBackend(store);
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
}

export async function run(): Promise<void> {
  const figures = [...(await sqliteFigures()), ...(await pgFigures())];
  printTable(
    ['backend', 'case', 'median ms', 'p90 ms', 'bytes', 'vs baseline'],
    figures.map((f) => [
      f.backend,
      f.name,
      fmtMs(f.medianMs),
      fmtMs(f.p90Ms),
      fmtInt(f.bytes),
      f.timesFaster === undefined ? '' : `${f.timesFaster.toFixed(1)}x faster`,
    ]),
  );
  console.log(`figures written to ${writeFigures('timeline', { txns: TXNS, figures })}`);
}

if (isMain(import.meta.url)) await run();
