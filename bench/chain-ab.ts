/**
 * The hash chain's write cost, A/B (docs/bench.md, "The hash chain"): the write path of tree A
 * (the previous main, a git worktree) against tree B (default: this tree), per event, two ways:
 *
 * - `cpu`: CPU time. Every sample is a fresh child process of one tree (nothing shared between the
 *   trees, nothing left over from an earlier sample), alternating the trees in pairs (A,B then B,A
 *   in the next pair, so a drift of the machine over the session falls on both sides), the CPU
 *   clock read inside the child around the measured calls only, after a warm-up. Prints every
 *   pair's ratio B/A, their order-balanced median (`balanced`), min/max and a bootstrap 95% interval.
 * - `grind`: instructions executed, counted by valgrind's callgrind, which does not depend on the
 *   load of the machine. Each tree runs CALLS and 2×CALLS measured calls (same warm-up); the
 *   difference of the two totals divided by the difference of events is the instructions per event
 *   with the process's start-up, module loading and warm-up cancelled. V8 runs `--single-threaded
 *   --predictable` with fixed seeds so the same tree counts (nearly) the same twice: every
 *   repetition is printed to show it.
 *
 * Modes: `ordered` (1,000 one-event transactions per `appendBatch`: the ordered writer's shape as
 * it coalesces into /v1/batch), `batched` (10 transactions of 1,000 events per call), `engine` (one
 * transaction of 1,000 events per call over 100,000 spread keys: the engine section's shape), all through
 * bench/chain-ab-child.ts bundled with each tree's SQLite store; `http` (cpu only): the server's CPU
 * per event under the ordered writer, each sample a fresh `bench/http-server.ts` of that tree fed
 * with this tree's OrderedWriter.
 *
 *   npx tsx bench/chain-ab.ts cpu ordered /work/wt/prevmain          # B defaults to this tree
 *   npx tsx bench/chain-ab.ts cpu ordered /work/wt/prevmain /work/wt/prevmain   # A-vs-A control
 *   npx tsx bench/chain-ab.ts grind batched /work/wt/prevmain
 *
 * Environment: PAIRS (cpu, default 10, rounded up to even), CALLS (measured calls per sample; cpu default 100 ordered /
 * 12 batched / 90 engine; grind default 10 ordered / 2 batched / 9 engine), WARM (warm-up calls; cpu default 5 ordered /
 * 2 batched / 9 engine, grind 20 / 4 / 36),
 * REPS (grind repetitions per tree, default 2), GRIND_OUT (a directory to keep callgrind's files in,
 * for `callgrind_annotate`), HTTP_EVENTS (default 100,000).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OrderedWriter } from '../src-core/store/http/index';
import { NODE_FLAGS, abWorkspace, balanced, bootstrap, bundleEntry, callgrind, f2, pct, resultOf, run } from './ab';
import type { ChildResult } from './chain-ab-child';
import { listening, median, tradeEvent } from './util';

type Mode = 'ordered' | 'batched' | 'engine' | 'http';
const [measureArg, modeArg, treeA, treeB = '.'] = process.argv.slice(2);
if (
  (measureArg !== 'cpu' && measureArg !== 'grind') ||
  (modeArg !== 'ordered' && modeArg !== 'batched' && modeArg !== 'engine' && modeArg !== 'http') ||
  treeA === undefined ||
  (measureArg === 'grind' && modeArg === 'http')
) {
  throw new Error(
    'usage: tsx bench/chain-ab.ts cpu|grind ordered|batched|engine|http TREE_A [TREE_B] (http: cpu only)',
  );
}
const mode: Mode = modeArg;
const grind = measureArg === 'grind';
const num = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
const PAIRS = 2 * Math.ceil(num('PAIRS', 10) / 2); // even: as many pairs run A first as B first
/** Per mode: [grind, cpu] defaults. `engine` measures whole cycles of the tail (applied every ninth call). */
const DEFAULTS: Record<Mode, { calls: [number, number]; warm: [number, number] }> = {
  ordered: { calls: [10, 100], warm: [20, 5] },
  batched: { calls: [2, 12], warm: [4, 2] },
  engine: { calls: [9, 90], warm: [36, 9] },
  http: { calls: [10, 100], warm: [20, 5] },
};
const CALLS = num('CALLS', DEFAULTS[mode].calls[grind ? 0 : 1]);
// Under callgrind the warm-up is longer: V8's optimising compiler must be done before the first
// measured call, or its work lands between CALLS and 2×CALLS and is counted as the events'.
const WARM = num('WARM', DEFAULTS[mode].warm[grind ? 0 : 1]);
const REPS = num('REPS', 2);
const HTTP_EVENTS = num('HTTP_EVENTS', 100_000);
const HTTP_KEYS = 20_000;

const work = abWorkspace('tidemark-chain-ab-run-');

/** Bundles the child with `root`'s SQLite store into one ES module (no TypeScript loader at run time). */
async function bundle(root: string, name: string): Promise<string> {
  const store = join(resolve(root), 'src-core/store/sqlite/index.ts');
  const child = resolve('bench/chain-ab-child.ts');
  return bundleEntry(
    work,
    name,
    `import { openSqliteStore } from ${JSON.stringify(store)};\n` +
      `import { runChild } from ${JSON.stringify(child)};\n` +
      'await runChild(openSqliteStore);\n',
  );
}

/** One sample's CPU µs per event: user + system, and user only. */
type Sample = [cpu: number, user: number];

