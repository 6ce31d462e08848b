/**
 * CLI start-up benchmark (`npx tsx bench/cli-start.ts`, or the `cli-start` section of
 * `npm run bench`): how long `tidemark --help` and `tidemark --version` take from spawn to exit,
 * hyperfine-style: a few warm-up runs, then RUNS spawns of each command interleaved with the
 * baseline, a bare `node -e 0`, so machine load hits all of them alike. Reports the median and p90
 * of each and the CLI's cost over bare Node; the target is a `--help` median under 150 ms. It runs
 * the built CLI (bin/tidemark.mjs -> dist/cli.js), building the bundle first. With
 * `TIDEMARK_BENCH_CLI_BEFORE=<another checkout>/bin/tidemark.mjs` (built there), that CLI's
 * `--help` and `--version` are spawned in the same rounds too: a before/after in one run.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildJs } from '../scripts/build-lib.mjs';
import { fmtMs, isMain, median, now, percentile, printTable, scaled, verdict, writeFigures } from './util';

const BIN = fileURLToPath(new URL('../bin/tidemark.mjs', import.meta.url));
const TARGET_MS = 150;

const BEFORE = process.env.TIDEMARK_BENCH_CLI_BEFORE;

const COMMANDS: Record<string, string[]> = {
  'node -e 0 (baseline)': ['-e', '0'],
  'tidemark --help': [BIN, '--help'],
  'tidemark --version': [BIN, '--version'],
  ...(BEFORE
    ? { 'before: tidemark --help': [BEFORE, '--help'], 'before: tidemark --version': [BEFORE, '--version'] }
    : {}),
};

function timeOnce(args: string[]): number {
  const start = now();
  const r = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

export async function run(): Promise<void> {
  await buildJs();
  const runs = scaled(30, 5);
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
  for (const args of Object.values(COMMANDS)) for (let i = 0; i < 3; i++) timeOnce(args);
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of Object.entries(COMMANDS)) times[name]!.push(timeOnce(args));
  }
  const base = median(times['node -e 0 (baseline)']!);
  const rows = Object.entries(times).map(([name, t]) => [
    name,
    fmtMs(median(t)),
    fmtMs(percentile(t, 90)),
    name.includes('baseline') ? '' : `+${fmtMs(median(t) - base)}`,
  ]);
  console.log(`${runs} runs each, interleaved (ms, spawn to exit); load average ${loadavg()[0]!.toFixed(2)}`);
  if (BEFORE) console.log(`before: ${BEFORE}`);
  printTable(['command', 'median', 'p90', 'over node'], rows);
  const help = median(times['tidemark --help']!);
  console.log(`tidemark --help median ${fmtMs(help)} ms: ${verdict(help < TARGET_MS)} (target < ${TARGET_MS} ms)`);
  const figures = {
    runs,
    ...(BEFORE ? { before: BEFORE } : {}),
    targetMs: TARGET_MS,
    medianMs: Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)])),
    p90Ms: Object.fromEntries(Object.entries(times).map(([k, t]) => [k, percentile(t, 90)])),
  };
  console.log(`figures written to ${writeFigures('cli-start', figures)}`);
}

if (isMain(import.meta.url)) await run();
