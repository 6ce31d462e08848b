/**
 * Live fan-out benchmark (`npm run bench -- fanout`): 100 SSE tails on one topic. The server runs
 * in a child process (bench/fanout-server.ts), the 100 receivers in another
 * (bench/fanout-clients.ts: they check every id arrives once and in order, and parse a sample to
 * read the send time embedded in each event), and this process appends. In one run, for both:
 * 1. Tidemark: `POST /v1/topics/{t}/txns` to the real server over SQLite (synchronous=FULL), the
 *    receivers on `GET /v1/topics/{t}/events/stream`;
 * 2. the baseline: a bare node:http SSE server that parses the same POST bodies and writes the
 *    events, padded to Tidemark's size, to the same 100 clients.
 * Each rate step appends R x STEP_MS events, each falling due at its time at R events/s (one
 * request in flight; what fell due meanwhile goes in the next, so batches grow with the rate), and
 * each carries the time it fell due. Delivery latency is a client's receive time minus that time,
 * so it counts the server's slowness to take appends as well as to send. A step passes when every
 * client got every event (no gap, no duplicate) and the last by 1 s after it fell due, and no
 * sampled latency reached 1 s. Rates double from RATE0 until a step fails (or halve until one
 * passes), then a bisection narrows the boundary. Prints the highest passing rate of each, the
 * ratio (target >= 50%), p50/p99 latency at that rate, and each server's CPU time per appended
 * event at that rate and at REF_RATE (what stays comparable when other work shares the machine);
 * writes bench/out/fanout.json. TIDEMARK_BENCH_SCALE shortens the steps for a smoke run;
 * TIDEMARK_FANOUT_PROF=DIR writes a CPU profile of each server child into DIR. Starting and
 * driving the two children is bench/fanout-children.ts.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Receivers, type ServerChild, startReceivers, startServerChild } from './fanout-children';
import {
  SCALE,
  fmtInt,
  fmtMs,
  isMain,
  keyOf,
  now,
  percentile,
  printTable,
  scaled,
  tempDir,
  verdict,
  writeFigures,
} from './util';

const CLIENTS = 100;
const TOPIC = 'bench.fanout';
const STEP_MS = scaled(3000, 500);
const RATE0 = 1000;
const RATE_MIN = 125;
/** The rate at which both servers' CPU per event is compared (every search that passes 2,000/s steps on it). */
const REF_RATE = 4000;
const RATE_MAX = 512_000;
const BISECTIONS = 3;
const MAX_PER_REQUEST = 5000;
const LAG_MS = 1000;
const TARGET_RATIO = 0.5;

const wallNow = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The i-th appended event: a trade-like body carrying its send time `t` (unique, so never a duplicate). */
function fanEvent(i: number, t: number): { key: string; data: Record<string, unknown> } {
  return {
    key: keyOf(i, 10_000),
    data: {
      account: `ACC-${i % 97}`,
      instrument: `ISIN${String(i % 5003).padStart(8, '0')}`,
      qty: (i % 500) + 1,
      i,
      t,
    },
  };
}

interface Target {
  name: string;
  appendUrl: string;
  /** The id of the last event the server numbered, from its answer. */
  lastOf(body: unknown): number;
}

/**
 * Appends rate x STEP_MS events, each when it is due at `rate` events/s (one request in flight:
 * what fell due meanwhile goes in the next); returns the events sent, the seconds taken from the
 * first to the last answer and the last id.
 */