/** One CPU sample of a bundle: CPU µs per event of the measured calls. */
async function cpuSample(js: string): Promise<Sample> {
  const r = resultOf<ChildResult>(await run(process.execPath, [js, mode, String(CALLS), String(WARM)]));
  return [r.cpuUs / r.events, r.userUs / r.events];
}

/** Instructions (callgrind's total Ir) of one child run with `calls` measured calls; and its events. */
async function instructions(js: string, calls: number, tag: string): Promise<[number, number]> {
  const file = join(process.env.GRIND_OUT ?? work, `callgrind.${mode}.${tag}.out`);
  const [ir, out] = await callgrind(file, [process.execPath, ...NODE_FLAGS, js, mode, String(calls), String(WARM)]);
  return [ir, resultOf<ChildResult>(out).events];
}

/** Instructions per event of a bundle: (Ir(2·CALLS) − Ir(CALLS)) / events between them. */
async function irPerEvent(js: string, tag: string): Promise<number> {
  const [ir1, ev1] = await instructions(js, CALLS, `${tag}.1`);
  const [ir2, ev2] = await instructions(js, 2 * CALLS, `${tag}.2`);
  return (ir2 - ir1) / (ev2 - ev1);
}

/** Writes `count` one-event transactions through the ordered writer, a bounded number outstanding. */
async function ordered(url: string, topic: string, count: number): Promise<void> {
  const w = new OrderedWriter({ url });
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(w.append(topic, { events: [tradeEvent(i, HTTP_KEYS)] }));
    if (pending.length >= 20_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

/** One HTTP sample against `root`'s server in a fresh child process: its CPU µs per event. */
async function httpSample(root: string): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-chain-ab-'));
  const script = join(resolve(root), 'bench/http-server.ts');
  const proc = spawn(process.execPath, ['--import', 'tsx', script, 'tidemark', join(dir, 's.db')], {
    cwd: resolve(root),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const out = await listening(proc, 'server');
    const url = out.url;
    await ordered(url, 'warm', 10_000);
    proc.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 100));
    await ordered(url, 'bench.writer', HTTP_EVENTS);
    const cpu = await new Promise<{ userMs: number; systemMs: number }>((ok, fail) => {
      proc.once('exit', () => {
        const c = out.cpu();
        if (c) ok(c);
        else fail(new Error('server printed no cpu line'));
      });
      proc.kill('SIGTERM');
    });
    return [((cpu.userMs + cpu.systemMs) * 1000) / HTTP_EVENTS, (cpu.userMs * 1000) / HTTP_EVENTS];
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const same = resolve(treeA) === resolve(treeB);
console.log(`${measureArg} ${mode}: A=${resolve(treeA)} B=${resolve(treeB)}${same ? ' (A-vs-A control)' : ''}`);

try {
  if (grind) {
    const [ja, jb] = [await bundle(treeA, 'a'), await bundle(treeB, 'b')];
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < REPS; r++) {
      a.push(await irPerEvent(ja, `a${r}`));
      b.push(await irPerEvent(jb, `b${r}`));
      console.log(
        `rep ${r + 1}: A ${Math.round(a[r]!)} B ${Math.round(b[r]!)} instructions/event, B/A ${f2(b[r]! / a[r]!)}`,
      );
    }
    const ra = median(a);
    const rb = median(b);
    const spread = (xs: number[]): string => pct(Math.max(...xs) / Math.min(...xs));
    console.log(`A: ${Math.round(ra)} instructions/event (repeatability: max/min ${spread(a)})`);
    console.log(`B: ${Math.round(rb)} instructions/event (repeatability: max/min ${spread(b)})`);
    console.log(`${mode}: B/A ${pct(rb / ra)} instructions per event`);
  } else {
    const sample =
      mode === 'http'
        ? [() => httpSample(treeA), () => httpSample(treeB)]
        : await Promise.all([bundle(treeA, 'a'), bundle(treeB, 'b')]).then(([ja, jb]) => [
            () => cpuSample(ja),
            () => cpuSample(jb),
          ]);
    const [sa, sb] = sample as [() => Promise<Sample>, () => Promise<Sample>];
    const a: Sample[] = [];
    const b: Sample[] = [];
    for (let p = 0; p < PAIRS; p++) {
      if (p % 2 === 0) {
        a.push(await sa());
        b.push(await sb());
      } else {
        b.push(await sb());
        a.push(await sa());
      }
      const [[ca, ua], [cb, ub]] = [a[p]!, b[p]!];
      console.log(
        `pair ${p + 1}: A ${f2(ca)} B ${f2(cb)} µs/event, B/A ${f2(cb / ca)}; user only A ${f2(ua)} B ${f2(ub)}, B/A ${f2(ub / ua)}`,
      );
    }
    for (const [part, i] of [
      ['CPU (user + system)', 0],
      ['user CPU', 1],
    ] as const) {
      const ratios = a.map((x, p) => b[p]![i] / x[i]);
      const aFirst = ratios.filter((_, p) => p % 2 === 0);
      const bFirst = ratios.filter((_, p) => p % 2 === 1);
      const [lo, hi] = bootstrap(aFirst, bFirst);
      console.log(
        `${mode}, ${part}: A median ${f2(median(a.map((x) => x[i])))} µs/event, B median ${f2(median(b.map((x) => x[i])))};` +
          ` B/A ${pct(balanced(aFirst, bFirst))} (order-balanced median of pair ratios; bootstrap 95% ${pct(lo)} .. ${pct(hi)};` +
          ` pairs min ${pct(Math.min(...ratios))} max ${pct(Math.max(...ratios))}; plain median ${pct(median(ratios))};` +
          ` second in a pair ran ${pct(Math.sqrt(median(bFirst) / median(aFirst)))} against first)`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
