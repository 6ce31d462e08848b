/**
 * A profiling harness for the SQLite write path (docs/bench.md, "SQLite writes (issue 14)"): appends
 * N events (default 50,000, over K keys, default 100,000) to a fresh SQLite file in transactions of P events
 * (default 1,000), R times (default 5), and prints the median events/s and the median CPU time
 * (user + system) per event. Not a bench section: it has no baseline; run it under
 * `node --cpu-prof` to see where an append's time goes, or alternate it between two trees.
 *
 *   R=3 node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/append-profile.ts
 *   N=20000 P=100 npx tsx bench/append-profile.ts
 *   N=1000000 K=400000 R=1 npx tsx bench/append-profile.ts   # more keys than the head cache holds
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventInput } from '../src-core/model/types';
import { openSqliteStore } from '../src-core/store/sqlite/index';
import { median, tradeEvent } from './util';

const COUNT = Number(process.env.N ?? 50_000);
const PER_TXN = Number(process.env.P ?? 1000);
const RUNS = Number(process.env.R ?? 5);
const KEYS = Number(process.env.K ?? 100_000);

/** One run on a fresh file: [events/s, CPU µs per event]. */
async function once(): Promise<[number, number]> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-append-profile-'));
  const store = openSqliteStore(join(dir, 'a.db'), { synchronous: 'FULL' });
  try {
    const txns: EventInput[][] = [];
    for (let i = 0; i < COUNT; i += PER_TXN) {
      const events: EventInput[] = [];
      for (let j = i; j < Math.min(COUNT, i + PER_TXN); j++) events.push(tradeEvent(j, KEYS));
      txns.push(events);
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const events of txns) await store.append('bench', { events });
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return [COUNT / secs, (cpu.user + cpu.system) / COUNT];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rates: number[] = [];
const cpus: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const [rate, cpu] = await once();
  rates.push(rate);
  cpus.push(cpu);
}
console.log(
  `${PER_TXN} events/txn: ${Math.round(median(rates))} events/s, CPU ${median(cpus).toFixed(2)} µs/event` +
    ` (runs: ${cpus.map((c) => c.toFixed(2)).join(' ')})`,
);