async function appendAt(
  target: Target,
  rate: number,
  first: number,
): Promise<{ sent: number; seconds: number; last: number }> {
  const total = Math.max(1, Math.round((rate * STEP_MS) / 1000));
  let sent = 0;
  let last = 0;
  const t0 = now();
  const wall0 = wallNow();
  while (sent < total) {
    const elapsed = now() - t0;
    const due = Math.min(total, Math.floor((rate * elapsed) / 1000) + 1) - sent;
    if (due <= 0) {
      await sleep(Math.max(1, Math.min(5, (sent * 1000) / rate - elapsed)));
      continue;
    }
    const k = Math.min(due, MAX_PER_REQUEST);
    // Each event carries the time it fell due, so a server slow to take appends shows as latency.
    const events = Array.from({ length: k }, (_, j) => fanEvent(first + sent + j, wall0 + ((sent + j) * 1000) / rate));
    const res = await fetch(target.appendUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    const body: unknown = await res.json();
    if (!res.ok) throw new Error(`${target.name}: append answered ${res.status}: ${JSON.stringify(body)}`);
    last = target.lastOf(body);
    sent += k;
  }
  return { sent, seconds: (now() - t0) / 1000, last };
}

interface Step {
  rate: number;
  achieved: number;
  pass: boolean;
  why: string;
  p50ms: number;
  p99ms: number;
  maxMs: number;
  bytesPerEvent: number;
  /** The server's CPU time per appended event in this step, µs. */
  serverCpuUs: number;
}

/** Step search over rates for one server: doubling, then bisection. */
async function search(
  target: Target,
  server: ServerChild,
  rx: Receivers,
  startId: number,
): Promise<{ steps: Step[]; appended: number }> {
  const steps: Step[] = [];
  let appended = 0;
  let lastId = startId;
  const step = async (rate: number): Promise<Step> => {
    await server.stepCpu();
    const a = await appendAt(target, rate, appended);
    appended += a.sent;
    lastId = a.last || lastId;
    // The last event fell due at STEP_MS: every client must have it LAG_MS after that.
    const r = await rx.expect(lastId, Math.max(0, STEP_MS + LAG_MS - a.seconds * 1000));
    const cpuMs = await server.stepCpu();
    const achieved = a.sent / a.seconds;
    const p = (q: number): number => percentile(r.latencies, q);
    const maxMs = percentile(r.latencies, 100);
    const why = [
      r.arrived
        ? ''
        : `last event not at every client within ${LAG_MS} ms of falling due (appends took ${fmtInt(achieved)}/s)`,
      r.gaps + r.dups > 0 ? `${r.gaps} gaps, ${r.dups} duplicates` : '',
      r.arrived && r.events !== a.sent * CLIENTS ? `${r.events} deliveries, expected ${a.sent * CLIENTS}` : '',
      maxMs >= LAG_MS ? `latency reached ${fmtInt(maxMs)} ms` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const s: Step = {
      rate,
      achieved,
      pass: why === '',
      why,
      p50ms: p(50),
      p99ms: p(99),
      maxMs,
      bytesPerEvent: r.events > 0 ? r.bytes / r.events : Number.NaN,
      serverCpuUs: (cpuMs * 1000) / a.sent,
    };
    console.log(
      `  ${target.name} ${fmtInt(rate)}/s: ${s.pass ? 'ok  ' : 'FAIL'} p50 ${fmtMs(s.p50ms)} ms, p99 ${fmtMs(s.p99ms)} ms, max ${fmtMs(maxMs)} ms, ${fmtInt(s.bytesPerEvent)} B/event, server CPU ${s.serverCpuUs.toFixed(1)} µs/event${why ? ` (${why})` : ''}`,
    );
    steps.push(s);
    if (!r.arrived) {
      // Let every client catch up before the next step, so steps do not overlap.
      const d = await rx.expect(lastId, 60_000);
      if (!d.arrived) throw new Error(`${target.name}: clients did not catch up within 60 s after ${fmtInt(rate)}/s`);
    }
    return s;
  };
  let lo = 0;
  let hi = 0;
  for (let rate = RATE0; rate <= RATE_MAX; rate *= 2) {
    if ((await step(rate)).pass) lo = rate;
    else {
      hi = rate;
      break;
    }
  }
  // Not even RATE0: halve down to RATE_MIN.
  for (let rate = RATE0 / 2; lo === 0 && rate >= RATE_MIN; rate /= 2) {
    if ((await step(rate)).pass) lo = rate;
    else hi = rate;
  }
  for (let i = 0; i < BISECTIONS && hi > 0 && lo > 0; i++) {
    const mid = Math.round((lo + hi) / 2 / 25) * 25;
    if ((await step(mid)).pass) lo = mid;
    else hi = mid;
  }
  return { steps, appended };
}

function best(steps: Step[]): Step | undefined {
  return steps.filter((s) => s.pass).sort((a, b) => b.rate - a.rate)[0];
}

async function measure(
  target: Target,
  server: ServerChild,
  streamUrl: string,
  after: number,
): Promise<{ steps: Step[]; best: Step | undefined; atRef: Step | undefined }> {
  let result: { steps: Step[]; appended: number };
  try {
    const rx = await startReceivers(streamUrl, CLIENTS, after);
    try {
      server.proc.kill('SIGUSR2'); // the server's CPU clock starts once the clients are connected
      await sleep(100);
      result = await search(target, server, rx, after);
    } finally {
      await rx.close();
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  const cpuMs = await server.stop();
  if (cpuMs === null) throw new Error(`${target.name}: the server did not report its CPU time`);
  const { steps } = result;
  return { steps, best: best(steps), atRef: steps.find((x) => x.rate === REF_RATE) };
}

export async function run(): Promise<void> {
  const tmp = tempDir('fanout');
  try {
    console.log(
      `fanout: ${CLIENTS} SSE clients on one topic, receivers and server in their own processes; steps of ${STEP_MS} ms; scale ${SCALE}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores\n`,
    );
    // Tidemark first: its event size sets the baseline's.
    const tm = await startServerChild(['tidemark', join(tmp.dir, 'fanout.db')]);
    const txnsUrl = `${tm.url}/v1/topics/${TOPIC}/txns`;
    const warm = await fetch(txnsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [fanEvent(-1, wallNow())] }),
    });
    const warmBody = (await warm.json()) as { results: { seq: number }[] };
    const after = warmBody.results[0]!.seq;
    const page = (await (await fetch(`${tm.url}/v1/topics/${TOPIC}/events?after=0&limit=1`)).json()) as {
      events: unknown[];
    };
    const eventBytes = JSON.stringify(page.events[0]).length;
    const lastSeq = (b: unknown): number =>
      Math.max(...(b as { results: { seq: number }[] }).results.map((r) => r.seq));
    console.log(`Tidemark (event JSON ~${eventBytes} bytes):`);
    const tidemark = await measure(
      { name: 'Tidemark', appendUrl: txnsUrl, lastOf: lastSeq },
      tm,
      `${tm.url}/v1/topics/${TOPIC}/events/stream?after=${after}`,
      after,
    );
    const bare = await startServerChild(['bare', String(eventBytes)]);
    console.log(`bare node:http SSE broadcast (baseline, events padded to ${eventBytes} bytes):`);
    const baseline = await measure(
      { name: 'bare', appendUrl: `${bare.url}/append`, lastOf: (b) => (b as { last: number }).last },
      bare,
      `${bare.url}/stream`,
      0,
    );
    console.log('');
    const rows = [
      ['bare node:http SSE (baseline)', baseline.best, baseline.atRef],
      ['Tidemark SSE tail', tidemark.best, tidemark.atRef],
    ] as const;
    printTable(
      [
        'server',
        'sustained events/s',
        'deliveries/s',
        'vs baseline',
        'p50 ms',
        'p99 ms',
        'max ms',
        'server CPU µs/event',
        `at ${fmtInt(REF_RATE)}/s`,
      ],
      rows.map(([name, b, ref]) => [
        name,
        b ? fmtInt(b.rate) : 'none',
        b ? fmtInt(b.rate * CLIENTS) : '-',
        b && baseline.best ? `${((b.rate / baseline.best.rate) * 100).toFixed(0)}%` : '-',
        b ? fmtMs(b.p50ms) : '-',
        b ? fmtMs(b.p99ms) : '-',
        b ? fmtMs(b.maxMs) : '-',
        b ? b.serverCpuUs.toFixed(1) : '-',
        ref ? ref.serverCpuUs.toFixed(1) : '-',
      ]),
    );
    const ratio = tidemark.best && baseline.best ? tidemark.best.rate / baseline.best.rate : 0;
    console.log(
      `\nTidemark / bare: ${(ratio * 100).toFixed(0)}% (target >= ${TARGET_RATIO * 100}%): ${verdict(ratio >= TARGET_RATIO)}; load average now ${loadavg()[0]!.toFixed(1)}`,
    );
    const file = writeFigures('fanout', { clients: CLIENTS, stepMs: STEP_MS, eventBytes, tidemark, baseline, ratio });
    console.log(`figures written to ${file}`);
  } finally {
    tmp.cleanup();
  }
}

if (isMain(import.meta.url)) {
  await run();
}
