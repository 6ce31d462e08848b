/**
 * Micro-benchmark of the strict JSON boundary (`npx tsx bench/json-text.ts`; not a suite section):
 * CPU time per event of turning a request body into a value, before (Buffer to string, then
 * JSON.parse: the server's parser until the strict reader) and after (`parseJsonBody`: fatal UTF-8
 * decode, the model's strict scan, JSON.parse), and of canonical JSON per event before (the fast
 * path as it was, copied below as the baseline) and after (`tryCanonicalJson` with its depth and
 * number checks). The copy (`previousCanonical`) is deliberate: it is the old code the figures are
 * measured against, so keep it as it is rather than import or share the model's walkers. Three
 * bodies: the ordered writer's batch of 1000 one-event transactions, one transaction of 1000 trade
 * events, one transaction of 1000 small (~60 byte) events. Before and after alternate over rounds;
 * figures are medians of process CPU time (steadier than wall time on a shared machine).
 * TIDEMARK_BENCH_SCALE scales the rounds.
 */
import { tryCanonicalJson } from '../src-core/model/canonical';
import type { EventInput } from '../src-core/model/types';
import { parseJsonBody } from '../src-core/server/json-body';
import { isMain, median, printTable, scaled, tradeEvent } from './util';

const EVENTS = 1000;

/** CPU µs per event of `reps` calls of `f` (user + system time of this process). */
function cpuPerEvent(f: () => unknown, reps: number): number {
  const t0 = process.cpuUsage();
  for (let k = 0; k < reps; k++) f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / reps / EVENTS;
}

/** The canonical JSON fast path before the depth and number limits (the baseline; a deliberate copy). */
function previousCanonical(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const t = previousCanonical(value[i] as unknown);
          if (t === undefined) return undefined;
          out += i > 0 ? ',' + t : t;
        }
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return undefined;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          keys.sort();
          break;
        }
      }
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const t = previousCanonical(obj[k]);
        if (t === undefined) return undefined;
        out += (i > 0 ? ',' : '') + JSON.stringify(k) + ':' + t;
      }
      return out + '}';
    }
    default:
      return undefined;
  }
}

interface Row {
  what: string;
  bytesPerEvent: number;
  beforeUs: number;
  afterUs: number;
}

export function run(): Promise<void> {
  const rounds = scaled(15, 3);
  const reps = 40;
  const trades: EventInput[] = Array.from({ length: EVENTS }, (_, i) => tradeEvent(i, 100_000));
  const small: EventInput[] = Array.from({ length: EVENTS }, (_, i) => ({
    key: `k-${String(i).padStart(6, '0')}`,
    data: { qty: (i % 500) + 1, px: '101.5' },
  }));
  const bodies = [
    {
      what: 'body: batch, 1000 one-event txns',
      bytes: Buffer.from(JSON.stringify({ txns: trades.map((e) => ({ topic: 'bench.writer', events: [e] })) })),
      config: { envelope: 5, depthPerTxn: true },
    },
    {
      what: 'body: one txn of 1000 trade events',
      bytes: Buffer.from(JSON.stringify({ events: trades })),
      config: { envelope: 3 },
    },
    {
      what: 'body: one txn of 1000 small events',
      bytes: Buffer.from(JSON.stringify({ events: small })),
      config: { envelope: 3 },
    },
  ];
  const rows: Row[] = [];
  for (const b of bodies) {
    const before = (): unknown => JSON.parse(b.bytes.toString('utf8')) as unknown;
    const after = (): unknown => parseJsonBody(b.bytes, b.config).value;
    rows.push(measure(b.what, b.bytes.length / EVENTS, before, after, rounds, reps));
  }
  for (const [what, events] of [
    ['canonical JSON: trade event data', trades],
    ['canonical JSON: small event data', small],
  ] as const) {
    const before = (): void => {
      for (const e of events) previousCanonical(e.data);
    };
    const after = (): void => {
      for (const e of events) tryCanonicalJson(e.data);
    };
    rows.push(measure(what, JSON.stringify(events).length / EVENTS, before, after, rounds, reps));
  }
  printTable(
    ['what', 'B/event', 'before CPU µs/event', 'after CPU µs/event', 'after - before'],
    rows.map((r) => [
      r.what,
      r.bytesPerEvent.toFixed(0),
      r.beforeUs.toFixed(3),
      r.afterUs.toFixed(3),
      `${r.afterUs - r.beforeUs >= 0 ? '+' : ''}${(r.afterUs - r.beforeUs).toFixed(3)}`,
    ]),
  );
  console.log(`\nmedians of ${rounds} alternating rounds of ${reps} calls each`);
  return Promise.resolve();
}

function measure(
  what: string,
  bytesPerEvent: number,
  before: () => unknown,
  after: () => unknown,
  rounds: number,
  reps: number,
): Row {
  // Warm up both (JIT), then alternate so load from other processes hits both alike.
  cpuPerEvent(before, reps * 3);
  cpuPerEvent(after, reps * 3);
  const b: number[] = [];
  const a: number[] = [];
  for (let r = 0; r < rounds; r++) {
    b.push(cpuPerEvent(before, reps));
    a.push(cpuPerEvent(after, reps));
  }
  return { what, bytesPerEvent, beforeUs: median(b), afterUs: median(a) };
}

if (isMain(import.meta.url)) await run();
